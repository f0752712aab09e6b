import { MESSAGING_LIMIT_TIER_USERS } from '../../schemas/messaging-limit-tiers.js';

/** Meta's messaging-limit window: a moving 24 hours. */
const WINDOW_MS = 24 * 60 * 60 * 1000;

const TIER_USERS: Readonly<Record<string, number>> = MESSAGING_LIMIT_TIER_USERS;

/** Unique users a `whatsapp_business_manager_messaging_limit` tier allows (`Infinity` for unknown or unlimited). */
export function tierUsers(tier: string): number {
  return TIER_USERS[tier] ?? Number.POSITIVE_INFINITY;
}

/**
 * Meta's portfolio messaging limit as the simulator enforces it: the unique users reached by
 * business-initiated messages (templates outside the customer service window) in a moving 24 h,
 * shared by every number served. A user already reached in the window costs nothing. Kept in a map in
 * reach order (the simulator's clock does not go backwards), so expiry is O(1) per user.
 */
export class PortfolioReach {
  readonly #reached = new Map<string, number>();
  readonly #limit: number;

  /** @param limit unique users per moving 24 h */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Whether reaching `waId` at `now` stays within the limit. */
  admits(waId: string, now: number): boolean {
    this.#expire(now);
    return this.#reached.has(waId) || this.#reached.size < this.#limit;
  }

  /** Counts `waId` as reached at `now`. */
  record(waId: string, now: number): void {
    this.#reached.delete(waId);
    this.#reached.set(waId, now);
  }

  /** Unique users reached in the 24 h ending at `now`. */
  reachedAt(now: number): number {
    this.#expire(now);
    return this.#reached.size;
  }

  #expire(now: number): void {
    for (const [waId, at] of this.#reached) {
      if (at > now - WINDOW_MS) return;
      this.#reached.delete(waId);
    }
  }
}
