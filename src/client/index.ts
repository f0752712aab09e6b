export {
  DEFAULT_API_VERSION,
  DEFAULT_BASE_URL,
  DEFAULT_MAX_MEDIA_BYTES,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  type WhatsAppClientOptions,
} from './config.js';
export type { Logger } from './logger.js';
export { type GraphPage, nextPagePath } from './pagination.js';
export { type InsightsResource, TEMPLATE_IDS_PER_REQUEST } from './resources/insights.js';
export {
  type AnalyticsProductType,
  type AnalyticsTime,
  DEFAULT_MESSAGE_HISTORY_EVENT_FIELDS,
  DEFAULT_MESSAGE_HISTORY_FIELDS,
  type MessageDeliveryStatusEvent,
  type MessageDeliveryStatusOccurrence,
  type MessageHistoryEntry,
  type MessageHistoryEventEdge,
  type MessageHistoryEventsQuery,
  type MessageHistoryQuery,
  type MessageHistoryStatus,
  type MessagingAnalyticsDataPoint,
  type MessagingAnalyticsQuery,
  type MessagingGranularity,
  type PricingAnalyticsDataPoint,
  type PricingAnalyticsQuery,
  type PricingCategory,
  type PricingDimension,
  type PricingGranularity,
  type PricingTierRange,
  type PricingType,
  TEMPLATE_METRIC_TYPES,
  type TemplateAnalyticsDataPoint,
  type TemplateAnalyticsGroup,
  type TemplateAnalyticsQuery,
  type TemplateClickMetric,
  type TemplateCostMetric,
  type TemplateMetricType,
  type WebhookUpdateState,
} from './resources/insights-types.js';
export type { MarketingProductPolicy, SendMarketingOptions } from './resources/marketing-messages.js';
export type {
  MediaCallOptions,
  MediaDownload,
  MediaInfo,
  MediaResource,
  MediaUploadInput,
  MediaUploadOptions,
} from './resources/media.js';
export {
  type MediaKind,
  type MediaLimit,
  mediaLimitFor,
  SUPPORTED_MEDIA_TYPES,
} from './resources/media-limits.js';
export type {
  MarkReadOptions,
  MessagesResource,
  SendableMessage,
  SendMessageResponse,
  SendMessageResult,
  SendMessageStatus,
} from './resources/messages.js';
export {
  DEFAULT_PHONE_NUMBER_FIELDS,
  type PhoneNumberInfo,
  type PhoneNumbersResource,
} from './resources/phone-numbers.js';
export {
  messagesToNextTier,
  parsePricingTier,
  type TierProgress,
  tierProgress,
} from './resources/pricing-tier.js';
export type {
  MessageTemplate,
  TemplateCreateBody,
  TemplateDeleteTarget,
  TemplateListFilter,
  TemplatesResource,
  TemplateUpdateBody,
} from './resources/templates.js';
export {
  type BackoffOptions,
  retryDelayMs,
  shouldRetry,
  TRANSIENT_GRAPH_CODES,
} from './retry.js';
export {
  capRetryAfter,
  DEFAULT_MAX_RETRY_AFTER_MS,
  MAX_TIMER_MS,
  parseRetryAfter,
  timerMs,
} from './retry-after.js';
export type { CallOptions, StreamedResponse } from './transport.js';
export { USER_AGENT } from './transport.js';
export { SDK_VERSION } from './version.js';
export {
  DEFAULT_WABA_READS_PER_HOUR,
  WABA_RATE_LIMIT_CODES,
  WabaReadBudget,
  type WabaReadBudgetInit,
  type WabaReadLimitOptions,
} from './waba-read-budget.js';
export { WhatsAppClient } from './whatsapp-client.js';
