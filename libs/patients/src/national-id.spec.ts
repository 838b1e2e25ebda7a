import { describe, expect, it } from '@jest/globals';
import { loadHubConfig } from '@hub/core';
import { canonicalResidentId, NationalIdHasher } from './national-id.js';

// Made-up numbers with valid check digits (GB 11643-1999), not real people.
const VALID = '11010519491231002X';
const VALID_DIGIT = '440524188001010014';

describe('canonicalResidentId', () => {
  it('accepts valid numbers, trimming and upper-casing an x check character', () => {
    expect(canonicalResidentId(` ${VALID.toLowerCase()} `)).toBe(VALID);
    expect(canonicalResidentId(VALID_DIGIT)).toBe(VALID_DIGIT);
  });

  it.each([
    ['too short', '11010519491231002', /18-character/],
    ['letters inside', '1101051949A231002X', /18-character/],
    ['wrong check digit', '110105194912310021', /check digit/],
    ['impossible date', '110105194902300020', /birth date/],
  ])('refuses %s without quoting the number', (_label, raw, message) => {
    let error: unknown;
    try {
      canonicalResidentId(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ kind: 'unprocessable', message: expect.stringMatching(message) });
    expect((error as Error).message).not.toContain(raw);
  });
});

describe('NationalIdHasher', () => {
  const hasher = (key: string) => new NationalIdHasher(loadHubConfig({ PATIENT_ID_HMAC_KEY: key }));

  it('hashes equal numbers equally, whatever their spelling, and depends on the key', () => {
    const a = hasher('k'.repeat(32));
    expect(a.hash(VALID)).toBe(a.hash(VALID.toLowerCase()));
    expect(a.hash(VALID)).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash(VALID)).not.toBe(a.hash(VALID_DIGIT));
    expect(hasher('q'.repeat(32)).hash(VALID)).not.toBe(a.hash(VALID));
  });
});
