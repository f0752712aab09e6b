import type { InboundMessage, InboundMessageType, WebhookErrorDetail } from './inbound-message.js';

/** `pricing` of a status webhook, as Meta sends it (sent with `sent` and with `delivered` or `read`). */
export interface WebhookPricing {
  billable?: boolean;
  pricing_model?: string;
  type?: string;
  category?: string;
  [key: string]: unknown;
}

/** `conversation` of a status webhook (omitted from v24.0 except in free-entry-point windows). */
export interface WebhookConversation {
  id?: string;
  expiration_timestamp?: string | number;
  origin?: { type?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Status values Meta documents; others may appear later and pass through as strings. */
export type MessageDeliveryStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed';

/** A status update for a message you sent (`value.statuses[]`). */
export interface StatusWebhookEvent {
  type: 'status';
  /** `sent`, `delivered`, `read`, `played`, `failed`, or a value Meta adds later. */
  status: MessageDeliveryStatus | (string & {});
  /** The wamid of your message. */
  messageId: string;
  /** `recipient_id` (phone number or group id), or the BSUID when only `recipient_user_id` is present. */
  recipientId: string;
  /** `recipient_user_id` (BSUID), when Meta sends it. */
  recipientUserId?: string;
  timestamp: Date;
  phoneNumberId: string;
  /** The WhatsApp Business Account id (`entry[].id`). */
  businessAccountId: string;
  errors?: WebhookErrorDetail[];
  pricing?: WebhookPricing;
  conversation?: WebhookConversation;
  bizOpaqueCallbackData?: string;
  /** The original status object. */
  raw: Record<string, unknown>;
}

/** The sender's profile from `value.contacts[]`. */
export interface WebhookContact {
  name?: string;
  waId?: string;
  /** BSUID (`user_id`). */
  userId?: string;
  /** The parent BSUID (`parent_user_id`, e.g. `US.ENT.…`), when Meta sends it. */
  parentUserId?: string;
  /** The user's WhatsApp username (`username`), when Meta sends it. */
  username?: string;
}

/** A message a user sent you (`value.messages[]`). */
export interface MessageWebhookEvent<M extends InboundMessage = InboundMessage> {
  type: 'message';
  /** Meta's message object, typed by `message.type`. */
  message: M;
  /** `from` (phone number), or `from_user_id` (BSUID) for a user known only by username. */
  from: string;
  /** `from_user_id` (BSUID), when present. */
  fromUserId?: string;
  messageId: string;
  timestamp: Date;
  contact?: WebhookContact;
  /** `context.id`: the message of yours this one replies to (quick replies, interactive replies, quotes). */
  contextMessageId?: string;
  /** For a flow reply (`interactive.nfm_reply`): `response_json` parsed; absent when it is not valid JSON. */
  flowResponse?: Record<string, unknown>;
  phoneNumberId: string;
  businessAccountId: string;
  /** The original message object. */
  raw: Record<string, unknown>;
}

/** A template was approved, rejected, paused... (`message_template_status_update`). */
export interface TemplateStatusWebhookEvent {
  type: 'template_status';
  /** APPROVED, REJECTED, PENDING, PAUSED, DISABLED, FLAGGED, REINSTATED, ... */
  event: string;
  templateId: string;
  templateName: string;
  language: string;
  /** Why (e.g. INVALID_FORMAT); absent when Meta sends none or `NONE`. */
  reason?: string;
  category?: string;
  businessAccountId: string;
  /** `entry[].time`, when present. */
  timestamp?: Date;
  raw: Record<string, unknown>;
}

/** A template's quality rating changed (`message_template_quality_update`). */
export interface TemplateQualityWebhookEvent {
  type: 'template_quality';
  templateId: string;
  templateName: string;
  language?: string;
  /** GREEN, YELLOW, RED, UNKNOWN. */
  previousScore: string;
  newScore: string;
  businessAccountId: string;
  timestamp?: Date;
  raw: Record<string, unknown>;
}

/**
 * A template's category changed, or will change within 24 h (`template_category_update`).
 * `previousCategory` is set after a change; `correctCategory` on the advance warning.
 */
export interface TemplateCategoryWebhookEvent {
  type: 'template_category';
  templateId: string;
  templateName: string;
  language?: string;
  newCategory?: string;
  previousCategory?: string;
  correctCategory?: string;
  businessAccountId: string;
  timestamp?: Date;
  raw: Record<string, unknown>;
}

/** A user stopped or resumed marketing messages (`user_preferences`). */
export interface UserPreferencesWebhookEvent {
  type: 'user_preferences';
  /** The user's WhatsApp id, or their BSUID when only `user_id` is present. */
  waId: string;
  userId?: string;
  /** e.g. `marketing_messages`. */
  category: string;
  /** `stop` or `resume` (fixtures also show `signup`). */
  value: 'stop' | 'resume' | (string & {});
  detail?: string;
  timestamp: Date;
  phoneNumberId?: string;
  businessAccountId: string;
  raw: Record<string, unknown>;
}

/**
 * What a user did with a message sent through the Marketing Messages API (`value.user_actions[]` of a
 * `messages` change; limited availability, messages sent in the last 7 days). `action` is Meta's
 * `action_type`: `marketing_messages_link_click` (a tap on the body or call-to-action),
 * `landing_page_view` (the tapped link's page opened in the in-app browser), or one Meta adds later.
 * Meta names no message and no user: `clickId` (also appended to the opened URL, as `fbclid`) is what
 * ties the action to your own link's click, and so to its message.
 */
export interface UserActionWebhookEvent {
  type: 'user_action';
  /** Meta's `action_type`. */
  action: 'marketing_messages_link_click' | 'landing_page_view' | (string & {});
  timestamp: Date;
  /** `cta` or `body`: where the user tapped (`click_component`). */
  clickComponent?: 'cta' | 'body' | (string & {});
  /** Meta's id of the click (`click_id`). */
  clickId?: string;
  /** Meta's internal token for the click (`tracking_token`); a landing page view shares its click's. */
  trackingToken?: string;
  /** The product tapped, when assigned in Ads Manager or the Marketing API (`product_id`). */
  productId?: string;
  phoneNumberId: string;
  businessAccountId: string;
  raw: Record<string, unknown>;
}

/** Something happened to the WhatsApp Business Account (`account_update`): violation, restriction, ban... */
export interface AccountUpdateWebhookEvent {
  type: 'account_update';
  event: string;
  /** The whole `value` object (e.g. `violation_info`, `restriction_info`, `ban_info`). */
  details: Record<string, unknown>;
  businessAccountId: string;
  timestamp?: Date;
  raw: Record<string, unknown>;
}

/** A phone number's quality or throughput/limit changed (`phone_number_quality_update`). */
export interface PhoneNumberQualityWebhookEvent {
  type: 'phone_number_quality';
  /** e.g. THROUGHPUT_UPGRADE, ONBOARDING, FLAGGED, UPGRADE, DOWNGRADE. */
  event: string;
  displayPhoneNumber?: string;
  /** The whole `value` object (e.g. `max_daily_conversations_per_business`). */
  details: Record<string, unknown>;
  businessAccountId: string;
  timestamp?: Date;
  raw: Record<string, unknown>;
}

/**
 * A system-level error Meta reports for the number or app, not tied to one message
 * (`value.errors[]` of a `messages` change). Message-level errors stay on their status or message.
 */
export interface SystemErrorWebhookEvent {
  type: 'system_error';
  code: number;
  title?: string;
  message?: string;
  details?: string;
  phoneNumberId?: string;
  businessAccountId: string;
  raw: Record<string, unknown>;
}

/**
 * A field wacloud does not model (e.g. `group_lifecycle_update`, `calls`, `history`), or an element
 * that did not match its schema. New Meta fields never crash the parser.
 */
export interface UnknownWebhookEvent {
  type: 'unknown';
  /** The change's `field` (empty when the entry itself was malformed). */
  field: string;
  /** The change's `value`, or the malformed element. */
  value: unknown;
  /** Why it is unknown: a field wacloud does not model, or the problems found in the element. */
  reason: string;
  businessAccountId?: string;
  raw: unknown;
}

/** Every event {@link parseWebhook} produces, discriminated on `type`. */
export type WebhookEvent =
  | StatusWebhookEvent
  | MessageWebhookEvent
  | TemplateStatusWebhookEvent
  | TemplateQualityWebhookEvent
  | TemplateCategoryWebhookEvent
  | UserPreferencesWebhookEvent
  | UserActionWebhookEvent
  | AccountUpdateWebhookEvent
  | PhoneNumberQualityWebhookEvent
  | SystemErrorWebhookEvent
  | UnknownWebhookEvent;

/** Every `type` of {@link WebhookEvent}. */
export type WebhookEventType = WebhookEvent['type'];

/** A message event whose `message` is narrowed to type `T`. */
export type MessageWebhookEventOf<T extends InboundMessageType> = MessageWebhookEvent<
  Extract<InboundMessage, { type: T }>
>;
