import type { InboundMessage } from './inbound-message.js';
import {
  describeIssues,
  isNonEmptyString,
  isOptionalString,
  isRecord,
  presentId,
  unixSecondsToDate,
  unknownEvent,
} from './parse-helpers.js';
import { messageBaseSchema, messagePayloadSchemas } from './schemas.js';
import type { MessageWebhookEvent, UnknownWebhookEvent, WebhookContact } from './webhook-events.js';

/**
 * Turns one `messages[]` element into a `message` event, or an `unknown` event naming what is wrong.
 * The frequent shapes (text, quick replies, interactive replies, reactions, media) are checked by hand;
 * every other shape goes through zod.
 * A type wacloud does not know is passed through with its base fields checked.
 */
export function parseMessage(
  element: unknown,
  contacts: unknown,
  phoneNumberId: string,
  businessAccountId: string,
): MessageWebhookEvent | UnknownWebhookEvent {
  if (!(isRecord(element) && isCommonMessage(element))) {
    const problem = validateMessage(element);
    if (problem !== undefined) {
      return unknownEvent('messages', element, `invalid message: ${problem}`, businessAccountId);
    }
  }
  return buildMessageEvent(element as Record<string, unknown>, contacts, phoneNumberId, businessAccountId);
}

function isCommonMessage(m: Record<string, unknown>): boolean {
  const check = typeof m.type === 'string' ? ownValue(COMMON_PAYLOADS, m.type) : undefined;
  const context = m.context;
  const fromUserId = m.from_user_id;
  return (
    check !== undefined &&
    isNonEmptyString(m.id) &&
    unixSecondsToDate(m.timestamp) !== undefined &&
    (isNonEmptyString(m.from) || (m.from === undefined && isNonEmptyString(fromUserId))) &&
    (fromUserId === undefined || isNonEmptyString(fromUserId)) &&
    m.referral === undefined &&
    m.errors === undefined &&
    (context === undefined ||
      (isRecord(context) &&
        isOptionalString(context.id) &&
        isOptionalString(context.from) &&
        context.forwarded === undefined &&
        context.frequently_forwarded === undefined)) &&
    check(m[m.type as string])
  );
}

/** `id` plus optional string fields: the media shape every media schema accepts. */
function isCommonMedia(p: unknown): p is Record<string, unknown> {
  return (
    isRecord(p) &&
    isNonEmptyString(p.id) &&
    isOptionalString(p.mime_type) &&
    isOptionalString(p.sha256) &&
    isOptionalString(p.caption) &&
    isOptionalString(p.url)
  );
}

function isOptionalBoolean(value: unknown): boolean {
  return value === undefined || typeof value === 'boolean';
}

function isReply(r: unknown, withDescription: boolean): boolean {
  return (
    r === undefined ||
    (isRecord(r) &&
      typeof r.id === 'string' &&
      typeof r.title === 'string' &&
      (!withDescription || isOptionalString(r.description)))
  );
}

/**
 * Hand checks of the payloads of the most frequent message types. Each accepts a subset of what the
 * matching zod schema in `messagePayloadSchemas` accepts (a seeded test compares them).
 */
const COMMON_PAYLOADS: Readonly<Record<string, (payload: unknown) => boolean>> = {
  text: (p) => isRecord(p) && typeof p.body === 'string',
  button: (p) => isRecord(p) && typeof p.text === 'string' && isOptionalString(p.payload),
  interactive: (p) =>
    isRecord(p) &&
    isNonEmptyString(p.type) &&
    isReply(p.button_reply, false) &&
    isReply(p.list_reply, true) &&
    (p.nfm_reply === undefined ||
      (isRecord(p.nfm_reply) &&
        typeof p.nfm_reply.response_json === 'string' &&
        isOptionalString(p.nfm_reply.name) &&
        isOptionalString(p.nfm_reply.body))),
  reaction: (p) => isRecord(p) && isNonEmptyString(p.message_id) && isOptionalString(p.emoji),
  image: isCommonMedia,
  video: isCommonMedia,
  audio: (p) => isCommonMedia(p) && isOptionalBoolean(p.voice),
  document: (p) => isCommonMedia(p) && isOptionalString(p.filename),
  sticker: (p) => isCommonMedia(p) && isOptionalBoolean(p.animated),
};

function validateMessage(element: unknown): string | undefined {
  const base = messageBaseSchema.safeParse(element);
  if (!base.success) return describeIssues(base.error);
  const type = base.data.type;
  const schema = ownValue(messagePayloadSchemas, type);
  if (schema === undefined) return undefined;
  const payload = schema.safeParse((element as Record<string, unknown>)[type]);
  return payload.success ? undefined : describeIssues(payload.error, type);
}

/**
 * `table[key]` when `key` is the table's own property: a message `type` such as `__proto__`,
 * `constructor` or `toString` must not find `Object.prototype`'s members.
 */
function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function buildMessageEvent(
  m: Record<string, unknown>,
  contacts: unknown,
  phoneNumberId: string,
  businessAccountId: string,
): MessageWebhookEvent {
  const fromUserId = presentId(m.from_user_id);
  const fromPhone = presentId(m.from);
  const event: MessageWebhookEvent = {
    type: 'message',
    message: m as unknown as InboundMessage,
    from: (fromPhone ?? fromUserId) as string,
    messageId: m.id as string,
    timestamp: unixSecondsToDate(m.timestamp) as Date,
    phoneNumberId,
    businessAccountId,
    raw: m,
  };
  if (fromUserId !== undefined) event.fromUserId = fromUserId;
  const contact = findContact(contacts, fromPhone, fromUserId);
  if (contact !== undefined) event.contact = contact;
  const context = m.context as Record<string, unknown> | undefined;
  if (context !== undefined && typeof context.id === 'string') event.contextMessageId = context.id;
  if (m.type === 'interactive') {
    const flowResponse = parseFlowResponse(m.interactive);
    if (flowResponse !== undefined) event.flowResponse = flowResponse;
  }
  return event;
}

/** The sender's profile: the contact with the same `wa_id`/`user_id`, else the only contact. */
function findContact(contacts: unknown, from?: string, fromUserId?: string): WebhookContact | undefined {
  if (!Array.isArray(contacts) || contacts.length === 0) return undefined;
  let match: unknown;
  for (const c of contacts) {
    if (!isRecord(c)) continue;
    if ((from !== undefined && c.wa_id === from) || (fromUserId !== undefined && c.user_id === fromUserId)) {
      match = c;
      break;
    }
  }
  if (match === undefined && contacts.length === 1) match = contacts[0];
  if (!isRecord(match)) return undefined;
  const contact: WebhookContact = {};
  const profile = match.profile;
  if (isRecord(profile) && typeof profile.name === 'string') contact.name = profile.name;
  const waId = presentId(match.wa_id);
  if (waId !== undefined) contact.waId = waId;
  const userId = presentId(match.user_id);
  if (userId !== undefined) contact.userId = userId;
  const parentUserId = presentId(match.parent_user_id);
  if (parentUserId !== undefined) contact.parentUserId = parentUserId;
  const username = presentId(match.username) ?? (isRecord(profile) ? presentId(profile.username) : undefined);
  if (username !== undefined) contact.username = username;
  return contact;
}

function parseFlowResponse(interactive: unknown): Record<string, unknown> | undefined {
  if (!isRecord(interactive) || !isRecord(interactive.nfm_reply)) return undefined;
  const json = interactive.nfm_reply.response_json;
  if (typeof json !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
