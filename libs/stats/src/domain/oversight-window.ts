import { chinaDay, DomainError } from '@hub/core';

/** The longest window one request may ask for, in days: a year's figures, not a data export. */
export const MAX_WINDOW_DAYS = 366;
/** The window when none is asked for: the last 30 days, today included. */
export const DEFAULT_WINDOW_DAYS = 30;

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface DayWindow {
  /** YYYY-MM-DD, China calendar day, inclusive. */
  from: string;
  /** YYYY-MM-DD, China calendar day, inclusive. */
  to: string;
}

/** Days since 1970-01-01 of a YYYY-MM-DD calendar day, or null when it is no real day (2026-02-30). */
function dayNumber(day: string): number | null {
  const m = ISO_DAY.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

const dayOf = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);

const invalid = (message: string) => new DomainError('invalid', message);

/**
 * The window asked for, checked: real calendar days, from ≤ to, at most MAX_WINDOW_DAYS. Left out: `to` is today (China)
 * and `from` DEFAULT_WINDOW_DAYS − 1 days before it.
 */
export function oversightWindow(query: { from?: string; to?: string }, now: Date): DayWindow {
  const to = query.to ?? chinaDay(now);
  const toN = dayNumber(to);
  if (toN === null) throw invalid(`to must be a calendar day, YYYY-MM-DD (got ${JSON.stringify(to)})`);
  const from = query.from ?? dayOf(toN - (DEFAULT_WINDOW_DAYS - 1));
  const fromN = dayNumber(from);
  if (fromN === null) throw invalid(`from must be a calendar day, YYYY-MM-DD (got ${JSON.stringify(from)})`);
  if (fromN > toN) throw invalid(`from (${from}) is after to (${to})`);
  const days = toN - fromN + 1;
  if (days > MAX_WINDOW_DAYS) {
    throw invalid(`Ask for at most ${MAX_WINDOW_DAYS} days at a time (${from} to ${to} is ${days} days)`);
  }
  return { from, to };
}
