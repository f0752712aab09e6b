import { checkMessagingLimit, type MessagingLimit } from './messaging-limit.js';

/** Meta's messaging-limit window: a moving 24 hours. */
export const MESSAGING_LIMIT_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The answer of {@link PortfolioBudget.reserve}. */
export type BudgetReservation =
  /** The user may be messaged. `newUser`: the user was not reached in the window and now counts. */
  | { granted: true; newUser: boolean }
  /** The budget is spent: the earliest instant (epoch ms) a reach leaves the window. */
  | { granted: false; retryAt: number };

/**
 * Meta's portfolio messaging limit as a budget: how many **unique users** the portfolio's
 * business-initiated messages reach in a moving 24 hours. A user already reached in the window costs
 * nothing; every number of the portfolio and every worker must share one budget. Implementations
 * decide atomically: two processes racing for the last user never both get it.
 */
export interface PortfolioBudget {
  /** Counts `userId` as reached at `at` (epoch ms), or says when to try again. */
  reserve(userId: string, at: number): Promise<BudgetReservation>;
  /** Gives back a reach counted by a `reserve` at `at` that answered `newUser` (no-op otherwise). */
  release(userId: string, at: number): Promise<void>;
  /** Changes the limit (a tier or a number of users), e.g. from the `business_capability_update` webhook. */
  setLimit(limit: MessagingLimit): Promise<void>;
  /** Unique users per window now allowed (`Infinity` when unlimited). */
  limit(): Promise<number>;
}

/** Options of {@link MemoryPortfolioBudget}. */
export interface MemoryPortfolioBudgetOptions {
  /** The portfolio's messaging limit: a tier (`TIER_10K`) or unique users per 24 h. */
  limit: MessagingLimit;
  /** Length of the moving window (default 24 h, Meta's). */
  windowMs?: number;
}

/**
 * A {@link PortfolioBudget} for one process (every `SendQueue` of the portfolio given the same
 * object): a map of user → last reach, kept in reach order, so expiring the oldest is O(1). It
 * expects the reach times it is given not to go backwards (one clock, as the queue's).
 */
export class MemoryPortfolioBudget implements PortfolioBudget {
  /** User id → last reach (epoch ms); insertion order is reach order (a new reach moves the user last). */
  readonly #reached = new Map<string, number>();
  readonly #windowMs: number;
  #limit: number;

  /** @param options the limit and window. */
  constructor(options: MemoryPortfolioBudgetOptions) {
    this.#limit = checkMessagingLimit(options?.limit, 'limit');
    this.#windowMs = options.windowMs ?? MESSAGING_LIMIT_WINDOW_MS;
  }

  async reserve(userId: string, at: number): Promise<BudgetReservation> {
    this.#expire(at);
    const last = this.#reached.get(userId);
    if (last !== undefined) {
      this.#touch(userId, Math.max(last, at));
      return { granted: true, newUser: false };
    }
    if (this.#reached.size >= this.#limit) {
      const oldest = this.#reached.values().next().value as number;
      return { granted: false, retryAt: oldest + this.#windowMs };
    }
    this.#reached.set(userId, at);
    return { granted: true, newUser: true };
  }

  async release(userId: string, at: number): Promise<void> {
    if (this.#reached.get(userId) === at) this.#reached.delete(userId);
  }

  async setLimit(limit: MessagingLimit): Promise<void> {
    this.#limit = checkMessagingLimit(limit, 'limit');
  }

  async limit(): Promise<number> {
    return this.#limit;
  }

  /** Unique users reached in the window ending at `at` (for tests and monitoring). */
  reachedAt(at: number): number {
    this.#expire(at);
    return this.#reached.size;
  }

  #touch(userId: string, at: number): void {
    this.#reached.delete(userId);
    this.#reached.set(userId, at);
  }

  #expire(at: number): void {
    const oldest = at - this.#windowMs;
    for (const [userId, reachedAt] of this.#reached) {
      if (reachedAt > oldest) return;
      this.#reached.delete(userId);
    }
  }
}
