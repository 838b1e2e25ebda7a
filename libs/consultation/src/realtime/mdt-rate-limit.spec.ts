import { describe, expect, it } from '@jest/globals';
import { MDT_RATE_LIMIT_DEFAULTS, MdtRateLimiter, rateLimitedMessage } from './mdt-rate-limit.js';

describe('MdtRateLimiter (token bucket)', () => {
  it('lets a quiet socket send a burst, then refuses with how long to wait', () => {
    const limiter = new MdtRateLimiter({ ratePerSecond: 20, burst: 40 }, 0);
    for (let i = 0; i < 40; i++) expect(limiter.take(0)).toEqual({ ok: true });
    expect(limiter.take(0)).toEqual({ ok: false, retryAfterMs: 50 });
  });

  it('refills at the sustained rate and never above the burst', () => {
    const limiter = new MdtRateLimiter({ ratePerSecond: 20, burst: 40 }, 0);
    for (let i = 0; i < 40; i++) limiter.take(0);
    expect(limiter.take(49).ok).toBe(false);
    expect(limiter.take(50).ok).toBe(true); // one token after 1/20 s
    expect(limiter.take(50).ok).toBe(false);
    expect(limiter.available(60_000)).toBe(40);
  });

  it('sustains exactly the rate over time', () => {
    const limiter = new MdtRateLimiter({ ratePerSecond: 20, burst: 40 }, 0);
    let accepted = 0;
    // 100 events per second for 10 s, one every 10 ms.
    for (let t = 0; t < 10_000; t += 10) if (limiter.take(t).ok) accepted++;
    expect(accepted).toBeGreaterThanOrEqual(40 + 20 * 10 - 2);
    expect(accepted).toBeLessThanOrEqual(40 + 20 * 10);
  });

  it('does not take tokens away when the clock steps back', () => {
    const limiter = new MdtRateLimiter({ ratePerSecond: 10, burst: 2 }, 1_000);
    expect(limiter.take(1_000).ok).toBe(true);
    expect(limiter.take(500).ok).toBe(true);
    expect(limiter.take(500).ok).toBe(false);
    expect(limiter.take(1_100).ok).toBe(true);
  });

  it('rejects a limit that would refuse everything', () => {
    expect(() => new MdtRateLimiter({ ratePerSecond: 0, burst: 10 })).toThrow(RangeError);
    expect(() => new MdtRateLimiter({ ratePerSecond: 5, burst: 0 })).toThrow(RangeError);
  });

  it('defaults to 20 events/s with bursts of 40 and says so in the refusal', () => {
    expect(MDT_RATE_LIMIT_DEFAULTS).toEqual({ ratePerSecond: 20, burst: 40 });
    expect(rateLimitedMessage(MDT_RATE_LIMIT_DEFAULTS, 50)).toMatch(/at most 20 per second \(bursts of 40\).*50 ms/);
  });
});
