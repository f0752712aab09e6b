import type { PairLimitOptions } from '../simulator-options.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Meta's pair limit (one message per 6 s to the same user, with a burst allowance that borrows from
 * future quota), modelled as a token bucket per recipient: `burst` tokens, one earned back every
 * `intervalMs`. A burst of 20 thus needs 20 × 6 s = 2 minutes to recover, as Meta describes.
 */
export class PairLimiter {
  readonly #buckets = new Map<string, Bucket>();

  readonly #options: PairLimitOptions;

  /** @param options bucket size and refill interval */
  constructor(options: PairLimitOptions) {
    this.#options = options;
  }

  /** Takes one send to `recipient` at `now` (ms); false when the pair limit is hit. */
  tryConsume(recipient: string, now: number): boolean {
    const { burst, intervalMs } = this.#options;
    if (intervalMs === 0) return true;
    const bucket = this.#buckets.get(recipient) ?? { tokens: burst, updatedAt: now };
    bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.updatedAt) / intervalMs);
    bucket.updatedAt = now;
    this.#buckets.set(recipient, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
