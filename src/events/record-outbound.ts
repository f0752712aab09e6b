import { z } from 'zod';
import { objectRecord } from '../schemas/object-record.js';
import { optionsSchema, parseOptions } from '../schemas/validate-options.js';
import type { EventStore } from './event-store.js';
import type { OutboundEvent } from './stored-event.js';
import { assertStoredEvents } from './stored-event-schema.js';

/** What {@link recordOutbound} reads of a send's result: `wa.messages.send()` resolves to one. */
export interface SentMessage {
  /** The `wamid.…` id Meta returned. */
  messageId: string;
  /** The recipient as Meta received it. */
  input: string;
  /** The recipient's WhatsApp id, when Meta returned one (preferred: inbound webhooks name people by it). */
  waId?: string;
}

/** What {@link recordOutbound} reads of the message sent: its template name, if it was one. */
export interface SentMessageContent {
  /** The message type (`text`, `template`, ...). */
  type?: string;
  /** A template message's template (`msg.template()`); a reply without one counts as an answer. */
  template?: { name?: string };
}

/** Options of {@link recordOutbound}. */
export interface RecordOutboundOptions {
  /** When it was sent (default: now). */
  at?: Date;
  /** The campaign it belongs to, for campaign metrics (service replies usually have none). */
  campaignId?: string;
  /** The phone number id it was sent from. */
  phoneNumberId?: string;
  /** Your own data kept with the event (an agent id, a ticket id). */
  metadata?: Record<string, unknown>;
}

const OPTIONS = optionsSchema<RecordOutboundOptions>()({
  at: z.date().optional(),
  campaignId: z.string().min(1).optional(),
  phoneNumberId: z.string().min(1).optional(),
  metadata: objectRecord(z.unknown()).optional(),
});

/**
 * Stores a message your app sent outside the send queue (a reply from `wa.messages.send`) as the
 * `outbound` event the queue would have stored, so `computeServiceMetrics` sees the answer and status
 * webhooks of it find their message. Resolves with the stored event. Idempotent (the event is keyed by
 * its message id). The recipient is `waId` when Meta returned one, else `input`; the template name comes
 * from `message` (without `message`, the event counts as a non-template reply).
 *
 * @example
 * ```ts
 * const reply = msg.text(customer, 'On its way!');
 * await recordOutbound(store, await wa.messages.send(reply), reply);
 * ```
 */
export async function recordOutbound(
  store: EventStore,
  sent: SentMessage,
  message?: SentMessageContent,
  options: RecordOutboundOptions = {},
): Promise<OutboundEvent> {
  const parsed = parseOptions('recordOutbound', OPTIONS, options);
  const event: OutboundEvent = {
    kind: 'outbound',
    messageId: sent?.messageId,
    recipientId: sent?.waId ?? sent?.input,
    at: parsed.at ?? new Date(),
  };
  const templateName = message?.template?.name;
  if (templateName !== undefined) event.templateName = templateName;
  if (parsed.campaignId !== undefined) event.campaignId = parsed.campaignId;
  if (parsed.phoneNumberId !== undefined) event.phoneNumberId = parsed.phoneNumberId;
  if (parsed.metadata !== undefined) event.metadata = parsed.metadata;
  // A result that is not a send's (no message id or recipient) fails here, naming the field.
  assertStoredEvents([event]);
  await store.append([event]);
  return event;
}
