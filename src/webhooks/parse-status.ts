import type { WebhookErrorDetail } from './inbound-message.js';
import {
  describeIssues,
  isNonEmptyString,
  isOptionalString,
  isRecord,
  presentId,
  unixSecondsToDate,
  unknownEvent,
} from './parse-helpers.js';
import { statusSchema } from './schemas.js';
import type {
  StatusWebhookEvent,
  UnknownWebhookEvent,
  WebhookConversation,
  WebhookPricing,
} from './webhook-events.js';

/**
 * Turns one `statuses[]` element into a `status` event, or an `unknown` event naming what is wrong.
 * Common shapes are checked by hand (the hot path: a campaign produces three statuses per message);
 * anything unusual goes through the zod schema, which accepts a superset of the hand-checked shapes.
 */
export function parseStatus(
  element: unknown,
  phoneNumberId: string,
  businessAccountId: string,
): StatusWebhookEvent | UnknownWebhookEvent {
  if (isRecord(element) && isCommonStatus(element)) {
    return buildStatusEvent(element, phoneNumberId, businessAccountId);
  }
  const result = statusSchema.safeParse(element);
  if (!result.success) {
    return unknownEvent(
      'messages',
      element,
      `invalid status: ${describeIssues(result.error)}`,
      businessAccountId,
    );
  }
  return buildStatusEvent(element as Record<string, unknown>, phoneNumberId, businessAccountId);
}

function isCommonStatus(s: Record<string, unknown>): boolean {
  const recipientUserId = s.recipient_user_id;
  const recipientId = s.recipient_id;
  // Fast path for the usual shapes; anything else (e.g. `recipient_id: ""`) goes through the schema.
  return (
    isNonEmptyString(s.id) &&
    isNonEmptyString(s.status) &&
    unixSecondsToDate(s.timestamp) !== undefined &&
    (isNonEmptyString(recipientId) || (recipientId === undefined && isNonEmptyString(recipientUserId))) &&
    (recipientUserId === undefined || isNonEmptyString(recipientUserId)) &&
    (s.errors === undefined || isCommonErrorList(s.errors)) &&
    isOptionalString(s.biz_opaque_callback_data) &&
    (s.pricing === undefined || isCommonPricing(s.pricing)) &&
    (s.conversation === undefined || isCommonConversation(s.conversation))
  );
}

/** Mirrors `webhookErrorSchema` for the usual shape of a failed status's `errors`. */
export function isCommonErrorList(errors: unknown): boolean {
  if (!Array.isArray(errors)) return false;
  for (const e of errors) {
    if (
      !isRecord(e) ||
      typeof e.code !== 'number' ||
      !Number.isFinite(e.code) ||
      !isOptionalString(e.title) ||
      !isOptionalString(e.message) ||
      !isOptionalString(e.href) ||
      (e.error_data !== undefined && !(isRecord(e.error_data) && isOptionalString(e.error_data.details)))
    ) {
      return false;
    }
  }
  return true;
}

function isCommonPricing(p: unknown): boolean {
  return (
    isRecord(p) &&
    (p.billable === undefined || typeof p.billable === 'boolean') &&
    isOptionalString(p.pricing_model) &&
    isOptionalString(p.type) &&
    isOptionalString(p.category)
  );
}

function isCommonConversation(c: unknown): boolean {
  if (!isRecord(c) || !isOptionalString(c.id)) return false;
  const exp = c.expiration_timestamp;
  if (exp !== undefined && typeof exp !== 'string' && typeof exp !== 'number') return false;
  return c.origin === undefined || (isRecord(c.origin) && isOptionalString(c.origin.type));
}

function buildStatusEvent(
  s: Record<string, unknown>,
  phoneNumberId: string,
  businessAccountId: string,
): StatusWebhookEvent {
  const event: StatusWebhookEvent = {
    type: 'status',
    status: s.status as string,
    messageId: s.id as string,
    recipientId: (presentId(s.recipient_id) ?? s.recipient_user_id) as string,
    timestamp: unixSecondsToDate(s.timestamp) as Date,
    phoneNumberId,
    businessAccountId,
    raw: s,
  };
  const recipientUserId = presentId(s.recipient_user_id);
  if (recipientUserId !== undefined) event.recipientUserId = recipientUserId;
  if (s.errors !== undefined) event.errors = s.errors as WebhookErrorDetail[];
  if (s.pricing !== undefined) event.pricing = s.pricing as WebhookPricing;
  if (s.conversation !== undefined) event.conversation = s.conversation as WebhookConversation;
  if (s.biz_opaque_callback_data !== undefined)
    event.bizOpaqueCallbackData = s.biz_opaque_callback_data as string;
  return event;
}
