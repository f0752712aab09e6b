import type { DedupedWebhookEvent } from './dedupe-window.js';
import type { InboundMessageType } from './inbound-message.js';
import type {
  MessageDeliveryStatus,
  MessageWebhookEventOf,
  StatusWebhookEvent,
  WebhookEvent,
} from './webhook-events.js';

/** What a listener may return: nothing, or a promise the processor awaits (and whose rejection it reports). */
export type WebhookListenerResult = void | Promise<void> | unknown;

/** Listener signature for each event `type`. */
export type ListenersByType = { [E in WebhookEvent as E['type']]: (event: E) => WebhookListenerResult };
/** Listener signature for each `status.<status>` event name. */
export type ListenersByStatus = {
  [S in MessageDeliveryStatus as `status.${S}`]: (event: StatusWebhookEvent) => WebhookListenerResult;
};
/** Listener signature for each `message.<type>` event name. */
export type ListenersByMessageType = {
  [T in InboundMessageType as `message.${T}`]: (event: MessageWebhookEventOf<T>) => WebhookListenerResult;
};

/**
 * The events a {@link WebhookProcessor} emits and their listener signatures:
 * - `event`: every new webhook event;
 * - one per event type: `status`, `message`, `template_status`, `template_quality`, `template_category`,
 *   `user_preferences`, `account_update`, `phone_number_quality`, `system_error`, `unknown`;
 * - `status.<status>` (e.g. `status.read`) and `message.<type>` (e.g. `message.text`, with `message` narrowed);
 * - `duplicate`: an event dropped as a repeat;
 * - `error`: a listener threw or rejected, or the store failed (`event` is the event being handled).
 */
export type WebhookProcessorEvents = ListenersByType &
  ListenersByStatus &
  ListenersByMessageType & {
    event: (event: WebhookEvent) => WebhookListenerResult;
    duplicate: (event: DedupedWebhookEvent) => WebhookListenerResult;
    error: (error: Error, event?: WebhookEvent) => void;
  };

/** A name {@link WebhookProcessor.on} accepts. */
export type WebhookProcessorEventName = keyof WebhookProcessorEvents;
