import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import PgBoss from 'pg-boss';
import { HUB_CONFIG, type HubConfig } from '@hub/core';
import { DatabaseRuntime } from '../database-runtime.js';
import { roleOf } from '../database-urls.js';

/**
 * pg-boss creates and owns a schema of its own, beside the domain tables in `public`. That is acceptable: it holds job
 * bookkeeping only (never patient data), and pg-boss installs and upgrades it itself at start, so it is not in our
 * migrations and the schema test (entities against migrations, in `public`) does not see it.
 */
export const JOBS_SCHEMA = 'pgboss';

/** The queue pg-boss's own timekeeper uses to turn schedules into jobs; it must exist before the app role starts. */
const CRON_QUEUE = '__pgboss__send-it';

const APPLICATION_NAME = 'consortium-hub-jobs';

export interface JobDefinition {
  /** Queue name: letters, digits, hyphens. */
  name: string;
  /** Five-field cron expression (UTC, one-minute granularity) when the job runs on a schedule. */
  cron?: string;
  /** Attempts after a failure (0: none; a scheduled job simply runs again at its next time). */
  retryLimit: number;
  /** How long one run may take before pg-boss fails it. */
  expireInSeconds: number;
  /** Resolves to a small summary (it is kept with the job in pg-boss's tables: never patient data). */
  run(data: object): Promise<object>;
}

/**
 * The hub's background jobs on pg-boss, in the hub's own database. Every process installs the queues and can send
 * jobs; with JOBS_ENABLED it also works them, keeps the schedules and runs pg-boss's maintenance.
 *
 * Roles: the hub runs as a role without DDL rights, and pg-boss creates a table per queue. So the schema owner (the
 * role migrations run as) installs or upgrades pg-boss and creates every defined queue; the app role then gets DML on
 * those tables only and starts pg-boss without migrating.
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly definitions = new Map<string, JobDefinition>();
  private boss?: PgBoss;

  constructor(
    private readonly database: DatabaseRuntime,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  /** Declares a job; call it from onModuleInit, so it is known when the queues are installed at bootstrap. */
  define(job: JobDefinition): void {
    if (this.boss) throw new Error(`job ${job.name} defined after the job queue started`);
    this.definitions.set(job.name, job);
  }

  /** Queues one run of a defined job for whichever process works it; resolves to the job id. */
  async send(name: string, data: object = {}): Promise<string | null> {
    if (!this.boss) throw new Error('the job queue is not running');
    if (!this.definitions.has(name)) throw new Error(`no job named ${name}`);
    return this.boss.send(name, data);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.install();
    const enabled = this.config.JOBS_ENABLED;
    const boss = new PgBoss({
      connectionString: this.database.urls.appUrl,
      schema: JOBS_SCHEMA,
      application_name: APPLICATION_NAME,
      // Workers and the timekeeper take a connection only while they query.
      max: 4,
      migrate: false,
      supervise: enabled,
      schedule: enabled,
    });
    boss.on('error', (err) => this.logger.error(`job queue: ${err.message}`));
    try {
      await boss.start();
      if (enabled) {
        for (const job of this.definitions.values()) {
          if (job.cron) await boss.schedule(job.name, job.cron, {}, { tz: 'UTC' });
          else await boss.unschedule(job.name);
          await boss.work(job.name, { batchSize: 1, pollingIntervalSeconds: 5 }, ([sent]) =>
            this.runLogged(job, sent?.data ?? {}),
          );
        }
      }
    } catch (err) {
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      throw err;
    }
    this.boss = boss;
  }

  /** Before the hub's own pool closes: a run in progress still has its database. */
  async beforeApplicationShutdown(): Promise<void> {
    const boss = this.boss;
    this.boss = undefined;
    await boss?.stop({ graceful: true, wait: true, timeout: 10_000 });
  }

  private async install(): Promise<void> {
    const { adminUrl, appUrl } = this.database.urls;
    const owner = new PgBoss({
      connectionString: adminUrl,
      schema: JOBS_SCHEMA,
      application_name: APPLICATION_NAME,
      max: 1,
      supervise: false,
      schedule: false,
    });
    owner.on('error', (err) => this.logger.error(`job queue install: ${err.message}`));
    try {
      await owner.start();
      for (const name of [CRON_QUEUE, ...this.definitions.keys()]) {
        const job = this.definitions.get(name);
        const options: PgBoss.Queue = job
          ? { name, policy: 'standard', retryLimit: job.retryLimit, expireInSeconds: job.expireInSeconds }
          : { name };
        await owner.createQueue(name, options);
        if (job) await owner.updateQueue(name, options);
      }
      const appRole = roleOf(appUrl);
      if (appRole !== roleOf(adminUrl)) {
        const role = `"${appRole.replace(/"/g, '""')}"`;
        // Concurrent GRANTs on one object can fail ("tuple concurrently updated"): hub processes starting together
        // take turns.
        await owner.getDb().executeSql(
          `BEGIN;
           SELECT pg_advisory_xact_lock(hashtext('hub:pgboss-grants'));
           GRANT USAGE ON SCHEMA ${JOBS_SCHEMA} TO ${role};
           GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${JOBS_SCHEMA} TO ${role};
           COMMIT;`,
          [],
        );
      }
    } finally {
      await owner.stop({ graceful: false, wait: true });
    }
  }

  private async runLogged(job: JobDefinition, data: object): Promise<object> {
    try {
      return await job.run(data);
    } catch (err) {
      this.logger.error(`job ${job.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
  }
}
