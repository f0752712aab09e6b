/** Webhooks: signature, parsing into typed events, the handler and processor (public: every name here is exported from the root). */

export type { DedupedWebhookEvent } from './dedupe-window.js';
export {
  createWebhookHandler,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from './frameworks/fetch.js';
export type {
  InboundAudioMessage,
  InboundButtonMessage,
  InboundContactsMessage,
  InboundDocumentMessage,
  InboundEditMessage,
  InboundImageMessage,
  InboundInteractiveMessage,
  InboundLocationMessage,
  InboundMedia,
  InboundMessage,
  InboundMessageBase,
  InboundMessageContext,
  InboundMessageOfType,
  InboundMessageType,
  InboundOrderMessage,
  InboundReactionMessage,
  InboundReferral,
  InboundRequestWelcomeMessage,
  InboundRevokeMessage,
  InboundStickerMessage,
  InboundSystemMessage,
  InboundTextMessage,
  InboundUnsupportedMessage,
  InboundVideoMessage,
  WebhookErrorDetail,
} from './inbound-message.js';
export { parseWebhook } from './parse.js';
export { WebhookProcessor, type WebhookProcessorOptions } from './processor.js';
export type {
  ListenersByMessageType,
  ListenersByStatus,
  ListenersByType,
  WebhookListenerResult,
  WebhookProcessorEventName,
  WebhookProcessorEvents,
} from './processor-events.js';
export { signWebhookPayload, verifyWebhookSignature } from './signature.js';
export { createStoredEventMapper, type ToStoredEventsOptions, toStoredEvents } from './to-stored-events.js';
export type {
  AccountUpdateWebhookEvent,
  MessageDeliveryStatus,
  MessageWebhookEvent,
  MessageWebhookEventOf,
  PhoneNumberQualityWebhookEvent,
  StatusWebhookEvent,
  SystemErrorWebhookEvent,
  TemplateCategoryWebhookEvent,
  TemplateQualityWebhookEvent,
  TemplateStatusWebhookEvent,
  UnknownWebhookEvent,
  UserActionWebhookEvent,
  UserPreferencesWebhookEvent,
  WebhookContact,
  WebhookConversation,
  WebhookEvent,
  WebhookEventType,
  WebhookPricing,
} from './webhook-events.js';
