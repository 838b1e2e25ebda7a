import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The process's own figures (CPU, memory, event-loop lag, GC), collected once however many hubs a process holds. */
let processRegistry: Registry | null = null;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Sets one labelled value of a gauge that is computed when Prometheus scrapes. */
export type GaugeSetter<L extends string> = (labels: Record<L, string>, value: number) => void;

/**
 * The hub's Prometheus metrics (served at /metrics). One registry per hub instance, so tests that start several hubs
 * in one process do not mix their counts; the process-wide default metrics are merged in at scrape time.
 */
@Injectable()
export class HubMetrics {
  private readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'hub_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status, from the first byte in to the last byte out',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly ingestedInstances = new Counter({
    name: 'hub_ingest_instances_total',
    help: 'DICOM instances received (STOW-RS and C-STORE) by outcome: stored (new), duplicate (same bytes again), failed',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Scrapes at which a computed gauge could not be computed (e.g. the database was unreachable). */
  private readonly collectFailures = new Counter({
    name: 'hub_metrics_collect_failures_total',
    help: 'Scrapes at which a gauge computed at scrape time could not be computed, by gauge',
    labelNames: ['gauge'] as const,
    registers: [this.registry],
  });

  readonly ingestedBytes = new Counter({
    name: 'hub_ingest_bytes_total',
    help: 'Bytes of the DICOM instances stored as new',
    registers: [this.registry],
  });

  /**
   * A gauge whose values are computed at scrape time (e.g. a count in the database). Values not set by a scrape are
   * dropped, so a centre whose queue emptied does not keep its last depth.
   */
  collectedGauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect: (set: GaugeSetter<L>) => Promise<void> | void,
  ): void {
    const failures = this.collectFailures;
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        // A gauge that cannot be computed (the database is down) stays empty; the scrape and every other metric go on.
        await Promise.resolve(
          collect((labels, value) => this.set(labels as Partial<Record<L, string | number>>, value)),
        ).catch(() => failures.inc({ gauge: name }));
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async render(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }
}
