import { type ErrorCategory, type ErrorInfo, errorInfo } from './error-codes.js';
import { redact } from './redact.js';
import { WhatsAppError } from './whatsapp-error.js';

/** The `error` object of a Graph API error response, as Meta sends it. */
export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_data?: { messaging_product?: string; details?: string } | string;
  fbtrace_id?: string;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
  [key: string]: unknown;
}

/** Everything the factory needs to build a {@link GraphApiError}. */
export interface GraphApiErrorInit {
  /** HTTP status of the response. */
  status: number;
  /** The `error` object of the response body (or undefined when the body was not a Graph error). */
  error?: GraphErrorBody;
  /** `Retry-After` in milliseconds, when the response carried one. */
  retryAfterMs?: number;
  /** HTTP method and path of the request (no query string, no token). */
  request?: { method: string; path: string };
}

/**
 * The Graph API answered with an error. Branch on `code` (Meta's advice), not on `status`:
 * throughput limits usually come back as HTTP 400.
 */
export class GraphApiError extends WhatsAppError {
  /** HTTP status of the response. */
  readonly status: number;
  /** Graph `error.code` (0 when the response carried no Graph error object). */
  readonly code: number;
  /** Graph `error.error_subcode`, when present (not returned from v16.0 on, but some examples still show it). */
  readonly subcode: number | undefined;
  /** Graph `error.type`, e.g. `OAuthException`. */
  readonly type: string | undefined;
  /** `error.error_data.details` (or `error_data` when Meta sent it as a plain string). */
  readonly details: string | undefined;
  /** Meta's trace id: quote it in support tickets. */
  readonly fbtraceId: string | undefined;
  /** Category of the code, from the error table. */
  readonly category: ErrorCategory;
  /** Whether an automatic retry can succeed (error table, `is_transient`, or a 5xx without a known code). */
  readonly retryable: boolean;
  /** The error-table row for `code`. */
  readonly info: ErrorInfo;
  /** `Retry-After` from the response, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** Method and path of the failed request (never the token). */
  readonly request: { method: string; path: string } | undefined;
  /** The raw Graph `error` object. */
  readonly raw: GraphErrorBody | undefined;

  constructor(init: GraphApiErrorInit) {
    const e = init.error ?? {};
    const hasCode = typeof e.code === 'number';
    const code = hasCode ? (e.code as number) : 0;
    // A response without a Graph error code is a bare HTTP failure, not code 0 (AuthException).
    const info: ErrorInfo = hasCode
      ? errorInfo(code)
      : {
          code: 0,
          title: `HTTP ${init.status}`,
          category: 'unknown',
          retryable: false,
          hint: 'No Graph error body.',
        };
    const rawDetails = typeof e.error_data === 'string' ? e.error_data : e.error_data?.details;
    const details = rawDetails === undefined ? undefined : redact(rawDetails);
    const base = e.message ?? `HTTP ${init.status}`;
    super(details && !base.includes(details) ? `${base}: ${details}` : base);
    this.status = init.status;
    this.code = code;
    this.subcode = typeof e.error_subcode === 'number' ? e.error_subcode : undefined;
    this.type = e.type;
    this.details = details;
    this.fbtraceId = e.fbtrace_id;
    this.info = info;
    this.category = info.category;
    this.retryable =
      info.category !== 'unknown' ? info.retryable : e.is_transient === true || init.status >= 500;
    this.retryAfterMs = init.retryAfterMs;
    this.request = init.request;
    this.raw = init.error;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      status: this.status,
      code: this.code,
      subcode: this.subcode,
      type: this.type,
      details: this.details,
      fbtraceId: this.fbtraceId,
      category: this.category,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      request: this.request,
    };
  }
}

/** Throughput (130429), pair-rate (131056), app (4) or WABA (80007) rate limit. */
export class RateLimitError extends GraphApiError {}
/** Expired or invalid token (0, 190) or a missing permission (3, 10, 200–299, 131005). */
export class AuthError extends GraphApiError {}
/** Template missing, paused, disabled, or parameters that do not match it (132xxx, 2388xxx). */
export class TemplateError extends GraphApiError {}
/** This recipient cannot get this message now: undeliverable, opted out, outside the 24 h window, per-user cap... */
export class RecipientError extends GraphApiError {}
/** The account or number is restricted by policy (368, 131031, 131048, 130497, 131063, 131064). */
export class PolicyError extends GraphApiError {}

const CLASS_BY_CATEGORY: Partial<Record<ErrorCategory, typeof GraphApiError>> = {
  rate_limit: RateLimitError,
  auth: AuthError,
  permission: AuthError,
  template: TemplateError,
  recipient: RecipientError,
  policy: PolicyError,
};

/**
 * The one factory for Graph errors: picks the subclass from the error table by `error.code`.
 * `body` is the parsed response body (any shape); a body without a Graph `error` object still
 * yields a `GraphApiError` carrying the HTTP status.
 */
export function createGraphApiError(
  init: Omit<GraphApiErrorInit, 'error'> & { body: unknown },
): GraphApiError {
  const error = extractGraphError(init.body);
  const args = { status: init.status, error, retryAfterMs: init.retryAfterMs, request: init.request };
  if (typeof error?.code !== 'number') return new GraphApiError(args);
  const Class = CLASS_BY_CATEGORY[errorInfo(error.code).category] ?? GraphApiError;
  return new Class(args);
}

function extractGraphError(body: unknown): GraphErrorBody | undefined {
  if (body && typeof body === 'object' && 'error' in body) {
    const error = (body as { error: unknown }).error;
    if (error && typeof error === 'object') return error as GraphErrorBody;
  }
  return undefined;
}
