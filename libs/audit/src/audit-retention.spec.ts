import { describe, expect, it } from '@jest/globals';
import { retentionCutoff } from './audit-retention.js';

describe('retentionCutoff', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');

  it('is the given number of whole days before now', () => {
    expect(retentionCutoff(now, 3650).toISOString()).toBe('2016-03-03T12:00:00.000Z');
    expect(retentionCutoff(now, 183).toISOString()).toBe('2025-08-30T12:00:00.000Z');
  });

  it('counts days of 24 hours, so a daylight-saving change never shortens the window', () => {
    expect(now.getTime() - retentionCutoff(now, 200).getTime()).toBe(200 * 24 * 3600 * 1000);
  });

  it('refuses a window shorter than six months or not in whole days', () => {
    expect(() => retentionCutoff(now, 182)).toThrow(/at least 183 days/);
    expect(() => retentionCutoff(now, 0)).toThrow(RangeError);
    expect(() => retentionCutoff(now, 200.5)).toThrow(RangeError);
  });
});
