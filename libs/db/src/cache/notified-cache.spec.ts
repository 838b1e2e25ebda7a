import { describe, expect, it } from '@jest/globals';
import { applyChange, NotifiedCache } from './notified-cache.js';

const HOUR = 3_600_000;

function cache(options: { maxEntries?: number; maxAgeMs?: number } = {}) {
  let now = 1_000_000;
  const c = new NotifiedCache<string>({
    maxEntries: options.maxEntries ?? 100,
    maxAgeMs: options.maxAgeMs ?? 60_000,
    now: () => now,
  });
  return { c, advance: (ms: number) => (now += ms), at: (ms: number) => new Date(now + ms) };
}

/** A cache that hears notifications, holding k1 (and more when asked). */
function hearing(options?: { maxEntries?: number; maxAgeMs?: number }) {
  const t = cache(options);
  t.c.hears();
  t.c.keep(t.c.begin(), 'k1', 'alice', t.at(HOUR));
  return t;
}

describe('NotifiedCache', () => {
  it('serves what it kept while it hears notifications', () => {
    const { c } = hearing();
    expect(c.find('k1')).toBe('alice');
    expect(c.find('k2')).toBeUndefined();
  });

  it('keeps nothing before it hears, and forgets everything when it goes deaf', () => {
    const t = cache();
    t.c.keep(t.c.begin(), 'k1', 'alice', t.at(HOUR));
    expect(t.c.find('k1')).toBeUndefined();
    const h = hearing();
    h.c.deaf();
    expect(h.c.find('k1')).toBeUndefined();
    h.c.keep(h.c.begin(), 'k1', 'alice', h.at(HOUR));
    expect(h.c.find('k1')).toBeUndefined();
  });

  it('does not keep a read that a change overtook', () => {
    const { c, at } = hearing();
    const generation = c.begin();
    c.changed((key) => key === 'something else');
    c.keep(generation, 'k2', 'bob', at(HOUR));
    expect(c.find('k2')).toBeUndefined();
    c.keep(c.begin(), 'k2', 'bob', at(HOUR));
    expect(c.find('k2')).toBe('bob');
  });

  it('does not keep a read that deafness overtook, even when hearing again', () => {
    const { c, at } = hearing();
    const generation = c.begin();
    c.deaf();
    c.hears();
    c.keep(generation, 'k2', 'bob', at(HOUR));
    expect(c.find('k2')).toBeUndefined();
  });

  it('drops the entries a change touches, or all of them', () => {
    const { c, at } = hearing();
    c.keep(c.begin(), 'k2', 'alice', at(HOUR));
    c.keep(c.begin(), 'k3', 'carol', at(HOUR));
    c.changed((_, value) => value === 'alice');
    expect([c.find('k1'), c.find('k2'), c.find('k3')]).toEqual([undefined, undefined, 'carol']);
    c.changed();
    expect(c.size).toBe(0);
  });

  it('serves an entry until its own end or its longest keep, whichever is first', () => {
    const t = hearing({ maxAgeMs: 60_000 });
    t.c.keep(t.c.begin(), 'k2', 'bob', t.at(10_000));
    t.c.keep(t.c.begin(), 'k3', 'carol');
    t.advance(9_999);
    expect(t.c.find('k2')).toBe('bob');
    t.advance(1);
    expect(t.c.find('k2')).toBeUndefined();
    t.advance(49_999);
    expect(t.c.find('k3')).toBe('carol');
    t.advance(1);
    expect([t.c.find('k1'), t.c.find('k3')]).toEqual([undefined, undefined]);
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const { c, at } = hearing({ maxEntries: 2 });
    c.keep(c.begin(), 'k2', 'bob', at(HOUR));
    c.keep(c.begin(), 'k3', 'carol', at(HOUR));
    expect(c.size).toBe(2);
    expect([c.find('k1'), c.find('k2'), c.find('k3')]).toEqual([undefined, 'bob', 'carol']);
  });

  it('keeps nothing when its longest keep is 0', () => {
    const t = cache({ maxAgeMs: 0 });
    t.c.hears();
    t.c.keep(t.c.begin(), 'k1', 'alice', t.at(HOUR));
    expect(t.c.disabled).toBe(true);
    expect(t.c.find('k1')).toBeUndefined();
  });
});

describe('applyChange', () => {
  const kinds = { owner: (id: string) => (_: string, value: string) => value === id };

  it('drops what the kind says for <kind>:<id>, and everything for any other payload', () => {
    const drop = (payload: string) => {
      const { c, at } = hearing();
      c.keep(c.begin(), 'k2', 'bob', at(HOUR));
      applyChange(c, kinds, payload);
      return ['k1', 'k2'].filter((k) => c.find(k));
    };
    expect(drop('owner:alice')).toEqual(['k2']);
    for (const payload of ['all', '', 'owner:', ':alice', 'stranger:alice', 'constructor:x', 'toString:x']) {
      expect(drop(payload)).toEqual([]);
    }
  });
});
