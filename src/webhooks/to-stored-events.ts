import type {
  ClickEvent,
  InboundEvent,
  PreferenceEvent,
  StatusEvent,
  StoredEvent,
  UserIdentityFields,
} from '../events/stored-event.js';
import type { OptOutDetectionOptions } from '../tracking/opt-out-detection.js';
import { optOutEventFor } from '../tracking/opt-out-detection.js';
import type { MessageWebhookEvent, StatusWebhookEvent, WebhookEvent } from './webhook-events.js';

/** Options of {@link createStoredEventMapper}. */
export interface ToStoredEventsOptions {
  /**
   * Which inbound messages also record an `opt_out` event: STOP keywords and quick-reply payloads
   * (default: the built-in multilingual keywords and payloads, the same the metrics use).
   */
  optOut?: OptOutDetectionOptions;
}

/**
 * The {@link StoredEvent}s a webhook event is recorded as: `status` → `status`; `message` → `inbound`,
 * plus an `opt_out` (source `keyword` or `quick_reply`, naming the message it answers) when it is a
 * STOP keyword or a STOP button payload; `user_preferences` stop → `opt_out` and resume → `opt_in`
 * (source `user_preferences`); a `user_action` Meta link click (`marketing_messages_link_click`) → a
 * `click` with `source: 'meta'` and Meta's ids (its message is found through `clickId`, see
 * `ClickEvent`). Every other event type stores nothing (it returns `[]`).
 * Uses the default STOP keywords and payloads; {@link createStoredEventMapper} configures them.
 *
 * @example
 * ```ts
 * await store.append(parseWebhook(payload).flatMap(toStoredEvents));
 * ```
 */
export function toStoredEvents(event: WebhookEvent): StoredEvent[] {
  return storedEventsOf(event, {});
}

/** A {@link toStoredEvents} with its own STOP keywords and payloads (`optOut`). */
export function createStoredEventMapper(
  options: ToStoredEventsOptions,
): (event: WebhookEvent) => StoredEvent[] {
  return (event) => storedEventsOf(event, options);
}

function storedEventsOf(event: WebhookEvent, options: ToStoredEventsOptions): StoredEvent[] {
  switch (event.type) {
    case 'status':
      return [statusToStored(event)];
    case 'message': {
      const inbound = messageToStored(event);
      const optOut = optOutEventFor(inbound, options.optOut);
      if (optOut === undefined) return [inbound];
      copyIdentity(inbound, optOut);
      return [inbound, optOut];
    }
    case 'user_preferences': {
      const kind = event.value === 'stop' ? 'opt_out' : event.value === 'resume' ? 'opt_in' : undefined;
      if (kind === undefined) return [];
      const stored: PreferenceEvent = {
        kind,
        recipientId: event.waId,
        at: event.timestamp,
        source: 'user_preferences',
      };
      if (event.userId !== undefined) stored.userId = event.userId;
      return [stored];
    }
    case 'user_action': {
      if (event.action !== META_LINK_CLICK) return [];
      const click: ClickEvent = { kind: 'click', at: event.timestamp, source: 'meta' };
      if (event.clickId !== undefined) click.clickId = event.clickId;
      if (event.trackingToken !== undefined) click.trackingToken = event.trackingToken;
      if (event.clickComponent !== undefined) click.component = event.clickComponent;
      if (event.productId !== undefined) click.productId = event.productId;
      return [click];
    }
    default:
      return [];
  }
}

const META_LINK_CLICK = 'marketing_messages_link_click';

function statusToStored(event: StatusWebhookEvent): StatusEvent {
  const stored: StatusEvent = {
    kind: 'status',
    messageId: event.messageId,
    status: event.status,
    at: event.timestamp,
    recipientId: event.recipientId,
  };
  if (event.recipientUserId !== undefined) stored.userId = event.recipientUserId;
  const errorCode = event.errors?.[0]?.code;
  if (typeof errorCode === 'number') stored.errorCode = errorCode;
  const pricing = event.pricing;
  if (pricing !== undefined) {
    stored.pricing = {};
    if (typeof pricing.category === 'string') stored.pricing.category = pricing.category;
    if (typeof pricing.type === 'string') stored.pricing.type = pricing.type;
    if (typeof pricing.billable === 'boolean') stored.pricing.billable = pricing.billable;
  }
  return stored;
}

function messageToStored(event: MessageWebhookEvent): InboundEvent {
  const message = event.message;
  const stored: InboundEvent = {
    kind: 'inbound',
    messageId: event.messageId,
    recipientId: event.from,
    at: event.timestamp,
    messageType: message.type,
  };
  if (event.contextMessageId !== undefined) stored.contextMessageId = event.contextMessageId;
  const userId = event.fromUserId ?? event.contact?.userId;
  if (userId !== undefined) stored.userId = userId;
  if (event.contact?.parentUserId !== undefined) stored.parentUserId = event.contact.parentUserId;
  if (event.contact?.username !== undefined) stored.username = event.contact.username;
  switch (message.type) {
    case 'text':
      stored.text = message.text.body;
      break;
    case 'button':
      stored.text = message.button.text;
      if (message.button.payload !== undefined) stored.buttonPayload = message.button.payload;
      break;
    case 'interactive': {
      const reply = message.interactive.button_reply ?? message.interactive.list_reply;
      // A tap (reply button or list row) is identified by its id; opt-out detection reads only that.
      if (reply !== undefined) {
        stored.text = reply.title;
        stored.buttonPayload = reply.id;
      }
      break;
    }
    case 'system':
      if (message.system.type === USER_CHANGED_USER_ID) userIdChange(message.system, stored);
      break;
  }
  return stored;
}

const USER_CHANGED_USER_ID = 'user_changed_user_id';

/**
 * A `user_changed_user_id` system message (August 2026): the user's business-scoped id changed from
 * `previous_user_id` to `user_id` (or the message's `from_user_id`); parents likewise. Stored on the
 * inbound event so the store can link the old id to the new one.
 */
function userIdChange(system: Record<string, unknown>, stored: InboundEvent): void {
  const newUserId = nonEmpty(system.user_id);
  if (newUserId !== undefined) stored.userId = newUserId;
  const newParent = nonEmpty(system.parent_user_id);
  if (newParent !== undefined) stored.parentUserId = newParent;
  const previousUserId = nonEmpty(system.previous_user_id);
  if (previousUserId !== undefined) stored.previousUserId = previousUserId;
  const previousParent = nonEmpty(system.previous_parent_user_id);
  if (previousParent !== undefined) stored.previousParentUserId = previousParent;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function copyIdentity(from: UserIdentityFields, to: UserIdentityFields): void {
  if (from.userId !== undefined) to.userId = from.userId;
  if (from.parentUserId !== undefined) to.parentUserId = from.parentUserId;
  if (from.username !== undefined) to.username = from.username;
}
