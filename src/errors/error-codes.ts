/**
 * What kind of problem a Graph error code reports. `GraphApiError` subclasses follow it:
 * `rate_limit` → RateLimitError, `auth`/`permission` → AuthError, `template` → TemplateError,
 * `recipient` → RecipientError, `policy` → PolicyError.
 */
export type ErrorCategory =
  | 'auth'
  | 'permission'
  | 'rate_limit'
  | 'transient'
  | 'invalid_request'
  | 'recipient'
  | 'template'
  | 'policy'
  | 'payment'
  | 'media'
  | 'registration'
  | 'flow'
  | 'unknown';

/**
 * Who must wait before the failed send is tried again:
 * `number` — the whole sending phone number (throughput, app or WABA limits);
 * `recipient` — only this recipient (pair rate, per-user caps); `request` — just this request.
 */
export type BackoffScope = 'number' | 'recipient' | 'request';

/** One row of the Cloud API error-code table. */
export interface ErrorInfo {
  /** Graph `error.code`. */
  code: number;
  /** Meta's title (or a short description) of the code. */
  title: string;
  /** What kind of problem this is. */
  category: ErrorCategory;
  /** Whether an automatic retry of the same request, after `minDelayMs`, can succeed. */
  retryable: boolean;
  /** Who backs off when retrying (present when `retryable`, and for codes with a long wait). */
  scope?: BackoffScope;
  /** Shortest sensible wait before a retry, in milliseconds. */
  minDelayMs?: number;
  /** What to do about it, in a sentence. */
  hint: string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

type Row = [
  code: number,
  title: string,
  category: ErrorCategory,
  hint: string,
  retry?: Pick<ErrorInfo, 'scope' | 'minDelayMs'> & { retryable?: boolean },
];

// Source: ../shared/reference/cloud-api-notes.md §3.2 (Meta's error-code reference, retry advice derived).
const ROWS: Row[] = [
  [
    0,
    'AuthException',
    'auth',
    'The token expired, was invalidated, or app access is blocked; get a new token.',
  ],
  [
    1,
    'Invalid request or possible server error',
    'transient',
    'Retry with backoff; if it persists, check the request and Meta status.',
    { retryable: true, scope: 'request', minDelayMs: SECOND },
  ],
  [
    2,
    'Temporary service downtime or overload',
    'transient',
    'Retry with backoff from seconds to minutes.',
    { retryable: true, scope: 'request', minDelayMs: SECOND },
  ],
  [
    3,
    'Capability or permissions issue',
    'permission',
    'The app lacks the capability or permission for this call.',
  ],
  [
    4,
    'Application API call rate limit reached',
    'rate_limit',
    'Wait until the rolling-hour usage drops (see X-App-Usage).',
    { retryable: true, scope: 'number', minDelayMs: MINUTE },
  ],
  [
    10,
    'Permission denied or not granted',
    'permission',
    'Grant the permission (whatsapp_business_messaging / _management) or check eligibility.',
  ],
  [33, 'Business phone number deleted', 'registration', 'The phone number ID no longer exists.'],
  [
    100,
    'Invalid parameter',
    'invalid_request',
    'A parameter is invalid or misspelled (also a bad template name/language or a length limit).',
  ],
  [190, 'Access token expired', 'auth', 'Refresh the access token.'],
  [200, 'Permission error', 'permission', 'Permission not granted or removed (or no token on this call).'],
  [
    368,
    'Temporarily blocked for policy violations',
    'policy',
    'The WABA is restricted or disabled; wait for the enforcement to end or appeal.',
  ],
  [
    80007,
    'WhatsApp Business Account rate limit reached',
    'rate_limit',
    'Retry in the next hourly window.',
    { retryable: true, scope: 'number', minDelayMs: MINUTE },
  ],
  [
    130403,
    'Recipient blocked by the business',
    'recipient',
    'The business blocked this user; unblock first.',
  ],
  [
    130429,
    'Rate limit hit (throughput)',
    'rate_limit',
    'Cloud API throughput was reached; retry within seconds with backoff and jitter.',
    { retryable: true, scope: 'number', minDelayMs: SECOND },
  ],
  [
    130472,
    "User's number is part of an experiment",
    'recipient',
    'The user is in a marketing-message experiment hold-out; do not retry.',
  ],
  [
    130497,
    'Business account is restricted from messaging users in this country',
    'policy',
    'The WABA may not message users in that country.',
  ],
  [
    131000,
    'Something went wrong',
    'transient',
    'Unknown error: retry a few times, then open a support ticket.',
    { retryable: true, scope: 'request', minDelayMs: SECOND },
  ],
  [131005, 'Access denied', 'permission', 'Permission not granted or removed.'],
  [131008, 'Required parameter is missing', 'invalid_request', 'Add the missing parameter.'],
  [
    131009,
    'Parameter value is not valid',
    'invalid_request',
    'Fix the value (also: the target message is older than 30 days, deleted or unknown).',
  ],
  [
    131016,
    'Service unavailable',
    'transient',
    'The service is temporarily unavailable; retry with backoff.',
    { retryable: true, scope: 'request', minDelayMs: SECOND },
  ],
  [131021, 'Recipient cannot be sender', 'recipient', 'The sender and recipient are the same number.'],
  [
    131026,
    'Message undeliverable',
    'recipient',
    'Not a WhatsApp number, terms not accepted, or an old client; do not retry now.',
  ],
  [
    131030,
    'Recipient phone number not in allowed list',
    'recipient',
    'Add the number to the test allowed list.',
  ],
  [131031, 'Account has been locked', 'policy', 'The account is locked (policy, or a wrong two-step PIN).'],
  [
    131037,
    'WhatsApp provided number needs display name approval',
    'registration',
    'Get the display name approved.',
  ],
  [
    131042,
    'Business eligibility payment issue',
    'payment',
    'Fix billing: credit line, currency, timezone or a pending MessagingFor request.',
  ],
  [131044, 'Payment issue', 'payment', 'Fix the payment method.'],
  [131045, 'Incorrect certificate', 'registration', 'Register the phone number.'],
  [
    131047,
    'Re-engagement message',
    'recipient',
    'More than 24 hours since the user last wrote: send a template instead.',
  ],
  [
    131048,
    'Spam rate limit hit',
    'policy',
    'Too many messages were blocked or flagged; wait hours and improve quality.',
  ],
  [
    131049,
    'Message not delivered to maintain healthy ecosystem engagement',
    'recipient',
    'Per-user marketing cap: do not retry within 24 hours.',
    { retryable: false, scope: 'recipient', minDelayMs: 24 * HOUR },
  ],
  [
    131050,
    'User has stopped marketing messages',
    'recipient',
    'The user opted out of your marketing messages: suppress until they resume.',
  ],
  [131051, 'Unsupported message type', 'invalid_request', 'This message type is not supported.'],
  [131052, 'Media download error', 'media', "The user's media could not be downloaded (e.g. over 100 MB)."],
  [131053, 'Media upload error', 'media', 'The media could not be uploaded; usually a MIME type mismatch.'],
  [
    131055,
    'Method not allowed',
    'template',
    'Marketing Messages API accepts only marketing templates: send this one with messages.send.',
  ],
  [
    131056,
    'Pair rate limit hit',
    'rate_limit',
    'Too many messages to this recipient: back off 4^X seconds for this recipient only.',
    { retryable: true, scope: 'recipient', minDelayMs: 6 * SECOND },
  ],
  [
    131057,
    'Account in maintenance mode',
    'transient',
    'E.g. a throughput upgrade in progress; retry after about a minute.',
    { retryable: true, scope: 'number', minDelayMs: MINUTE },
  ],
  [
    131062,
    'Business-scoped user ID recipients not supported',
    'recipient',
    'Send to the phone number instead of the BSUID.',
  ],
  [
    131063,
    'Marketing templates disabled on Cloud API',
    'policy',
    'Use the Marketing Messages API for marketing templates.',
  ],
  [
    131064,
    'Messaging limit reached because of template misclassification',
    'policy',
    'Wait for the enforcement period to end.',
    { retryable: false, scope: 'number', minDelayMs: 24 * HOUR },
  ],
  [
    132000,
    'Template parameter count mismatch',
    'template',
    'Send exactly the parameters the template defines.',
  ],
  [
    132001,
    'Template does not exist',
    'template',
    'The template is missing in that language or not approved yet.',
  ],
  [132005, 'Template hydrated text too long', 'template', 'The translated text with parameters is too long.'],
  [132007, 'Template format character policy violated', 'template', 'The template content violates policy.'],
  [132008, 'Template parameter value is invalid', 'template', 'Fix the parameter value.'],
  [
    132012,
    'Template parameter format mismatch',
    'template',
    'Match the parameter format the template defines.',
  ],
  [
    132015,
    'Template is paused',
    'template',
    'Paused for low quality, or a message held by template pacing was dropped; wait for REINSTATED.',
  ],
  [132016, 'Template is disabled', 'template', 'Permanently disabled; create a new template.'],
  [
    132018,
    'Template parameter validation error',
    'template',
    'A template parameter failed validation (v23+).',
  ],
  [132068, 'Flow is in blocked state', 'flow', 'The flow is blocked.'],
  [
    132069,
    'Flow is in throttled state',
    'flow',
    '10 messages with this flow were sent in the last hour; retry after the window.',
    { retryable: false, scope: 'request', minDelayMs: HOUR },
  ],
  [
    133000,
    'Incomplete deregistration',
    'registration',
    'A previous deregistration failed; deregister again.',
  ],
  [
    133004,
    'Server temporarily unavailable',
    'transient',
    'Registration service unavailable; retry (see details).',
    { retryable: true, scope: 'request', minDelayMs: 5 * SECOND },
  ],
  [133005, 'Two-step verification PIN mismatch', 'registration', 'The PIN is incorrect.'],
  [133006, 'Phone number re-verification needed', 'registration', 'Verify the number before registering.'],
  [
    133008,
    'Too many two-step verification PIN guesses',
    'registration',
    'Retry after the time given in details.',
  ],
  [133009, 'Two-step verification PIN guessed too fast', 'registration', 'Pause, then retry.'],
  [133010, 'Phone number not registered', 'registration', 'Register the phone number.'],
  [
    133015,
    'Please wait a few minutes before attempting to register this phone number',
    'registration',
    'Recent deletion still pending; retry after 5 minutes.',
  ],
  [
    133016,
    'Account register/deregister rate limit exceeded',
    'registration',
    'Too many attempts; retry once unblocked.',
  ],
  [134011, 'WhatsApp Payments terms not accepted', 'payment', 'Accept the WhatsApp Payments terms.'],
  [
    134100,
    'Only marketing templates supported',
    'template',
    'Marketing Messages API accepts only marketing templates: send this one with messages.send.',
  ],
  [
    134101,
    'Template still syncing',
    'template',
    'Wait about 10 minutes for the template to sync.',
    { retryable: true, scope: 'request', minDelayMs: 10 * MINUTE },
  ],
  [
    134102,
    'Template unavailable',
    'template',
    'The template is not available on the Marketing Messages API.',
  ],
  [135000, 'Generic user error', 'invalid_request', 'Unknown error with the request parameters.'],
  [137000, 'Identity key hash mismatch', 'recipient', 'Resend without the identity key hash.'],
  [139000, 'Flow integrity error', 'flow', 'Fix the flow.'],
  [139001, 'Flow update error', 'flow', 'Fix the flow.'],
  [139002, 'Flow publish error', 'flow', 'Fix the flow.'],
  [139003, 'Flow deprecate error', 'flow', 'Fix the flow.'],
  [139004, 'Flow delete error', 'flow', 'Fix the flow.'],
  [139100, 'Bulk block failed', 'invalid_request', 'Some users could not be blocked.'],
  [139101, 'Block list limit reached', 'invalid_request', 'The block list holds at most 64k users.'],
  [139102, 'Concurrent block list update', 'invalid_request', 'Another update is in progress.'],
  [
    139103,
    'Internal block list error',
    'transient',
    'Retry.',
    { retryable: true, scope: 'request', minDelayMs: SECOND },
  ],
  [
    2494100,
    'Maintenance',
    'transient',
    'Retry in a few minutes.',
    { retryable: true, scope: 'request', minDelayMs: MINUTE },
  ],
];

const TABLE: ReadonlyMap<number, ErrorInfo> = new Map(
  ROWS.map(([code, title, category, hint, retry]) => [
    code,
    Object.freeze({ code, title, category, hint, retryable: retry?.retryable ?? false, ...retry }),
  ]),
);

/** Every known error-code row, in code order (used for the generated error-code reference). */
export function allErrorInfo(): ErrorInfo[] {
  return [...TABLE.values()];
}

/**
 * The error-code table row for a Graph `error.code`. Codes 200–299 map to the permission row and
 * template-creation codes 2388xxx to a template row; any other unknown code gets an `unknown`,
 * non-retryable row, so callers can always branch on the result.
 */
export function errorInfo(code: number): ErrorInfo {
  const row = TABLE.get(code);
  if (row) return row;
  if (code > 200 && code < 300) return { ...TABLE.get(200)!, code };
  if (code >= 2388000 && code < 2389000) {
    return {
      code,
      title: 'Template creation error',
      category: 'template',
      retryable: false,
      hint: 'See the error details; fix the template definition.',
    };
  }
  return {
    code,
    title: 'Unknown error code',
    category: 'unknown',
    retryable: false,
    hint: 'Not in the wacloud error table; see the error details.',
  };
}
