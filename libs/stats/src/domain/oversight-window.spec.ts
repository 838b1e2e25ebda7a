import { describe, expect, it } from '@jest/globals';
import { chinaDay, DomainError } from '@hub/core';
import { oversightWindow } from './oversight-window.js';

const refusal = (query: { from?: string; to?: string }): string => {
  try {
    oversightWindow(query, new Date('2026-11-22T10:00:00Z'));
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).kind).toBe('invalid');
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('oversight window', () => {
  it('defaults to the last 30 China days, today included', () => {
    // 2026-11-22T17:30Z is already 23 November in China.
    expect(oversightWindow({}, new Date('2026-11-22T17:30:00Z'))).toEqual({ from: '2026-10-25', to: '2026-11-23' });
    expect(oversightWindow({ to: '2026-03-01' }, new Date())).toEqual({ from: '2026-01-31', to: '2026-03-01' });
    expect(chinaDay(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
  });

  it('accepts a single day and a whole leap year', () => {
    expect(oversightWindow({ from: '2026-05-01', to: '2026-05-01' }, new Date())).toEqual({
      from: '2026-05-01',
      to: '2026-05-01',
    });
    expect(oversightWindow({ from: '2028-01-01', to: '2028-12-31' }, new Date()).to).toBe('2028-12-31');
  });

  it('refuses days that do not exist, reversed windows and windows over 366 days, saying which', () => {
    expect(refusal({ from: '2026-02-30', to: '2026-03-01' })).toMatch(/from must be a calendar day/);
    expect(refusal({ from: '2026-01-01', to: '2026-13-01' })).toMatch(/to must be a calendar day/);
    expect(refusal({ from: '2026-06-02', to: '2026-06-01' })).toMatch(/from \(2026-06-02\) is after to/);
    expect(refusal({ from: '2025-01-01', to: '2026-01-02' })).toMatch(/at most 366 days .* 367 days/);
  });
});
