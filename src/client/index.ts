/** The Cloud API client and the types of its resources (public: every name here is exported from the root). */

export type { WhatsAppClientOptions } from './config.js';
export type { Logger } from './logger.js';
export type { InsightsResource } from './resources/insights.js';
export type {
  AnalyticsProductType,
  AnalyticsTime,
  MessageDeliveryStatusEvent,
  MessageDeliveryStatusOccurrence,
  MessageHistoryEntry,
  MessageHistoryEventEdge,
  MessageHistoryEventsQuery,
  MessageHistoryQuery,
  MessageHistoryStatus,
  MessagingAnalyticsDataPoint,
  MessagingAnalyticsQuery,
  MessagingGranularity,
  PricingAnalyticsDataPoint,
  PricingAnalyticsQuery,
  PricingCategory,
  PricingDimension,
  PricingGranularity,
  PricingTierRange,
  PricingType,
  TemplateAnalyticsDataPoint,
  TemplateAnalyticsGroup,
  TemplateAnalyticsQuery,
  TemplateClickMetric,
  TemplateCostMetric,
  TemplateMetricType,
  WebhookUpdateState,
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
export type {
  MarkReadOptions,
  MessagesResource,
  SendableMessage,
  SendMessageResponse,
  SendMessageResult,
  SendMessageStatus,
} from './resources/messages.js';
export type { PhoneNumberInfo, PhoneNumbersResource } from './resources/phone-numbers.js';
export {
  messagesToNextTier,
  parsePricingTier,
  type TierProgress,
  tierProgress,
} from './resources/pricing-tier.js';
export type {
  TemplateCreateBody,
  TemplateDeleteTarget,
  TemplateInfo,
  TemplateListFilter,
  TemplatesResource,
  TemplateUpdateBody,
} from './resources/templates.js';
export type { CallOptions, StreamedResponse } from './transport.js';
export { SDK_VERSION } from './version.js';
export type { WabaReadLimitOptions } from './waba-read-budget.js';
export { WhatsAppClient } from './whatsapp-client.js';
