import { ValidationError } from '../errors/index.js';

/**
 * True when a store error is about the event's data, so appending the same event again would fail
 * again: wacloud's own `ValidationError`, or a PostgreSQL data exception (SQLSTATE class 22, e.g.
 * `22P05` untranslatable character). Any other error (connection lost, disk full, lock timeout) may
 * pass, so a webhook batch failing with it is left for Meta to redeliver.
 */
export function isDataRefusal(error: unknown): boolean {
  if (error instanceof ValidationError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}
