import { WebhookPayloadError } from '../errors/index.js';
import { parseMessagesValue, parseUserPreferencesValue } from './parse-change-value.js';
import { isRecord, unknownEvent } from './parse-helpers.js';
import {
  type ChangeOrigin,
  parseAccountUpdate,
  parsePhoneNumberQuality,
  parseTemplateCategory,
  parseTemplateQuality,
  parseTemplateStatus,
} from './parse-management.js';
import type { WebhookEvent } from './webhook-events.js';

const utf8 = new TextDecoder('utf-8');

/**
 * Turns a webhook payload into typed events: every entry, every change, every element of `statuses`,
 * `messages`, `errors` and `user_preferences`. Accepts the parsed object or the raw JSON text/bytes.
 *
 * Throws {@link WebhookPayloadError} only when the envelope is not an object with
 * `object: 'whatsapp_business_account'` and an `entry` array (or the text is not JSON). Anything wrong
 * inside a good envelope becomes an `unknown` event, and parsing goes on with the next element.
 */
export function parseWebhook(payload: unknown): WebhookEvent[] {
  const envelope =
    typeof payload === 'string' || payload instanceof Uint8Array ? parseJson(payload) : payload;
  if (!isRecord(envelope)) {
    throw new WebhookPayloadError(`Webhook payload must be a JSON object, got ${describe(envelope)}`);
  }
  if (envelope.object !== 'whatsapp_business_account') {
    const got =
      typeof envelope.object === 'string'
        ? JSON.stringify(envelope.object.slice(0, 80))
        : describe(envelope.object);
    throw new WebhookPayloadError(`Webhook payload has object ${got}, expected "whatsapp_business_account"`);
  }
  if (!Array.isArray(envelope.entry)) {
    throw new WebhookPayloadError('Webhook payload has no entry array');
  }
  const events: WebhookEvent[] = [];
  for (const entry of envelope.entry) parseEntry(entry, events);
  return events;
}

function parseEntry(entry: unknown, out: WebhookEvent[]): void {
  const id = isRecord(entry) ? entry.id : undefined;
  if (
    !isRecord(entry) ||
    (typeof id !== 'string' && typeof id !== 'number') ||
    !Array.isArray(entry.changes)
  ) {
    out.push(unknownEvent('', entry, 'entry is not an object with an id and a changes array'));
    return;
  }
  const origin: ChangeOrigin = { businessAccountId: String(id) };
  if (typeof entry.time === 'number' && Number.isFinite(entry.time))
    origin.timestamp = new Date(entry.time * 1000);
  for (const change of entry.changes) {
    try {
      parseChange(change, origin, out);
    } catch (error) {
      // Defensive: a parser bug on one change must not lose the rest of the payload.
      const field = isRecord(change) && typeof change.field === 'string' ? change.field : '';
      out.push(unknownEvent(field, change, `parser error: ${String(error)}`, origin.businessAccountId));
    }
  }
}

function parseChange(change: unknown, origin: ChangeOrigin, out: WebhookEvent[]): void {
  if (!isRecord(change) || typeof change.field !== 'string') {
    out.push(unknownEvent('', change, 'change is not an object with a field', origin.businessAccountId));
    return;
  }
  const { field, value } = change;
  switch (field) {
    case 'messages':
      parseMessagesValue(value, origin.businessAccountId, out);
      return;
    case 'user_preferences':
      parseUserPreferencesValue(value, origin.businessAccountId, out);
      return;
    case 'message_template_status_update':
      out.push(parseTemplateStatus(value, origin));
      return;
    case 'message_template_quality_update':
      out.push(parseTemplateQuality(value, origin));
      return;
    case 'template_category_update':
      out.push(parseTemplateCategory(value, origin));
      return;
    case 'account_update':
      out.push(parseAccountUpdate(value, origin));
      return;
    case 'phone_number_quality_update':
      out.push(parsePhoneNumberQuality(value, origin));
      return;
    default:
      out.push(
        unknownEvent(field, value, `field "${field}" is not modeled by wacloud`, origin.businessAccountId),
      );
  }
}

function parseJson(text: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof text === 'string' ? text : utf8.decode(text));
  } catch (error) {
    throw new WebhookPayloadError(`Webhook body is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}
