import { describe, expect, it } from '@jest/globals';
import { NotifiedCache } from '@hub/db';
import { applyAuthChange } from './active-session-cache.js';

function sessions() {
  const cache = new NotifiedCache<{ userId: string }>({ maxEntries: 100, maxAgeMs: 60_000 });
  cache.hears();
  for (const [sessionId, userId] of [
    ['s1', 'u1'],
    ['s2', 'u1'],
    ['s3', 'u3'],
  ] as const) {
    cache.keep(cache.begin(), sessionId, { userId });
  }
  const held = () => ['s1', 's2', 's3'].filter((s) => cache.find(s));
  return { cache, held };
}

describe('applyAuthChange', () => {
  it('drops one session for session:<id>', () => {
    const { cache, held } = sessions();
    applyAuthChange(cache, 'session:s2');
    expect(held()).toEqual(['s1', 's3']);
  });

  it('drops every session of a user for user:<id>', () => {
    const { cache, held } = sessions();
    applyAuthChange(cache, 'user:u1');
    expect(held()).toEqual(['s3']);
  });

  it('drops everything for all, and for anything it does not know', () => {
    for (const payload of ['all', 'session:', '', 'institution:x']) {
      const { cache, held } = sessions();
      applyAuthChange(cache, payload);
      expect(held()).toEqual([]);
    }
  });
});
