import { ValidationError } from '../../errors/index.js';
import type { AnalyticsTime } from './insights-types.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An analytics range bound as Graph takes it: Unix seconds for a `Date` or a number, the day itself
 * for `YYYY-MM-DD`. Throws `ValidationError` naming `field` for anything else (a number that looks
 * like milliseconds included).
 */
export function toGraphTime(value: AnalyticsTime, field: string): string {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw invalid(field, 'is an invalid Date');
    return String(Math.floor(ms / 1000));
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value >= 1e11) {
      throw invalid(field, 'must be whole Unix seconds (not milliseconds), a Date or YYYY-MM-DD');
    }
    return String(value);
  }
  if (typeof value === 'string' && DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    return value;
  }
  throw invalid(field, 'must be a Date, Unix seconds or YYYY-MM-DD');
}

/** Unix seconds of a range bound (a `YYYY-MM-DD` day is midnight UTC), for range checks. */
export function toSeconds(graphTime: string): number {
  return DAY.test(graphTime) ? Date.parse(`${graphTime}T00:00:00Z`) / 1000 : Number(graphTime);
}

/** Both bounds, checked: `start` must come before `end`. */
export function graphRange(start: AnalyticsTime, end: AnalyticsTime): { start: string; end: string } {
  const s = toGraphTime(start, 'start');
  const e = toGraphTime(end, 'end');
  if (toSeconds(s) >= toSeconds(e)) throw invalid('end', 'must be after start');
  return { start: s, end: e };
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError([{ path: field, message }], 'analytics query');
}
