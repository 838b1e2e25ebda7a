interface Entry<V> {
  value: V;
  /** ms since the epoch: the value's own end (a session's), or the cache's longest keep, whichever is first. */
  until: number;
}

/**
 * What a change notification's payload `<kind>:<id>` drops from a cache: for each kind it knows, the entries one id
 * touches. Any other payload ('all', an unknown kind, no id) drops everything.
 */
export type ChangeKinds<V> = Record<string, (id: string) => (key: string, value: V) => boolean>;

export function applyChange<V>(cache: NotifiedCache<V>, kinds: ChangeKinds<V>, payload: string): void {
  const colon = payload.indexOf(':');
  const kind = payload.slice(0, Math.max(colon, 0));
  const id = payload.slice(colon + 1);
  if (colon > 0 && id && Object.hasOwn(kinds, kind)) return cache.changed(kinds[kind]!(id));
  cache.changed();
}

export interface NotifiedCacheOptions {
  maxEntries: number;
  /** The longest an entry is kept even without a change notification; 0 keeps nothing. */
  maxAgeMs: number;
  now?: () => number;
}

/**
 * Rows last read from the database, trusted only while change notifications are heard: while deaf (`deaf()`, and at
 * the start) nothing is kept or served. A read that a change overtook is not kept either: `begin()` gives a
 * generation, and `keep()` drops the value when any change or deafness came in between.
 */
export class NotifiedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private generation = 0;
  private hearing = false;
  private readonly now: () => number;

  constructor(private readonly options: NotifiedCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get disabled(): boolean {
    return this.options.maxAgeMs <= 0;
  }

  get size(): number {
    return this.entries.size;
  }

  find(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Call before reading from the database; hand the result to keep(). */
  begin(): number {
    return this.generation;
  }

  keep(generation: number, key: string, value: V, endsAt?: Date): void {
    if (!this.hearing || generation !== this.generation || this.disabled) return;
    const until = Math.min(endsAt?.getTime() ?? Number.POSITIVE_INFINITY, this.now() + this.options.maxAgeMs);
    if (until <= this.now()) return;
    this.entries.delete(key);
    this.entries.set(key, { value, until });
    if (this.entries.size > this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  /** A change: drops the entries it touches (every entry when `touches` is omitted) and any read in flight. */
  changed(touches?: (key: string, value: V) => boolean): void {
    this.generation += 1;
    if (!touches) return this.entries.clear();
    for (const [key, entry] of this.entries) {
      if (touches(key, entry.value)) this.entries.delete(key);
    }
  }

  hears(): void {
    this.changed();
    this.hearing = true;
  }

  deaf(): void {
    this.hearing = false;
    this.changed();
  }
}
