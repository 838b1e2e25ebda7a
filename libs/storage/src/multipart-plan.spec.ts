import { describe, expect, it } from '@jest/globals';
import { DEFAULT_PART_SIZE, MAX_MULTIPART_PARTS, MIN_PART_SIZE, partSizeFor } from './multipart-plan.js';

describe('partSizeFor', () => {
  it('uses the base size for the first thousand parts, then doubles every thousand', () => {
    expect(partSizeFor(1)).toBe(DEFAULT_PART_SIZE);
    expect(partSizeFor(1000)).toBe(DEFAULT_PART_SIZE);
    expect(partSizeFor(1001)).toBe(2 * DEFAULT_PART_SIZE);
    expect(partSizeFor(2001, MIN_PART_SIZE)).toBe(4 * MIN_PART_SIZE);
  });

  it('fits more than S3’s 5 TiB object limit into 10,000 parts', () => {
    let total = 0;
    for (let part = 1; part <= MAX_MULTIPART_PARTS; part += 1) {
      total += partSizeFor(part);
    }
    expect(total).toBeGreaterThan(5 * 1024 ** 4);
  });

  it('rejects part numbers and sizes S3 would refuse', () => {
    expect(() => partSizeFor(0)).toThrow(RangeError);
    expect(() => partSizeFor(MAX_MULTIPART_PARTS + 1)).toThrow(RangeError);
    expect(() => partSizeFor(1.5)).toThrow(RangeError);
    expect(() => partSizeFor(1, MIN_PART_SIZE - 1)).toThrow(RangeError);
  });
});
