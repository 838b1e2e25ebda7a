import type { SlaStatus } from '@hub/contracts';
import type { Priority } from '@hub/core';

/** Queue order: STAT first, then urgent, then routine. Stored with the task so the queue index sorts on it. */
export const PRIORITY_RANK: Record<Priority, number> = { stat: 0, urgent: 1, routine: 2 };

/** The share of the SLA time after which coordinators are warned. */
export const SLA_WARNING_FRACTION = 0.8;

const MINUTE_MS = 60_000;

/** When a task queued at `queuedAt` must be signed, given the centre's SLA minutes for its priority. */
export function dueAt(queuedAt: Date, slaMinutes: number): Date {
  return new Date(queuedAt.getTime() + slaMinutes * MINUTE_MS);
}

/** When coordinators get sla.warning: once 80% of the time from queueing to due has passed. */
export function warnAt(queuedAt: Date, due: Date): Date {
  return new Date(queuedAt.getTime() + Math.floor((due.getTime() - queuedAt.getTime()) * SLA_WARNING_FRACTION));
}

export type { SlaStatus } from '@hub/contracts';

/** Where an open task stands against its SLA at `now` (a signed one is judged by when it was signed). */
export function slaStatus(now: Date, queuedAt: Date, due: Date): SlaStatus {
  if (now.getTime() > due.getTime()) return 'breached';
  if (now.getTime() >= warnAt(queuedAt, due).getTime()) return 'warning';
  return 'on_time';
}
