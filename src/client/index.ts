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
export { WhatsAppClient } from './whatsapp-client.js';
