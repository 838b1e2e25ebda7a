import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@hub/core';
import { OBJECT_STORE, type ObjectStore } from '@hub/storage';
import { ResumableUploads } from '../uploads/resumable-uploads.js';
import { ObjectReferences } from './object-references.js';

export interface SweepResult {
  examined: number;
  removed: number;
  staleUploads: number;
  expiredResumableUploads: number;
}

/**
 * Removes objects no committed row points to (what a crash between "stored" and "filed" leaves), once they are older
 * than the grace period, so an ingest still in flight is never touched; and temporary uploads a crash left behind.
 * Deletion goes through the same lock the indexer takes, so a row can never end up pointing at a removed object.
 * Runs on a timer in each process with JOBS_ENABLED (hub or worker); the lock makes concurrent sweeps harmless.
 */
@Injectable()
export class OrphanObjectSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OrphanSweeper');
  private timer?: NodeJS.Timeout;
  private running?: Promise<SweepResult>;

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly references: ObjectReferences,
    private readonly resumable: ResumableUploads,
  ) {}

  onApplicationBootstrap(): void {
    const minutes = this.config.ORPHAN_SWEEP_INTERVAL_MINUTES;
    if (minutes === 0 || !this.config.JOBS_ENABLED) return;
    this.timer = setInterval(() => void this.sweepLogged(), minutes * 60_000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass; concurrent calls share the pass in progress. */
  sweep(graceMinutes = this.config.ORPHAN_GRACE_MINUTES): Promise<SweepResult> {
    this.running ??= this.pass(graceMinutes).finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(graceMinutes: number): Promise<SweepResult> {
    const cutoff = Date.now() - graceMinutes * 60_000;
    let examined = 0;
    let removed = 0;
    for await (const key of this.store.listKeys()) {
      examined += 1;
      const stat = await this.store.stat(key);
      if (!stat || stat.lastModified.getTime() > cutoff) continue;
      if (await this.references.deleteIfUnreferenced(key)) removed += 1;
    }
    const staleUploads = await this.store.removeStaleUploads(graceMinutes);
    const expiredResumableUploads = await this.resumable.removeExpired();
    return { examined, removed, staleUploads, expiredResumableUploads };
  }

  private async sweepLogged(): Promise<void> {
    try {
      const result = await this.sweep();
      if (result.removed > 0 || result.staleUploads > 0 || result.expiredResumableUploads > 0)
        this.logger.log(
          `removed ${result.removed} orphan objects, ${result.staleUploads} stale temporary uploads and ` +
            `${result.expiredResumableUploads} expired resumable uploads`,
        );
    } catch (err) {
      this.logger.error(`orphan sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
