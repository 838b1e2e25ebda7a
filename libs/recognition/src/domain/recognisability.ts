const DAY_MS = 86_400_000;

import type { NotRecognisableReason } from '@hub/contracts';
import { chinaDay } from '@hub/core';

export type { NotRecognisableReason } from '@hub/contracts';

export interface ResultStanding {
  performedAt: Date;
  withdrawnAt: Date | null;
  /** The catalogue item's validity in days, or null when the item is not (or no longer) in the catalogue. */
  validityDays: number | null;
  /** The performing institution had passed quality control for the discipline on the day it was performed. */
  qcPassed: boolean;
}

export type Judgement =
  | { recognisable: true; validUntil: Date }
  | { recognisable: false; reason: NotRecognisableReason; validUntil: Date | null };

/** A result stays recognisable for its item's validity window from when it was performed. */
export function validUntil(performedAt: Date, validityDays: number): Date {
  return new Date(performedAt.getTime() + validityDays * DAY_MS);
}

/**
 * Is a result recognisable at `now`? Only when not withdrawn, its item is in the consortium's catalogue, the
 * institution had passed quality control when it was performed, and it is inside the item's validity window.
 * When several reasons apply, the most lasting one is given (a withdrawn result will never come back; an expired one
 * of a QC-failed institution would not either, but QC is the more useful thing to tell).
 */
export function judge(now: Date, result: ResultStanding): Judgement {
  const until = result.validityDays === null ? null : validUntil(result.performedAt, result.validityDays);
  if (result.withdrawnAt !== null) return { recognisable: false, reason: 'withdrawn', validUntil: until };
  if (until === null) return { recognisable: false, reason: 'not_in_catalogue', validUntil: null };
  if (!result.qcPassed) return { recognisable: false, reason: 'qc_not_passed', validUntil: until };
  if (now.getTime() >= until.getTime()) return { recognisable: false, reason: 'expired', validUntil: until };
  return { recognisable: true, validUntil: until };
}

/** The HR (互认) mark of a consortium, e.g. "XX医共体HR". */
export const hrMark = (scopeName: string): string => `${scopeName}HR`;

/** Look-up serial numbers: HR-<China date>-<sequence>, so a decision can cite the look-up it was made on. */
export function lookupSerial(at: Date, sequence: number): string {
  const day = chinaDay(at).replaceAll('-', '');
  return `HR-${day}-${String(sequence).padStart(8, '0')}`;
}

/** Months are YYYY-MM strings; shift one by n months. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}
