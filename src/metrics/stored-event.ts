/**
 * The events wacloud stores and computes metrics from. One union on `kind`; ids are strings and `at`
 * is a `Date`. Written by the send queue (`outbound`, `send_failed`), the webhook handler (`status`,
 * `inbound`, `opt_out`, `opt_in`), the click tracker (`click`) and your app (`block`, `conversion`).
 */
export type StoredEvent =
  | OutboundEvent
  | SendFailedEvent
  | StatusEvent
  | InboundEvent
  | ClickEvent
  | PreferenceEvent
  | ConversionEvent;

/** Every `kind` a {@link StoredEvent} can have. */
export type StoredEventKind = StoredEvent['kind'];

/** A message the Cloud API accepted (it has a `messageId`). */
export interface OutboundEvent {
  kind: 'outbound';
  messageId: string;
  recipientId: string;
  at: Date;
  campaignId?: string;
  variant?: string;
  segment?: string;
  templateName?: string;
  phoneNumberId?: string;
  metadata?: Record<string, unknown>;
}

/** A send the Cloud API refused synchronously (no `messageId`); counted only as `rejected`. */
export interface SendFailedEvent {
  kind: 'send_failed';
  recipientId: string;
  at: Date;
  campaignId?: string;
  variant?: string;
  segment?: string;
  errorCode?: number;
  idempotencyKey?: string;
}

/** Pricing of a status, as Meta reports it on `sent` and on `delivered` or `read`. */
export interface StoredPricing {
  category?: string;
  type?: string;
  billable?: boolean;
}

/** A status webhook for one of your messages. */
export interface StatusEvent {
  kind: 'status';
  messageId: string;
  /** `sent`, `delivered`, `read`, `played`, `failed`, or a status Meta adds later. */
  status: string;
  at: Date;
  recipientId?: string;
  errorCode?: number;
  pricing?: StoredPricing;
}

/** A message a user sent you. `recipientId` is who wrote; `messageId` is the reply's own id. */
export interface InboundEvent {
  kind: 'inbound';
  messageId: string;
  recipientId: string;
  at: Date;
  /** The message this one answers (`context.id`), which attribution prefers. */
  contextMessageId?: string;
  messageType?: string;
  text?: string;
  buttonPayload?: string;
}

/** A tap on a tracked link. */
export interface ClickEvent {
  kind: 'click';
  at: Date;
  messageId?: string;
  recipientId?: string;
  campaignId?: string;
  url?: string;
}

/** A recipient opted out, opted back in, or blocked you (blocks come from your app; WhatsApp reports none). */
export interface PreferenceEvent {
  kind: 'opt_out' | 'opt_in' | 'block';
  recipientId: string;
  at: Date;
  /** Where the signal came from, e.g. `user_preferences`, `keyword`, `error_131050`, `app`. */
  source?: string;
  messageId?: string;
}

/** A conversion (purchase, signup...) your app attributes to a message, recipient or campaign. */
export interface ConversionEvent {
  kind: 'conversion';
  at: Date;
  value?: number;
  currency?: string;
  messageId?: string;
  recipientId?: string;
  campaignId?: string;
}
