import { describe, expect, it } from '@jest/globals';
import { findNulCharacter } from './find-nul-character.js';

describe('findNulCharacter', () => {
  it('names the field whose text holds U+0000, at any depth', () => {
    expect(findNulCharacter({ patient: { name: 'a\u0000b' } }, 'body')).toBe('body.patient.name');
    expect(findNulCharacter({ ids: ['x', '\u0000'] }, 'body')).toBe('body.ids[1]');
    expect(findNulCharacter({ 'k\u0000': 1 }, 'body')).toBe('body (a property name)');
    expect(findNulCharacter('\u0000', 'query')).toBe('query');
  });

  it('passes text without it, other values, and bodies nested deeper than the stack would allow', () => {
    expect(findNulCharacter({ name: '王小明', n: 0, b: false, z: null, list: [] }, 'body')).toBeNull();
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findNulCharacter(deep, 'body')).toBeNull();
  });
});
