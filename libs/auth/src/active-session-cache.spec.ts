import { describe, expect, it } from '@jest/globals';
import { ActiveSessionCache, parseAuthChange } from './active-session-cache.js';

const HOUR = 3_600_000;

function cache(options: { maxEntries?: number; maxAgeMs?: number } = {}) {
  let now = 1_000_000;
  const c = new ActiveSessionCache<string>({
    maxEntries: options.maxEntries ?? 100,
    maxAgeMs: options.maxAgeMs ?? 60_000,
    now: () => now,
  });
  return { c, advance: (ms: number) => (now += ms), at: (ms: number) => new Date(now + ms) };
}

/** A cache that hears notifications, holding session s1 of user u1 (and more when asked). */
function hearing(options?: { maxEntries?: number; maxAgeMs?: number }) {
  const t = cache(options);
  t.c.hears();
  t.c.keep(t.c.begin(), 's1', 'u1', 'alice', t.at(HOUR));
  return t;
}

describe('ActiveSessionCache', () => {
  it('serves what it kept while it hears notifications', () => {
    const { c } = hearing();
    expect(c.find('s1', 'u1')).toBe('alice');
    expect(c.find('s2', 'u1')).toBeUndefined();
  });

  it('keeps nothing before it hears, and forgets everything when it goes deaf', () => {
    const t = cache();
    t.c.keep(t.c.begin(), 's1', 'u1', 'alice', t.at(HOUR));
    expect(t.c.find('s1', 'u1')).toBeUndefined();
    const h = hearing();
    h.c.deaf();
    expect(h.c.find('s1', 'u1')).toBeUndefined();
    h.c.keep(h.c.begin(), 's1', 'u1', 'alice', h.at(HOUR));
    expect(h.c.find('s1', 'u1')).toBeUndefined();
  });

  it('does not keep a read that a change overtook', () => {
    const { c, at } = hearing();
    const generation = c.begin();
    c.changed({ user: 'someone else' });
    c.keep(generation, 's2', 'u2', 'bob', at(HOUR));
    expect(c.find('s2', 'u2')).toBeUndefined();
    c.keep(c.begin(), 's2', 'u2', 'bob', at(HOUR));
    expect(c.find('s2', 'u2')).toBe('bob');
  });

  it('does not keep a read that deafness overtook, even when hearing again', () => {
    const { c, at } = hearing();
    const generation = c.begin();
    c.deaf();
    c.hears();
    c.keep(generation, 's2', 'u2', 'bob', at(HOUR));
    expect(c.find('s2', 'u2')).toBeUndefined();
  });

  it('drops one session, every session of a user, or everything', () => {
    const { c, at } = hearing();
    c.keep(c.begin(), 's2', 'u1', 'alice elsewhere', at(HOUR));
    c.keep(c.begin(), 's3', 'u3', 'carol', at(HOUR));
    c.changed({ session: 's3' });
    expect([c.find('s1', 'u1'), c.find('s2', 'u1'), c.find('s3', 'u3')]).toEqual([
      'alice',
      'alice elsewhere',
      undefined,
    ]);
    c.changed({ user: 'u1' });
    expect([c.find('s1', 'u1'), c.find('s2', 'u1')]).toEqual([undefined, undefined]);
    c.keep(c.begin(), 's3', 'u3', 'carol', at(HOUR));
    c.changed('all');
    expect(c.size).toBe(0);
  });

  it('serves an entry until the session ends or its longest keep, whichever is first', () => {
    const t = hearing({ maxAgeMs: 60_000 });
    t.c.keep(t.c.begin(), 's2', 'u2', 'bob', t.at(10_000));
    t.advance(9_999);
    expect(t.c.find('s2', 'u2')).toBe('bob');
    t.advance(1);
    expect(t.c.find('s2', 'u2')).toBeUndefined();
    t.advance(50_000);
    expect(t.c.find('s1', 'u1')).toBeUndefined();
  });

  it('never serves a session to another user id than the one it was read for', () => {
    const { c } = hearing();
    expect(c.find('s1', 'u2')).toBeUndefined();
    expect(c.find('s1', 'u1')).toBeUndefined();
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const { c, at } = hearing({ maxEntries: 2 });
    c.keep(c.begin(), 's2', 'u2', 'bob', at(HOUR));
    c.keep(c.begin(), 's3', 'u3', 'carol', at(HOUR));
    expect(c.size).toBe(2);
    expect([c.find('s1', 'u1'), c.find('s2', 'u2'), c.find('s3', 'u3')]).toEqual([undefined, 'bob', 'carol']);
  });

  it('keeps nothing when its longest keep is 0 (SESSION_CACHE_SECONDS=0)', () => {
    const t = cache({ maxAgeMs: 0 });
    t.c.hears();
    t.c.keep(t.c.begin(), 's1', 'u1', 'alice', t.at(HOUR));
    expect(t.c.disabled).toBe(true);
    expect(t.c.find('s1', 'u1')).toBeUndefined();
  });
});

describe('parseAuthChange', () => {
  it('reads the trigger payloads; anything else drops everything', () => {
    expect(parseAuthChange('session:6f1c')).toEqual({ session: '6f1c' });
    expect(parseAuthChange('user:9a2b')).toEqual({ user: '9a2b' });
    expect(parseAuthChange('all')).toBe('all');
    expect(parseAuthChange('session:')).toBe('all');
    expect(parseAuthChange('')).toBe('all');
  });
});
