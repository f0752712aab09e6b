/** Typed errors and the Cloud API error-code table (public: every name here is exported from the root). */

export {
  allErrorInfo,
  type BackoffScope,
  type ErrorCategory,
  type ErrorInfo,
  errorInfo,
} from './error-codes.js';
export {
  AuthError,
  GraphApiError,
  type GraphApiErrorInit,
  type GraphErrorBody,
  PolicyError,
  RateLimitError,
  RecipientError,
  TemplateError,
} from './graph-api-error.js';
export { ReadBudgetExhaustedError } from './read-budget-error.js';
export { InvalidResponseError, ResponseTooLargeError } from './response-errors.js';
export {
  AbortError,
  ConfigError,
  NetworkError,
  TimeoutError,
  ValidationError,
  type ValidationIssue,
  WebhookPayloadError,
  WebhookSignatureError,
  WhatsAppError,
} from './whatsapp-error.js';
