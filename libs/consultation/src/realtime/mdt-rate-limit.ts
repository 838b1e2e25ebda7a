/**
 * Per-socket flood control for namespace /mdt: a token bucket. Each event takes one token; tokens come back at
 * `ratePerSecond` up to `burst`, so a participant may send a short burst (a few annotations drawn at once, a batch of
 * ICE candidates) but not a sustained flood. Pure: the clock is passed in, so it is tested without timers or I/O.
 */

export interface MdtRateLimit {
  /** Tokens added per second (the sustained rate a socket may send at). */
  ratePerSecond: number;
  /** The bucket's size: how many events a socket that was quiet may send at once. */
  burst: number;
}

/**
 * 20 events/s sustained, bursts of 40. A person in a room sends far less (the benchmark's heavy participant sends 5/s;
 * a presenter scrolling frames sends view.set at most at display rate, and clients are expected to throttle that to
 * ~10/s); a client stuck in a loop is cut off within two seconds.
 */
export const MDT_RATE_LIMIT_DEFAULTS: Readonly<MdtRateLimit> = Object.freeze({ ratePerSecond: 20, burst: 40 });

/** Nest injection token to override the defaults (e.g. a test module or a deployment with busier rooms). */
export const MDT_RATE_LIMIT = Symbol('MDT_RATE_LIMIT');

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

export class MdtRateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: MdtRateLimit = MDT_RATE_LIMIT_DEFAULTS,
    now: number = Date.now(),
  ) {
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1)) {
      throw new RangeError('A rate limit needs ratePerSecond > 0 and burst >= 1');
    }
    this.tokens = limit.burst;
    this.last = now;
  }

  /** Takes a token for one event at `now` (ms), or says how long until one is available. */
  take(now: number = Date.now()): TakeResult {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - this.tokens) * 1000) / this.limit.ratePerSecond) };
  }

  /** Tokens available at `now` (for tests and diagnostics). */
  available(now: number = Date.now()): number {
    this.refill(now);
    return this.tokens;
  }

  private refill(now: number): void {
    // A clock that goes backwards (NTP step) adds nothing rather than taking tokens away.
    const elapsed = Math.max(0, now - this.last);
    this.last = Math.max(this.last, now);
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed * this.limit.ratePerSecond) / 1000);
  }
}

/** The ack text of a refused event, in words a person (or a client developer) can act on. */
export function rateLimitedMessage(limit: MdtRateLimit, retryAfterMs: number): string {
  return (
    `Too many events: at most ${limit.ratePerSecond} per second (bursts of ${limit.burst}). ` +
    `Not stored; retry in ${retryAfterMs} ms with the same clientMsgId`
  );
}
