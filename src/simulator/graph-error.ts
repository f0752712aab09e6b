import { errorInfo } from '../errors/index.js';

// Meta's own titles and details for the codes the simulator produces (cloud-api-notes §3 and the error-code page).
const TITLES: Record<number, string> = {
  100: 'Invalid parameter',
  131000: 'Something went wrong',
  131008: 'Required parameter is missing',
  131009: 'Parameter value is not valid',
  130429: 'Rate limit hit',
  131026: 'Message undeliverable',
  131047: 'Re-engagement message',
  131049: 'This message was not delivered to maintain healthy ecosystem engagement.',
  131050:
    'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  131057: 'Account in maintenance mode',
  132000: 'Number of parameters does not match the expected number of params',
  132001: 'Template name does not exist in the translation',
  132015: 'Template is Paused',
  132016: 'Template is disabled',
};

const DETAILS: Record<number, string> = {
  130429: 'Cloud API message throughput has been reached.',
  131026: 'Message Undeliverable.',
  131047:
    'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  131049: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  131050:
    'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
  131056:
    'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
  131057:
    'Business Account is in maintenance mode. One reason for this could be that the account is undergoing a throughput upgrade.',
};

/** Meta's title for a code (falls back to wacloud's error table). */
export function errorTitle(code: number): string {
  return TITLES[code] ?? errorInfo(code).title;
}

/** Everything needed to render one Graph error response. */
export interface SimulatedErrorInit {
  /** Override of `error.details`. */
  details?: string;
  /** HTTP status; 400 unless given (401 for 190). */
  status?: number;
  error_subcode?: number;
  /** Override of the whole `error.message`. */
  message?: string;
  /** `error.type`; default `OAuthException`. */
  type?: string;
  /** Omit `error_data` (generic Graph errors such as 190 carry none). */
  noErrorData?: boolean;
  /** Extra fields of the error object, e.g. `error_user_title`. */
  extra?: Record<string, unknown>;
}

/**
 * A request the simulator refuses, thrown inside a handler and rendered by the server exactly as
 * the Graph API renders its errors.
 */
export class SimulatedGraphError extends Error {
  /** Graph `error.code`. */
  readonly code: number;
  /** HTTP status of the response. */
  readonly status: number;
  /** How to render the error body. */
  readonly init: SimulatedErrorInit;

  constructor(code: number, init: SimulatedErrorInit = {}) {
    super(init.message ?? `(#${code}) ${errorTitle(code)}`);
    this.name = 'SimulatedGraphError';
    this.code = code;
    this.status = init.status ?? (code === 190 ? 401 : 400);
    this.init = init;
  }

  /** The response body: `{"error": {message, type, code, error_data, fbtrace_id}}`. */
  toBody(fbtraceId: string): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = {
      message: this.message,
      type: this.init.type ?? 'OAuthException',
      code: this.code,
    };
    if (this.init.error_subcode !== undefined) error.error_subcode = this.init.error_subcode;
    if (!this.init.noErrorData) {
      error.error_data = {
        messaging_product: 'whatsapp',
        details: this.init.details ?? DETAILS[this.code] ?? errorTitle(this.code),
      };
    }
    Object.assign(error, this.init.extra);
    error.fbtrace_id = fbtraceId;
    return { error };
  }
}

/** The error object Meta puts in `statuses[].errors[]` of a `failed` status webhook. */
export function webhookErrorObject(code: number): Record<string, unknown> {
  const title = errorTitle(code);
  return {
    code,
    title,
    message: title,
    error_data: { details: DETAILS[code] ?? title },
    href: '/documentation/business-messaging/whatsapp/support/error-codes',
  };
}

/** 190: the token is missing or not one the simulator accepts. */
export function invalidTokenError(): SimulatedGraphError {
  return new SimulatedGraphError(190, {
    message: 'Invalid OAuth access token - Cannot parse access token',
    noErrorData: true,
  });
}

/** 100/33: the id in the path names nothing the simulator knows, or the method is not supported on it. */
export function unknownObjectError(method: string, id: string): SimulatedGraphError {
  return new SimulatedGraphError(100, {
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    type: 'GraphMethodException',
    error_subcode: 33,
    noErrorData: true,
  });
}

/** 100 "The parameter X is required." */
export function missingParameterError(name: string): SimulatedGraphError {
  return new SimulatedGraphError(100, { message: `(#100) The parameter ${name} is required.` });
}
