import { capRetryAfter, DEFAULT_MAX_RETRY_AFTER_MS } from '../client/retry-after.js';
import { type BackoffScope, GraphApiError, InvalidResponseError, NetworkError } from '../errors/index.js';

/** Tunable delays of the retry policy (all in milliseconds). */
export interface RetrySettings {
  /** Most requests made for one message, including the first. */
  maxAttempts: number;
  /** First step of the exponential backoff (default 1,000). */
  baseDelayMs: number;
  /** Cap of the exponential backoff (default 60,000). */
  maxDelayMs: number;
  /** Unit of the 131056 pair-rate backoff, `unit × 4^X` (default 1,000: 1 s, 4 s, 16 s...). */
  pairBackoffUnitMs: number;
  /** Wait after 4, 80007 and 131057 when Meta sends no Retry-After (default 60,000). */
  longDelayMs: number;
  /**
   * Longest server-given wait (`Retry-After`) honoured; a longer one is cut to this (default
   * 3,600,000: one hour). Optional here so hand-made settings keep working.
   */
  maxRetryAfterMs?: number;
  /** Source of randomness for jitter, in [0, 1). */
  random: () => number;
}

/** What to do after a failed attempt. */
export type RetryDecision =
  | { action: 'fail'; suppressRecipient: boolean }
  | { action: 'unknown' }
  | { action: 'retry'; scope: BackoffScope; delayMs: number };

/** Where the message stands when its attempt failed. */
export interface AttemptContext {
  /** The attempt that just failed, 1-based. */
  attempt: number;
  /** How many 131056 answers this message has had before this one. */
  pairRateHits: number;
  /**
   * How many 131057 (maintenance) waits this message has had before this one: up to
   * {@link MAX_MAINTENANCE_WAITS} of them do not count against `maxAttempts`.
   */
  maintenanceWaits?: number;
}

/** Most 131057 waits of one message that do not use up its attempts (about half an hour at the default delay). */
export const MAX_MAINTENANCE_WAITS = 30;

const NUMBER_WIDE = new Set([130429, 80007, 4]);
const PAIR_RATE = 131056;
const MAINTENANCE = 131057;
const OPTED_OUT = 131050;
const MAX_PAIR_BACKOFF_MS = 15 * 60_000;

/** Capped exponential backoff with full jitter: uniform in [0, min(max, base × 2^(attempt-1))]. */
export function fullJitterDelay(attempt: number, settings: RetrySettings): number {
  const cap = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(settings.random() * cap);
}

/** Exponential backoff with equal jitter (never shorter than half the step), for number-wide pauses. */
export function equalJitterDelay(attempt: number, settings: RetrySettings): number {
  const cap = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(cap / 2 + (settings.random() * cap) / 2);
}

/**
 * The queue's error policy, by Graph error code (never by HTTP status):
 * - 130429 / 80007 / 4: the whole number pauses (Retry-After, at most `maxRetryAfterMs`, else jittered exponential backoff;
 *   4 and 80007 wait at least `longDelayMs`).
 * - 131056: only this recipient waits `pairBackoffUnitMs × 4^X`.
 * - 131057: the number waits about a minute (Retry-After, else `longDelayMs`); up to
 *   {@link MAX_MAINTENANCE_WAITS} such waits do not use up the message's attempts.
 * - network errors before the request was written, 5xx, 1, 2, 131000, 131016 and other retryable
 *   codes: capped exponential backoff with full jitter.
 * - a network error after the request may have reached Meta, or a 2xx answer that cannot be read
 *   (`InvalidResponseError`: not JSON, too large): `unknown`, never re-sent.
 * - anything else (and any retry past `maxAttempts`): `failed`; 131050 also suppresses the recipient.
 */
export function decideRetry(error: unknown, context: AttemptContext, settings: RetrySettings): RetryDecision {
  if (error instanceof NetworkError) {
    if (error.requestMayHaveReachedServer) return { action: 'unknown' };
    return limitAttempts(
      { action: 'retry', scope: 'request', delayMs: fullJitterDelay(context.attempt, settings) },
      context,
      settings,
    );
  }
  // A 2xx the client could not read (not JSON, too large): Meta may have accepted the message.
  if (error instanceof InvalidResponseError && error.accepted) return { action: 'unknown' };
  if (!(error instanceof GraphApiError)) return { action: 'fail', suppressRecipient: false };
  const code = error.code;
  if (code === OPTED_OUT) return { action: 'fail', suppressRecipient: true };
  const retryAfterMs = capRetryAfter(
    error.retryAfterMs,
    settings.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
  );
  let decision: RetryDecision;
  if (NUMBER_WIDE.has(code)) {
    const floor = code === 130429 ? 0 : settings.longDelayMs;
    decision = {
      action: 'retry',
      scope: 'number',
      delayMs: retryAfterMs ?? Math.max(floor, equalJitterDelay(context.attempt, settings)),
    };
  } else if (code === PAIR_RATE) {
    const delayMs = Math.min(MAX_PAIR_BACKOFF_MS, settings.pairBackoffUnitMs * 4 ** context.pairRateHits);
    decision = { action: 'retry', scope: 'recipient', delayMs };
  } else if (code === MAINTENANCE) {
    decision = { action: 'retry', scope: 'number', delayMs: retryAfterMs ?? settings.longDelayMs };
    // Meta's maintenance (a throughput upgrade takes up to a minute) is not the message's fault.
    if ((context.maintenanceWaits ?? 0) < MAX_MAINTENANCE_WAITS) return decision;
  } else if (error.retryable && (error.info.scope === undefined || error.info.scope === 'request')) {
    decision = { action: 'retry', scope: 'request', delayMs: fullJitterDelay(context.attempt, settings) };
  } else {
    return { action: 'fail', suppressRecipient: false };
  }
  return limitAttempts(decision, context, settings);
}

function limitAttempts(
  decision: RetryDecision,
  context: AttemptContext,
  settings: RetrySettings,
): RetryDecision {
  return context.attempt >= settings.maxAttempts ? { action: 'fail', suppressRecipient: false } : decision;
}
