import type { z } from 'zod';
import type { UnknownWebhookEvent, WebhookEvent } from './webhook-events.js';

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Unix seconds (a string of 1–12 digits, or a non-negative integer) as a `Date`; `undefined` otherwise.
 * Hand-written instead of `Number()` so that `''`, `'1e3'` or `' 12'` are rejected exactly as the zod
 * schema rejects them.
 */
export function unixSecondsToDate(value: unknown): Date | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 ? new Date(value * 1000) : undefined;
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > 12) return undefined;
  let seconds = 0;
  for (let i = 0; i < value.length; i++) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    seconds = seconds * 10 + digit;
  }
  return new Date(seconds * 1000);
}

/** `undefined`, or a string. */
export function isOptionalString(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}

/**
 * A user id field: the string when it is non-empty, else `undefined`. Since 2026 Meta may send
 * `wa_id`, `from` or `recipient_id` as `""` for a user known only by their business-scoped user id.
 */
export function presentId(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A non-empty string. */
export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** The zod issues of a failed parse, as one readable line. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .slice(0, 5)
    .map(
      (issue) =>
        `${[prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)'}: ${issue.message}`,
    )
    .join('; ');
}

/** An `unknown` event for `value` under `field`. */
export function unknownEvent(
  field: string,
  value: unknown,
  reason: string,
  businessAccountId?: string,
): UnknownWebhookEvent {
  const event: UnknownWebhookEvent = { type: 'unknown', field, value, reason, raw: value };
  if (businessAccountId !== undefined) event.businessAccountId = businessAccountId;
  return event;
}

/**
 * Parses one array element with `parse`, turning a thrown error (a parser bug met on hostile input)
 * into an `unknown` event for that element alone, so its neighbours are still parsed.
 */
export function parseElementSafely(
  field: string,
  element: unknown,
  businessAccountId: string,
  parse: (element: unknown) => WebhookEvent,
): WebhookEvent {
  try {
    return parse(element);
  } catch (error) {
    return unknownEvent(field, element, `parser error: ${String(error)}`, businessAccountId);
  }
}
