import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@hub/core';
import { AuditRepository } from './audit.repository.js';

/**
 * Links committed audit events into the hash chain every AUDIT_SEAL_INTERVAL_MS, in processes that run background
 * jobs. Sealing after commit, not in the writing transaction, is what lets audited writes run in parallel: only the
 * sealer is serialised (by an advisory lock, so replicas take turns). Verification seals first, so it never depends
 * on this timer.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditSealer');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly repository: AuditRepository,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.JOBS_ENABLED) return;
    this.timer = setInterval(() => void this.sealOnce(), this.config.AUDIT_SEAL_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    await this.sealOnce();
  }

  /** One pass, skipped while the previous one is still running. */
  private sealOnce(): Promise<void> {
    this.running ??= this.repository
      .sealPending(false)
      .then(() => undefined)
      .catch((err: Error) => this.logger.error(`sealing the audit chain failed: ${err.message}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
