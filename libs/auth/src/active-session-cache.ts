/** What a change notification names: one session, every session of one user, or everything (institutions, restores). */
export type AuthChange = { session: string } | { user: string } | 'all';

/** Payloads of the auth_change_notify() trigger: 'session:<id>', 'user:<id>' or 'all'. */
export function parseAuthChange(payload: string): AuthChange {
  const [kind, id] = payload.split(':', 2);
  if (kind === 'session' && id) return { session: id };
  if (kind === 'user' && id) return { user: id };
  return 'all';
}

interface Entry<T> {
  userId: string;
  value: T;
  /** ms since the epoch: the session's own end, or the cache's longest keep, whichever is first. */
  until: number;
}

export interface ActiveSessionCacheOptions {
  maxEntries: number;
  /** The longest an entry is kept even without a change notification. */
  maxAgeMs: number;
  now?: () => number;
}

/**
 * Live sessions as last read from the database, trusted only while change notifications are heard: while deaf
 * (`deaf()`, and at the start) nothing is kept or served. A read that a change overtook is not kept either: `begin()`
 * gives a generation, and `keep()` drops the value when any change or deafness came in between.
 */
export class ActiveSessionCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private generation = 0;
  private hearing = false;
  private readonly now: () => number;

  constructor(private readonly options: ActiveSessionCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** maxAgeMs 0: nothing is ever kept. */
  get disabled(): boolean {
    return this.options.maxAgeMs <= 0;
  }

  get size(): number {
    return this.entries.size;
  }

  find(sessionId: string, userId: string): T | undefined {
    const entry = this.entries.get(sessionId);
    if (!entry) return undefined;
    if (entry.userId !== userId || entry.until <= this.now()) {
      this.entries.delete(sessionId);
      return undefined;
    }
    return entry.value;
  }

  /** Call before reading from the database; hand the result to keep(). */
  begin(): number {
    return this.generation;
  }

  keep(generation: number, sessionId: string, userId: string, value: T, sessionExpiresAt: Date): void {
    if (!this.hearing || generation !== this.generation || this.disabled) return;
    const until = Math.min(sessionExpiresAt.getTime(), this.now() + this.options.maxAgeMs);
    if (until <= this.now()) return;
    this.entries.delete(sessionId);
    this.entries.set(sessionId, { userId, value, until });
    if (this.entries.size > this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  changed(change: AuthChange): void {
    this.generation += 1;
    if (change === 'all') return this.entries.clear();
    if ('session' in change) return void this.entries.delete(change.session);
    for (const [sessionId, entry] of this.entries) {
      if (entry.userId === change.user) this.entries.delete(sessionId);
    }
  }

  hears(): void {
    this.changed('all');
    this.hearing = true;
  }

  deaf(): void {
    this.hearing = false;
    this.changed('all');
  }
}
