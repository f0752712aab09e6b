import { AbortError, GraphApiError, ReadBudgetExhaustedError } from '../errors/index.js';

/** One hour, the window Meta counts WABA reads in. */
export const HOUR_MS = 60 * 60 * 1000;

/** Default reads per hour per WABA: Meta's budget for accounts without a registered number. */
export const DEFAULT_WABA_READS_PER_HOUR = 200;

/** Graph codes that mean "this app or account has made too many calls": 4 (app), 80004, 80007 (WABA). */
export const WABA_RATE_LIMIT_CODES: ReadonlySet<number> = new Set([4, 80004, 80007]);

/** Client option `wabaReadLimit`: how the client spends the hourly budget of WABA reads. */
export interface WabaReadLimitOptions {
  /**
   * Reads allowed per WABA in any sliding hour (default 200, Meta's figure for an account
   * without a registered number; 5000 with one). Other apps on the same WABA spend the same budget,
   * so set it at or below what you actually have.
   */
  requestsPerHour?: number;
  /**
   * The longest the client waits for budget before throwing {@link ReadBudgetExhaustedError}
   * (default 0: throw at once, saying how long to wait). `Infinity` always waits.
   */
  maxWaitMs?: number;
}

/** What the budget needs from its environment (injected in tests). */
export interface WabaReadBudgetInit extends WabaReadLimitOptions {
  /** Clock in ms (default `Date.now`). */
  now?: () => number;
  /** Waits `ms`, rejecting if `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * A sliding-hour budget of WABA reads, one window per WABA id, held by one client instance (two
 * clients never share it by accident). {@link WabaReadBudget.run} spends one unit per request,
 * waits or throws {@link ReadBudgetExhaustedError} when the hour is spent, and when Graph answers
 * 4, 80004 or 80007 it blocks the WABA for the wait Graph gave (`Retry-After`), or else until the
 * oldest read of the window ages out (at least a minute, an hour when nothing is known).
 */
export class WabaReadBudget {
  readonly #limit: number;
  readonly #maxWaitMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #sent = new Map<string, number[]>();
  readonly #blockedUntil = new Map<string, number>();
  // The end of the last wait served: the clock never reads earlier, so an injected sleep that
  // returns at once (tests, simulated time) still moves the budget forward.
  #clockFloor = 0;

  constructor(init: WabaReadBudgetInit) {
    this.#limit = init.requestsPerHour ?? DEFAULT_WABA_READS_PER_HOUR;
    this.#maxWaitMs = init.maxWaitMs ?? 0;
    this.#now = init.now ?? Date.now;
    this.#sleep = init.sleep;
  }

  /** Reads still allowed for this WABA in the current sliding hour. */
  remaining(businessAccountId: string): number {
    return Math.max(0, this.#limit - this.#window(businessAccountId, this.#clock()).length);
  }

  /**
   * Runs `request` once budget is available, counting it. A Graph rate-limit answer (4, 80004,
   * 80007) blocks the WABA and the request is tried again after the wait, within `maxWaitMs`.
   */
  async run<T>(businessAccountId: string, request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (;;) {
      await this.#acquire(businessAccountId, signal);
      try {
        return await request();
      } catch (error) {
        if (!(error instanceof GraphApiError) || !WABA_RATE_LIMIT_CODES.has(error.code)) throw error;
        const now = this.#clock();
        const waitMs = error.retryAfterMs ?? this.#fallbackWait(businessAccountId, now);
        this.#blockedUntil.set(
          businessAccountId,
          Math.max(this.#blockedUntil.get(businessAccountId) ?? 0, now + waitMs),
        );
        if (waitMs > this.#maxWaitMs) {
          throw new ReadBudgetExhaustedError({ businessAccountId, retryAfterMs: waitMs, now, cause: error });
        }
      }
    }
  }

  async #acquire(businessAccountId: string, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      const now = this.#clock();
      const window = this.#window(businessAccountId, now);
      const blockedMs = Math.max(0, (this.#blockedUntil.get(businessAccountId) ?? 0) - now);
      const fullMs = window.length >= this.#limit ? (window[0] as number) + HOUR_MS - now : 0;
      const waitMs = Math.max(blockedMs, fullMs);
      if (waitMs <= 0) {
        window.push(now);
        return;
      }
      if (waitMs > this.#maxWaitMs) {
        throw new ReadBudgetExhaustedError({ businessAccountId, retryAfterMs: waitMs, now });
      }
      try {
        await this.#sleep(waitMs, signal);
      } catch (cause) {
        throw new AbortError('Request aborted by the caller while waiting for WABA read budget.', {
          cause,
          requestMayHaveReachedServer: false,
        });
      }
      this.#clockFloor = Math.max(this.#clockFloor, now + waitMs);
    }
  }

  #clock(): number {
    return Math.max(this.#now(), this.#clockFloor);
  }

  /** The reads of the last hour (oldest first), pruned in place. */
  #window(businessAccountId: string, now: number): number[] {
    let window = this.#sent.get(businessAccountId);
    if (!window) {
      window = [];
      this.#sent.set(businessAccountId, window);
    }
    let expired = 0;
    while (expired < window.length && (window[expired] as number) <= now - HOUR_MS) expired++;
    if (expired > 0) window.splice(0, expired);
    return window;
  }

  #fallbackWait(businessAccountId: string, now: number): number {
    const oldest = this.#window(businessAccountId, now)[0];
    return oldest === undefined ? HOUR_MS : Math.max(60_000, oldest + HOUR_MS - now);
  }
}
