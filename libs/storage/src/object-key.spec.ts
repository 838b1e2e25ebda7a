import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { DomainError } from '@hub/core';
import { isObjectKey, normaliseSha256, objectKeyFor, sha256OfKey } from './object-key.js';

const hex = createHash('sha256').update('abc').digest('hex');

describe('object keys', () => {
  it('derives sha256/ab/cd/<hex> from a digest', () => {
    expect(objectKeyFor(hex)).toBe(`sha256/ba/78/${hex}`);
    expect(objectKeyFor(hex.toUpperCase())).toBe(`sha256/ba/78/${hex}`);
  });

  it('refuses anything but 64 hex digits as a digest', () => {
    for (const bad of ['', hex.slice(1), `${hex}0`, `${hex.slice(1)}g`, ` ${hex.slice(1)}`, '../x']) {
      expect(() => normaliseSha256(bad)).toThrow(DomainError);
      expect(() => objectKeyFor(bad)).toThrow(expect.objectContaining({ kind: 'invalid' }));
    }
  });

  it('accepts only well-formed keys whose prefixes match the digest', () => {
    expect(isObjectKey(`sha256/ba/78/${hex}`)).toBe(true);
    expect(isObjectKey(`sha256/78/ba/${hex}`)).toBe(false);
    expect(isObjectKey(`sha256/ba/78/${hex.toUpperCase()}`)).toBe(false);
    expect(isObjectKey(`sha256/ba/78/${hex}\n`)).toBe(false);
    expect(isObjectKey(`./sha256/ba/78/${hex}`)).toBe(false);
    expect(isObjectKey(`sha256/ba/78/../${hex}`)).toBe(false);
    expect(isObjectKey(42)).toBe(false);
    expect(isObjectKey(null)).toBe(false);
  });

  it('extracts the digest from a key, or fails with invalid', () => {
    expect(sha256OfKey(`sha256/ba/78/${hex}`)).toBe(hex);
    expect(() => sha256OfKey('sha256/../../etc/passwd')).toThrow(expect.objectContaining({ kind: 'invalid' }));
  });

  it('round-trips', () => {
    expect(sha256OfKey(objectKeyFor(hex))).toBe(hex);
  });
});
