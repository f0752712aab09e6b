// Meta's shapes for the analytics reads. Hand-written: template_analytics, pricing_analytics and
// analytics are not in the v23.0 OpenAPI spec, so they follow cloud-api-notes §1.8 and §7 and Meta's
// published examples; message_history follows the spec's WhatsAppMessageHistory schema.
import type { CallOptions } from '../transport.js';

/** A point in time for analytics ranges: a `Date`, Unix seconds, or a `YYYY-MM-DD` day. */
export type AnalyticsTime = Date | number | string;

/** `metric_types` of template analytics. `string & {}` admits Meta's newer ones (MM API conversions). */
export type TemplateMetricType =
  | 'SENT'
  | 'DELIVERED'
  | 'READ'
  | 'CLICKED'
  | 'COST'
  | 'WEBSITE_PURCHASES'
  | 'APP_ADD_TO_CART'
  | (string & {});

/** Every template metric type the Cloud API documents (the default of `templateAnalytics`). */
export const TEMPLATE_METRIC_TYPES: readonly TemplateMetricType[] = [
  'SENT',
  'DELIVERED',
  'READ',
  'CLICKED',
  'COST',
];

/** `product_type`: messages sent with the Cloud API or the Marketing Messages API. */
export type AnalyticsProductType = 'CLOUD_API' | 'MARKETING_MESSAGES_API_FOR_WHATSAPP' | (string & {});

/** Query of `insights.templateAnalytics`. */
export interface TemplateAnalyticsQuery extends CallOptions {
  /** Template ids; any number (sent in batches of 10, Meta's maximum per request). */
  templateIds: readonly string[];
  /** Start of the range (90-day lookback). */
  start: AnalyticsTime;
  /** End of the range. */
  end: AnalyticsTime;
  /** Metrics to return (default: every {@link TemplateMetricType}). */
  metricTypes?: readonly TemplateMetricType[];
  /** Only `DAILY` exists today (the default). */
  granularity?: 'DAILY';
  /** Cloud API or Marketing Messages API sends (Meta's default: both products' own default). */
  productType?: AnalyticsProductType;
  /** Day boundaries in the WABA's time zone instead of UTC. */
  useWabaTimezone?: boolean;
  /** Page size. */
  limit?: number;
}

/** One click count of template analytics, by button. */
export interface TemplateClickMetric {
  /** `url_button`, `unique_url_button` or `quick_reply_button`. */
  type: 'url_button' | 'unique_url_button' | 'quick_reply_button' | (string & {});
  /** The button's text. */
  button_content: string;
  /** Clicks on it. */
  count: number;
}

/** One cost figure of template analytics. */
export interface TemplateCostMetric {
  /** `amount_spent`, `cost_per_delivered` or `cost_per_url_button_click`. */
  type: 'amount_spent' | 'cost_per_delivered' | 'cost_per_url_button_click' | (string & {});
  /** In the WABA's currency. */
  value: number;
}

/** One data point of `template_analytics`: one template, one day. */
export interface TemplateAnalyticsDataPoint {
  /** Template id. */
  template_id: string;
  /** Day start, Unix seconds. */
  start: number;
  /** Day end, Unix seconds. */
  end: number;
  /** Messages sent. */
  sent?: number;
  /** Messages delivered. */
  delivered?: number;
  /** Messages read (accrues for 7 days after each send). */
  read?: number;
  /** Clicks by button (MARKETING and UTILITY templates only). */
  clicked?: TemplateClickMetric[];
  /** Costs (absent for WABAs on a partner's credit line). */
  cost?: TemplateCostMetric[];
  /** Copied from the enclosing group: `DAILY`. */
  granularity?: string;
  /** Copied from the enclosing group, e.g. `cloud_api`. */
  product_type?: string;
  /** Other metrics (MM API conversions such as `website_purchases`). */
  [key: string]: unknown;
}

/** One element of `template_analytics`' `data`: a product's data points. */
export interface TemplateAnalyticsGroup {
  /** `DAILY`. */
  granularity?: string;
  /** e.g. `cloud_api`. */
  product_type?: string;
  /** The data points. */
  data_points?: TemplateAnalyticsDataPoint[];
}

/** Granularity of pricing analytics. */
export type PricingGranularity = 'HALF_HOUR' | 'DAILY' | 'MONTHLY';
/** Dimensions pricing analytics can break down by. */
export type PricingDimension = 'COUNTRY' | 'PHONE' | 'PRICING_CATEGORY' | 'PRICING_TYPE' | 'TIER';
/** `pricing_types` filter values. */
export type PricingType = 'REGULAR' | 'FREE_CUSTOMER_SERVICE' | 'FREE_ENTRY_POINT' | (string & {});
/** `pricing_categories` filter values. */
export type PricingCategory =
  | 'MARKETING'
  | 'MARKETING_LITE'
  | 'UTILITY'
  | 'AUTHENTICATION'
  | 'AUTHENTICATION_INTERNATIONAL'
  | 'SERVICE'
  | 'REFERRAL_CONVERSION'
  | (string & {});

/** Query of `insights.pricingAnalytics`. */
export interface PricingAnalyticsQuery extends CallOptions {
  /** Start of the range (one-year lookback). */
  start: AnalyticsTime;
  /** End of the range. */
  end: AnalyticsTime;
  /** `HALF_HOUR`, `DAILY` or `MONTHLY`. */
  granularity: PricingGranularity;
  /** `COST`, `VOLUME` (Meta's default: both). */
  metricTypes?: readonly ('COST' | 'VOLUME')[];
  /** Break the figures down by these dimensions. */
  dimensions?: readonly PricingDimension[];
  /** Only these pricing types. */
  pricingTypes?: readonly PricingType[];
  /** Only these pricing categories. */
  pricingCategories?: readonly PricingCategory[];
  /** Only these recipient countries (ISO 3166 alpha-2). */
  countryCodes?: readonly string[];
  /** Only these business phone numbers (display numbers, digits). */
  phoneNumbers?: readonly string[];
}

/** A pricing tier parsed from Meta's `"LOWER:UPPER"` / `"LOWER:MAX"` string. */
export interface PricingTierRange {
  /** Lower bound of the tier's monthly volume, as Meta writes it. */
  lower: number;
  /** Upper bound, or `null` for the open-ended top tier (`MAX`). */
  upper: number | null;
}

/** One data point of `pricing_analytics`. Only the dimensions asked for are present. */
export interface PricingAnalyticsDataPoint {
  /** Period start, Unix seconds. */
  start: number;
  /** Period end, Unix seconds. */
  end: number;
  /** Recipient country (dimension `COUNTRY`). */
  country?: string;
  /** Business phone number (dimension `PHONE`). */
  phone_number?: string;
  /** e.g. `REGULAR` (dimension `PRICING_TYPE`). */
  pricing_type?: string;
  /** e.g. `UTILITY` (dimension `PRICING_CATEGORY`). */
  pricing_category?: string;
  /** Volume tier, `"LOWER:UPPER"` or `"LOWER:MAX"` (dimension `TIER`). */
  tier?: string;
  /** Messages (metric `VOLUME`). */
  volume?: number;
  /** Cost in the WABA's currency (metric `COST`). */
  cost?: number;
  /** `tier` parsed (added by wacloud when `tier` is present). */
  tierRange?: PricingTierRange;
  /** Any other field Meta adds. */
  [key: string]: unknown;
}

/** Granularity of messaging analytics. */
export type MessagingGranularity = 'HALF_HOUR' | 'DAY' | 'MONTH';

/** Query of `insights.messagingAnalytics`. */
export interface MessagingAnalyticsQuery extends CallOptions {
  /** Start of the range. */
  start: AnalyticsTime;
  /** End of the range. */
  end: AnalyticsTime;
  /** `HALF_HOUR`, `DAY` or `MONTH`. */
  granularity: MessagingGranularity;
  /** Only these business phone numbers (display numbers, digits). */
  phoneNumbers?: readonly string[];
  /** `0` business-initiated (notification), `2` user-initiated (customer support). */
  productTypes?: readonly (0 | 2)[];
  /** Only these recipient countries (ISO 3166 alpha-2). */
  countryCodes?: readonly string[];
}

/** One data point of messaging `analytics`. */
export interface MessagingAnalyticsDataPoint {
  /** Period start, Unix seconds. */
  start: number;
  /** Period end, Unix seconds. */
  end: number;
  /** Messages sent. */
  sent: number;
  /** Messages delivered. */
  delivered: number;
  /** Any other field Meta adds. */
  [key: string]: unknown;
}

/** Delivery status of a message history event (spec: `WhatsAppMessageDeliveryStatus`). */
export type MessageHistoryStatus = 'SENT' | 'DELIVERED' | 'READ' | 'FAILED' | 'DELETED' | (string & {});

/** Whether the event's webhook reached the app (spec: `WebhookUpdateState`). */
export type WebhookUpdateState = 'PENDING' | 'DELIVERED' | 'FAILED' | 'RETRYING' | (string & {});

/** One delivery status event of a message (spec: `MessageDeliveryStatusEvent`). */
export interface MessageDeliveryStatusEvent {
  /** Event id. */
  id: string;
  /** `SENT`, `DELIVERED`, `READ`, `FAILED` or `DELETED`. */
  delivery_status: MessageHistoryStatus;
  /** When it happened, Unix seconds. */
  timestamp: number;
  /** Whether its webhook was delivered. */
  webhook_update_state?: WebhookUpdateState;
  /** The app whose webhook it went to. */
  application?: { id?: string; name?: string };
  /** The webhook URL it went to. */
  webhook_uri?: string;
  /** Why delivery failed, when it did. */
  error_description?: string;
}

/** One message of `/{phone-number-id}/message_history` (spec: `WhatsAppMessageHistory`). */
export interface MessageHistoryEntry {
  /** History entry id (usable with `/{message-history-id}/events`). */
  id: string;
  /** The message's `wamid`. */
  message_id: string;
  /** Its delivery status events (first page, as Graph embeds it). */
  events?: { data?: MessageDeliveryStatusEvent[]; paging?: unknown };
  /** Any other field requested. */
  [key: string]: unknown;
}

/** Query of `insights.messageHistory`. */
export interface MessageHistoryQuery extends CallOptions {
  /** Only this message (`wamid`). */
  messageId?: string;
  /**
   * Fields to return (default: `id`, `message_id` and every field of `events`).
   */
  fields?: string;
  /** Page size, 1 to 100 (Meta's default 25). */
  limit?: number;
}

/** Fields `messageHistory` asks for by default: the entry and every event field. */
export const DEFAULT_MESSAGE_HISTORY_FIELDS =
  'id,message_id,events{id,delivery_status,webhook_update_state,timestamp,application,webhook_uri,error_description}';

/** One delivery status occurrence of `/{message-history-id}/events` (spec: `WhatsAppBusinessMessageDeliveryStatusOccurrence`). */
export interface MessageDeliveryStatusOccurrence {
  /** Occurrence id. */
  id: string;
  /** `SENT`, `DELIVERED`, `READ`, `FAILED`, ... */
  delivery_status: MessageHistoryStatus;
  /** When it happened, Unix seconds. */
  occurrence_timestamp: number;
  /** When Meta recorded it, Unix seconds. */
  status_timestamp?: number;
  /** Why delivery failed, when it did. */
  error_description?: string;
  /** The Meta app that processed it. */
  application?: { id?: string; name?: string };
}

/** One edge of `/{message-history-id}/events` (spec: `WhatsAppMessageHistoryEventsEdge`). */
export interface MessageHistoryEventEdge {
  /** This edge's paging cursor. */
  cursor?: string;
  /** The occurrence. */
  node: MessageDeliveryStatusOccurrence;
}

/** Query of `insights.messageHistoryEvents`. */
export interface MessageHistoryEventsQuery extends CallOptions {
  /** Only occurrences with this status (`status_filter`). */
  status?: 'SENT' | 'DELIVERED' | 'READ' | 'FAILED' | 'DELETED';
  /** Fields (default: every one). */
  fields?: string;
  /** Page size, 1 to 100. */
  limit?: number;
}

/** Fields `messageHistoryEvents` asks for by default: the cursor and every node field. */
export const DEFAULT_MESSAGE_HISTORY_EVENT_FIELDS =
  'cursor,node{id,delivery_status,error_description,occurrence_timestamp,status_timestamp,application}';
