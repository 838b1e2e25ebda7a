import { describe, expect, it } from '@jest/globals';
import { applyChange, NotifiedCache } from '@hub/db';
import { AUTH_CHANGES } from './active-session-cache.js';

describe('AUTH_CHANGES', () => {
  const held = (payload: string) => {
    const cache = new NotifiedCache<{ userId: string }>({ maxEntries: 100, maxAgeMs: 60_000 });
    cache.hears();
    for (const [sessionId, userId] of [
      ['s1', 'u1'],
      ['s2', 'u1'],
      ['s3', 'u3'],
    ] as const) {
      cache.keep(cache.begin(), sessionId, { userId });
    }
    applyChange(cache, AUTH_CHANGES, payload);
    return ['s1', 's2', 's3'].filter((s) => cache.find(s));
  };

  it('drops one session for session:<id>, every session of a user for user:<id>', () => {
    expect(held('session:s2')).toEqual(['s1', 's3']);
    expect(held('user:u1')).toEqual(['s3']);
  });
});
