import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AUDIT_RETENTION_MIN_DAYS, HUB_CONFIG, type HubConfig } from '@hub/core';
import { JobQueue } from '@hub/db';
import { AuditRepository } from './audit.repository.js';

export const AUDIT_RETENTION_JOB = 'audit-retention';

/** Events removed per transaction: a first run over years of events must not hold the sealer's lock for long. */
export const AUDIT_RETENTION_BATCH = 10_000;

const DAY_MS = 24 * 3600 * 1000;

/** Events that occurred before this instant are past the retention window. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  if (!Number.isInteger(retentionDays) || retentionDays < AUDIT_RETENTION_MIN_DAYS)
    throw new RangeError(`audit events are kept at least ${AUDIT_RETENTION_MIN_DAYS} days, not ${retentionDays}`);
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

export interface AuditRetentionResult {
  cutoff: string;
  removed: number;
}

/**
 * The audit retention job (pg-boss, AUDIT_RETENTION_CRON, where JOBS_ENABLED): removes audit events older than
 * AUDIT_RETENTION_DAYS through the database function audit_prune, which keeps the chain verifiable (see the
 * AuditRetention migration). Only audit events: no job removes studies, instances, reports or their objects.
 */
@Injectable()
export class AuditRetention implements OnModuleInit {
  private readonly logger = new Logger('AuditRetention');

  constructor(
    private readonly repository: AuditRepository,
    private readonly jobs: JobQueue,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.define({
      name: AUDIT_RETENTION_JOB,
      cron: this.config.AUDIT_RETENTION_CRON,
      retryLimit: 0,
      expireInSeconds: 3600,
      run: () => this.run(),
    });
  }

  async run(now = new Date(), batch = AUDIT_RETENTION_BATCH): Promise<AuditRetentionResult> {
    const cutoff = retentionCutoff(now, this.config.AUDIT_RETENTION_DAYS);
    let removed = 0;
    for (;;) {
      const n = await this.repository.prune(cutoff, batch);
      removed += n;
      if (n < batch) break;
    }
    if (removed > 0) this.logger.log(`removed ${removed} audit events older than ${cutoff.toISOString()}`);
    return { cutoff: cutoff.toISOString(), removed };
  }
}
