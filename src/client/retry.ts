import { GraphApiError, NetworkError } from '../errors/index.js';
import { timerMs } from './retry-after.js';

/** Graph codes the client retries on idempotent calls: unknown/temporary server-side failures. */
export const TRANSIENT_GRAPH_CODES: ReadonlySet<number> = new Set([1, 2, 131000, 131016]);

/** Backoff settings of the client's retry loop. */
export interface BackoffOptions {
  /** Delay scale of the first retry, in milliseconds. */
  baseDelayMs: number;
  /** Largest delay; a longer `Retry-After` is not waited for. */
  maxDelayMs: number;
  /** Random source in [0, 1). */
  random: () => number;
}

/**
 * Whether the client may repeat a failed request. The rule is "never risk a double send":
 * - a connection failure before any byte was written is retried for every method;
 * - once the request may have reached Meta (timeout or reset after writing, any HTTP answer),
 *   only idempotent calls are retried, and only on 5xx or a transient Graph code (1, 2, 131000, 131016);
 * - throughput limits (130429) are never retried here: the send queue owns that backoff.
 */
export function shouldRetry(error: unknown, idempotent: boolean): boolean {
  if (error instanceof NetworkError) return !error.requestMayHaveReachedServer || idempotent;
  if (error instanceof GraphApiError) {
    if (!idempotent || error.code === 130429) return false;
    return error.status >= 500 || TRANSIENT_GRAPH_CODES.has(error.code);
  }
  return false;
}

/**
 * Delay before retry number `attempt` (0 for the first retry): capped exponential backoff with full
 * jitter, `random() * min(maxDelayMs, baseDelayMs * 2^attempt)`. A `Retry-After` on the error wins
 * when it is within `maxDelayMs`; beyond that the result is `undefined`, meaning "do not retry".
 */
export function retryDelayMs(error: unknown, attempt: number, options: BackoffOptions): number | undefined {
  const retryAfterMs = error instanceof GraphApiError ? error.retryAfterMs : undefined;
  if (retryAfterMs !== undefined) return retryAfterMs <= options.maxDelayMs ? retryAfterMs : undefined;
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.floor(options.random() * ceiling);
}

/** Waits `ms` milliseconds (capped at 2^31 − 1, Node's longest timer); rejects with the signal's reason if it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, timerMs(ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
