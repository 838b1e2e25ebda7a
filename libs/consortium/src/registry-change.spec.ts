import { describe, expect, it } from '@jest/globals';
import { applyChange, NotifiedCache } from '@hub/db';
import { REGISTRY_CHANGES } from './centre.repository.js';
import type { CentreForReader } from './registry.types.js';

describe('REGISTRY_CHANGES', () => {
  const held = (payload: string) => {
    const cache = new NotifiedCache<CentreForReader>({ maxEntries: 100, maxAgeMs: 60_000 });
    cache.hears();
    const keys = ['c1/u1', 'c1/u2', 'c2/u1'];
    for (const key of keys) cache.keep(cache.begin(), key, {} as CentreForReader);
    applyChange(cache, REGISTRY_CHANGES, payload);
    return keys.filter((k) => cache.find(k));
  };

  it('drops a centre for every reader for centre:<id>, every centre of a reader for reader:<id>', () => {
    expect(held('centre:c1')).toEqual(['c2/u1']);
    expect(held('reader:u1')).toEqual(['c1/u2']);
  });
});
