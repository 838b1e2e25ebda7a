import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { HUB_CONFIG, type HubConfig } from '@hub/core';
import { JobQueue, returningRows } from '@hub/db';
import { SLA_WARNING_FRACTION } from '../domain/sla.js';
import { ReadingEventBus } from '../reading-events.js';
import { TaskLeases } from '../task-leases.service.js';
import { TASK_RECORD_COLUMNS, type TaskRecord } from '../task-store.js';
import { slaEvents } from './sla-events.js';

export const SLA_SWEEP_JOB = 'reading-sla-sweep';

export interface SlaSweepResult {
  released: number;
  warned: number;
  breached: number;
}

/** A task still waiting on the centre: the clinic holds a returned one, so its clock does not run. */
const OPEN = "state NOT IN ('signed', 'cancelled', 'returned')";

/** Tasks flagged per transaction by the sweep. */
export const SLA_SWEEP_BATCH = 500;

/**
 * The minute job of the reading queues: tasks whose lease ran out go back to where they were claimed from (claims do it
 * too, but only for their own centre and only when someone claims), and coordinators hear once when a task reaches 80%
 * of its SLA time (sla.warning) and once when it is overdue (sla.breached; a task found already overdue gets no
 * warning).
 *
 * "Once" holds across restarts and processes: the flags are columns of the task, and one UPDATE … RETURNING claims the
 * rows it flags (locked rows are skipped, to be taken by the next run), so concurrent sweeps never flag a task twice.
 * Events go out after the flags committed: a crash in between loses that notice rather than repeating it.
 */
@Injectable()
export class SlaSweep implements OnModuleInit {
  private readonly logger = new Logger('SlaSweep');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly leases: TaskLeases,
    private readonly events: ReadingEventBus,
    private readonly jobs: JobQueue,
  ) {}

  onModuleInit(): void {
    this.jobs.define({
      name: SLA_SWEEP_JOB,
      cron: this.config.SLA_SWEEP_CRON,
      retryLimit: 0,
      expireInSeconds: 300,
      run: () => this.run(),
    });
  }

  /** One pass; safe to run at the same time as others, in this process or another. */
  async run(batchSize = SLA_SWEEP_BATCH): Promise<SlaSweepResult> {
    const released = await this.leases.requeueExpired();
    this.events.publish(released);
    let warned = 0;
    let breached = 0;
    // Short transactions of at most SLA_SWEEP_BATCH tasks each: a backlog (after downtime, or a new deployment)
    // must not lock a whole queue in one transaction while readers claim from it.
    for (;;) {
      const batch = await this.flagBatch(batchSize);
      this.events.publish([...slaEvents('warning', batch.warned), ...slaEvents('breached', batch.breached)]);
      warned += batch.warned.length;
      breached += batch.breached.length;
      if (batch.warned.length < batchSize && batch.breached.length < batchSize) break;
    }
    const result = { released: released.length, warned, breached };
    if (result.released + result.warned + result.breached > 0) {
      this.logger.log(
        `sla sweep: ${result.released} expired leases requeued, ${result.warned} warnings, ${result.breached} breaches`,
      );
    }
    return result;
  }
  /** Flags at most `batchSize` breaches and as many warnings, in one short transaction. */
  private flagBatch(batchSize: number): Promise<{ warned: TaskRecord[]; breached: TaskRecord[] }> {
    return this.dataSource.transaction(async (m) => {
      // Breaches first, so a task past due is not also warned in the same pass.
      const breachedIds = await returningRows<{ id: string }>(
        m,
        `UPDATE reading_tasks t SET sla_breached_at = now()
          WHERE t.id IN (SELECT id FROM reading_tasks
                          WHERE ${OPEN} AND sla_breached_at IS NULL AND due_at < now()
                          LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING t.id`,
        [batchSize],
      );
      const warnedIds = await returningRows<{ id: string }>(
        m,
        `UPDATE reading_tasks t SET sla_warned_at = now()
          WHERE t.id IN (SELECT id FROM reading_tasks
                          WHERE ${OPEN} AND sla_warned_at IS NULL AND sla_breached_at IS NULL AND due_at >= now()
                            AND queued_at + (due_at - queued_at) * $1::float8 <= now()
                          LIMIT $2 FOR UPDATE SKIP LOCKED)
          RETURNING t.id`,
        [SLA_WARNING_FRACTION, batchSize],
      );
      return { breached: await records(m, breachedIds), warned: await records(m, warnedIds) };
    });
  }
}

async function records(m: EntityManager, rows: { id: string }[]): Promise<TaskRecord[]> {
  if (rows.length === 0) return [];
  return m.query(
    `SELECT ${TASK_RECORD_COLUMNS} FROM reading_tasks t JOIN reading_requests r ON r.id = t.request_id
      WHERE t.id = ANY($1) ORDER BY t.due_at, t.id`,
    [rows.map((r) => r.id)],
  );
}
