import { describe, expect, it } from '@jest/globals';
import { NotifiedCache } from '@hub/db';
import { applyRegistryChange } from './centre.repository.js';
import type { CentreForReader } from './registry.types.js';

function readers() {
  const cache = new NotifiedCache<CentreForReader>({ maxEntries: 100, maxAgeMs: 60_000 });
  cache.hears();
  const keys = ['c1/u1', 'c1/u2', 'c2/u1'];
  for (const key of keys) cache.keep(cache.begin(), key, {} as CentreForReader);
  const held = () => keys.filter((k) => cache.find(k));
  return { cache, held };
}

describe('applyRegistryChange', () => {
  it('drops a centre for every reader for centre:<id>', () => {
    const { cache, held } = readers();
    applyRegistryChange(cache, 'centre:c1');
    expect(held()).toEqual(['c2/u1']);
  });

  it('drops every centre of a reader for reader:<id>', () => {
    const { cache, held } = readers();
    applyRegistryChange(cache, 'reader:u1');
    expect(held()).toEqual(['c1/u2']);
  });

  it('drops everything for all, and for anything it does not know', () => {
    for (const payload of ['all', 'reader:', '', 'consortium:x']) {
      const { cache, held } = readers();
      applyRegistryChange(cache, payload);
      expect(held()).toEqual([]);
    }
  });
});
