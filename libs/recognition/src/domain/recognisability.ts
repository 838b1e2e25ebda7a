const DAY_MS = 86_400_000;

import type { Discipline, NotRecognisableReason } from '@hub/contracts';
import { chinaDay } from '@hub/core';

export type { NotRecognisableReason } from '@hub/contracts';

/** What of a catalogue item the judgement needs. */
export interface CatalogueItemStanding {
  validityDays: number;
  active: boolean;
  discipline: Discipline;
}

export interface ResultStanding {
  performedAt: Date;
  withdrawnAt: Date | null;
  discipline: Discipline;
  /** The consortium's catalogue item under the result's exam code, or null when the catalogue has none. */
  item: CatalogueItemStanding | null;
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
 * Is a result recognisable at `now`? Only when not withdrawn, its item is in the consortium's catalogue (active, and
 * of the result's discipline: a CT item given to an ECG by mistake is not its item), the institution had passed
 * quality control when it was performed, and it is inside the item's validity window.
 * When several reasons apply, the most lasting one is given (a withdrawn result will never come back; an expired one
 * of a QC-failed institution would not either, but QC is the more useful thing to tell).
 */
export function judge(now: Date, result: ResultStanding): Judgement {
  const item = result.item?.active && result.item.discipline === result.discipline ? result.item : null;
  const until = item === null ? null : validUntil(result.performedAt, item.validityDays);
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
