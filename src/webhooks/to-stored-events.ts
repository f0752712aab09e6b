import type { InboundEvent, PreferenceEvent, StatusEvent, StoredEvent } from '../metrics/stored-event.js';
import type { MessageWebhookEvent, StatusWebhookEvent, WebhookEvent } from './events.js';

/**
 * The {@link StoredEvent}s a webhook event is recorded as: `status` → `status`; `message` → `inbound`;
 * `user_preferences` stop → `opt_out` and resume → `opt_in` (source `user_preferences`). Every other
 * event type stores nothing (it returns `[]`).
 */
export function toStoredEvents(event: WebhookEvent): StoredEvent[] {
  switch (event.type) {
    case 'status':
      return [statusToStored(event)];
    case 'message':
      return [messageToStored(event)];
    case 'user_preferences': {
      const kind = event.value === 'stop' ? 'opt_out' : event.value === 'resume' ? 'opt_in' : undefined;
      if (kind === undefined) return [];
      const stored: PreferenceEvent = {
        kind,
        recipientId: event.waId,
        at: event.timestamp,
        source: 'user_preferences',
      };
      return [stored];
    }
    default:
      return [];
  }
}

function statusToStored(event: StatusWebhookEvent): StatusEvent {
  const stored: StatusEvent = {
    kind: 'status',
    messageId: event.messageId,
    status: event.status,
    at: event.timestamp,
    recipientId: event.recipientId,
  };
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
      if (reply !== undefined) stored.text = reply.title;
      if (message.interactive.button_reply !== undefined)
        stored.buttonPayload = message.interactive.button_reply.id;
      break;
    }
  }
  return stored;
}
