/**
 * Where the client reports what it does. Any object with these four methods works
 * (`console`, a pino or winston child wrapped to this order of arguments, ...).
 * Records are redacted before they are handed over: no `Authorization` header, no `access_token=`.
 */
export interface Logger {
  /** Per-request records: method, path, status, duration, attempt. */
  debug(message: string, data?: Record<string, unknown>): void;
  /** Notable but normal events. */
  info(message: string, data?: Record<string, unknown>): void;
  /** Retries and other recoverable problems. */
  warn(message: string, data?: Record<string, unknown>): void;
  /** Failures handed back to the caller. */
  error(message: string, data?: Record<string, unknown>): void;
}
