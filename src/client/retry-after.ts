/**
 * The longest timer Node can arm: `setTimeout` treats anything above 2^31 − 1 ms (about 24.8 days)
 * as 1 ms and warns (`TimeoutOverflowWarning`), so a longer wait would fire at once, again and again.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Default cap of a server-given wait (`Retry-After`) that the send queue honours: one hour. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 3_600_000;

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
// RFC 9110 §5.6.7 IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`. The obsolete RFC 850 and asctime
// forms are not accepted: Meta does not send them, and anything loose here is a way to stall a number.
const IMF_FIXDATE = new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT$`);
// RFC 9110 §10.2.3 delta-seconds: 1*DIGIT (no sign, no fraction, no exponent).
const DELTA_SECONDS = /^\d+$/;

/**
 * Parses an HTTP `Retry-After` value into milliseconds from `now`, accepting only the two forms
 * RFC 9110 defines: delta-seconds (`120`) and an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
 * Anything else (`-5`, `0.5`, `soon`, other date formats) gives `undefined`, so callers fall back to
 * their own backoff. A date in the past gives 0. The result is a finite integer but not capped:
 * each caller caps it (the client by `retryMaxDelayMs`, the queue by `retry.maxRetryAfterMs`).
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (DELTA_SECONDS.test(trimmed)) {
    const ms = Number(trimmed) * 1000;
    return Number.isFinite(ms) ? Math.min(ms, Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
  }
  if (!IMF_FIXDATE.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * A server-given wait, made safe to honour: `undefined` unless it is a finite number ≥ 0, and at
 * most `maxMs`. Used by the queue on `GraphApiError.retryAfterMs`, which any `QueueClient` may set.
 */
export function capRetryAfter(ms: number | undefined, maxMs: number): number | undefined {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, maxMs);
}

/** A delay made safe for `setTimeout`: a whole number of milliseconds in [0, {@link MAX_TIMER_MS}]. */
export function timerMs(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(Math.ceil(ms), MAX_TIMER_MS);
}
