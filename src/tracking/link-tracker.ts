import { ValidationError } from '../errors/index.js';
import type { EventStore } from '../events/event-store.js';
import { hashRecipientId } from '../events/hash-recipients.js';
import type { ClickEvent, ConversionEvent } from '../events/stored-event.js';
import { assertKnownOptions, invalidOption, optionKeys } from '../schemas/validate-options.js';
import { createLinkTokenCodec, type LinkTokenBody, MAX_LINK_TOKEN_LENGTH } from './link-token.js';
import { type UtmParameters, withUtmParameters } from './utm.js';

/**
 * Who a tracked link was sent to: a message (text bodies), or a campaign + recipient (template URL
 * buttons); plus, optionally, UTM parameters for the destination (see {@link LinkUtmOptions}).
 */
export type LinkTarget = (
  | { messageId: string; campaignId?: string }
  | { campaignId: string; recipientId: string }
) &
  LinkUtmOptions;

/**
 * UTM parameters for a tracked link's destination, added before the link is signed. `utm: true` adds
 * `utm_source=whatsapp`, `utm_medium=message`, `utm_campaign=<campaignId>` and
 * `utm_content=<variant>` (each only when known); an object overrides any of them and may add
 * `term`. Parameters the URL already has are kept, never duplicated; the recipient is never a UTM value.
 */
export interface LinkUtmOptions {
  /** `true` for the default UTM parameters, or the values to use instead of the defaults. */
  utm?: true | UtmParameters;
  /** The A/B variant the link was sent in: the default `utm_content`. */
  variant?: string;
}

/** What a valid token carries. */
export interface TrackedLink {
  /** Where the click redirects. */
  url: string;
  /** The message the link was in, when known. */
  messageId?: string;
  /** The campaign the link was in, when given instead of a message. */
  campaignId?: string;
  /**
   * The recipient the link was sent to, when given instead of a message: the id as given, or its
   * keyed hash (`h.…`) with `recipientIdentity: 'hash'`.
   */
  recipientId?: string;
  /** When the token was made (second precision); absent in tokens made before wacloud recorded it. */
  issuedAt?: Date;
}

/** Options of {@link createLinkTracker}. */
export interface LinkTrackerOptions {
  /** HMAC secret for the tokens (at least 16 bytes). Rotating it breaks links already sent. */
  secret: string | Uint8Array;
  /** Public URL of the redirect handler, e.g. `https://t.example.com/c`; tokens are appended as a path segment. */
  baseUrl: string;
  /** Where clicks are recorded (a `click` StoredEvent per click). */
  store?: EventStore;
  /** Called with each recorded click (after the store append). */
  onClick?: (click: ClickEvent) => void | Promise<void>;
  /** Called when recording a click fails; the user is still redirected. */
  onError?: (error: unknown) => void;
  /** Which requests are link-preview fetches (recorded as no click). Default: WhatsApp's and Meta's crawlers. */
  isPreviewRequest?: (request: Request) => boolean;
  /** Clock for click times, token issue times and expiry (default `() => new Date()`). */
  now?: () => Date;
  /**
   * How long a link works after it was made. Older tokens get the same plain `404` as invalid ones
   * and record no click. Default: links never expire. Checked against the issued-at time signed
   * into every token (second precision).
   */
  maxAgeMs?: number;
  /**
   * Refuse tokens without an issued-at time (made by wacloud versions before it signed one); they
   * never expire otherwise. Default `false`, so links already sent keep working.
   */
  requireIssuedAt?: boolean;
  /**
   * What a `{ campaignId, recipientId }` token carries: `'plain'` (default) puts the recipient id in
   * the token, readable by anyone holding the link; `'hash'` puts its keyed hash
   * (`hashRecipientId(recipientId, recipientHashKey)`), so a leaked link does not reveal the phone
   * number. Clicks then carry the hash: metrics attribute them only if the store keeps the same
   * pseudonyms (`hashRecipients(store, { key: recipientHashKey })`).
   */
  recipientIdentity?: 'plain' | 'hash';
  /** HMAC key for `recipientIdentity: 'hash'` (at least 16 bytes): the key of your `hashRecipients` store. */
  recipientHashKey?: string | Uint8Array;
  /**
   * The query parameter in which Meta's link tracking (Marketing Messages API) passes its click id on
   * the opened URL; the redirect records it as the click's `clickId`, which ties Meta's `user_actions`
   * click webhook to this click's message, and passes it on to the destination (for Meta's pixel).
   * Default `'fbclid'`; `false` to ignore it.
   */
  clickIdParam?: string | false;
  /**
   * A query parameter in which the redirect passes the link's token on to the destination (e.g.
   * `'wa_token'`), so your shop can keep it and report a sale with {@link LinkTracker.conversion}.
   * Default: not passed on. The token is signed, not encrypted: a `{ campaignId, recipientId }` token
   * shows the recipient to whoever sees the URL unless `recipientIdentity` is `'hash'`.
   */
  tokenParam?: string;
}

/** What a conversion recorded through a link token carries besides what the token names. */
export interface LinkConversionFields {
  /** When it happened (default: the tracker's clock). */
  at?: Date;
  /** Its value (an order total). */
  value?: number;
  /** The value's currency. */
  currency?: string;
}

/** A click tracker: signs links and serves the redirect. Create one with {@link createLinkTracker}. */
export interface LinkTracker {
  /**
   * A tracked URL (`baseUrl/<token>`) for `url`, to put in a text body. Throws `ValidationError` for a
   * url the redirect could never serve: not absolute http(s), containing control characters (CR, LF,
   * NUL, tab...), or so long that the token would exceed the 4096 characters the handler reads.
   */
  wrap(url: string, target: LinkTarget): string;
  /**
   * Just the token (the path suffix after `baseUrl/`), for a template's dynamic URL button whose URL is
   * `baseUrl/{{1}}`. Use `{ campaignId, recipientId }` there: the message id is not known before sending.
   */
  token(url: string, target: LinkTarget): string;
  /** Decodes a token if it is canonical, its signature is valid and it has not expired, else `null`. */
  verify(token: string): TrackedLink | null;
  /** Fetch handler: `GET baseUrl/<token>` → records a click and answers 302 to the signed URL; invalid → 404. */
  handler: (request: Request) => Promise<Response>;
  /**
   * The `conversion` event for a sale that came through a tracked link (its token, passed on with
   * `tokenParam`), naming the link's message, or its campaign and recipient (then attributed like a
   * click on that link: with no attribution window); `null` when the token is not valid. Append it to
   * your store. See docs/metrics.md, "Attribution".
   */
  conversion(token: string, fields?: LinkConversionFields): ConversionEvent | null;
}

const OWNER = 'createLinkTracker';
const OPTION_KEYS = optionKeys<LinkTrackerOptions>()({
  secret: true,
  baseUrl: true,
  store: true,
  onClick: true,
  onError: true,
  isPreviewRequest: true,
  now: true,
  maxAgeMs: true,
  requireIssuedAt: true,
  recipientIdentity: true,
  recipientHashKey: true,
  clickIdParam: true,
  tokenParam: true,
});
const MIN_SECRET_BYTES = 16;
// C0 controls (CR, LF, NUL, tab...), DEL and C1 controls: no header, log line or browser takes them raw.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const PREVIEW_AGENTS = /whatsapp\/|facebookexternalhit|facebot|facebookcatalog/i;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function byteLength(key: unknown): number {
  return typeof key === 'string' ? Buffer.byteLength(key) : key instanceof Uint8Array ? key.byteLength : -1;
}

/** Why the redirect could never serve `url`, or `undefined` when it can. */
function unservableUrlProblem(url: unknown): string | undefined {
  if (typeof url !== 'string') return 'must be an absolute http(s) URL';
  const control = CONTROL_CHARACTER.exec(url);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `contains a control character (U+${code}) at index ${control.index}; CR, LF, NUL and other control characters cannot be redirected to`;
  }
  if (!isHttpUrl(url)) return 'must be an absolute http(s) URL';
  return undefined;
}

/** Meta's click id on the request URL, when it carries a usable one (printable, at most 512 characters). */
function clickIdOf(requestUrl: string, param: string): string | undefined {
  const value = new URL(requestUrl).searchParams.get(param);
  if (value === null || value.length === 0 || value.length > 512 || CONTROL_CHARACTER.test(value)) {
    return undefined;
  }
  return value;
}

/** The destination, with Meta's click id passed on (unless it already carries that parameter). */
function withClickId(url: string, param: string | false, clickId: string | undefined): string {
  const target = new URL(url);
  if (param !== false && clickId !== undefined && !target.searchParams.has(param)) {
    target.searchParams.append(param, clickId);
  }
  return target.href;
}

/** The destination with the link's token passed on in `param` (unless unset, or the URL carries it). */
function withToken(url: string, param: string | undefined, token: string): string {
  if (param === undefined) return url;
  const target = new URL(url);
  if (target.searchParams.has(param)) return url;
  target.searchParams.append(param, token);
  return target.href;
}

/** Not found, with no hint about why: an invalid token never redirects anywhere. */
function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/**
 * Creates a click tracker. Links carry a compact token: base64url JSON payload (url + message, or
 * campaign + recipient, and the issue time) and a truncated HMAC-SHA256 (128 bits), compared in
 * constant time; only the canonical base64url spelling is accepted. The handler redirects only to URLs
 * the tracker signed, so it is no open redirect; unsigned, tampered, non-canonical or expired
 * (`maxAgeMs`) tokens get 404. The payload is signed, not encrypted: prefer `{ messageId }`, or
 * `recipientIdentity: 'hash'`, over putting phone numbers in links.
 *
 * @example
 * ```ts
 * const tracker = createLinkTracker({ secret: process.env.LINK_SECRET!, baseUrl: 'https://t.example.com/c', store });
 * const body = `Spring sale: ${tracker.wrap('https://shop.example/sale', { messageId })}`;
 * // serve it: app.all('/c/*', toExpress(tracker.handler)) or export const GET = tracker.handler (Next)
 * ```
 */
export function createLinkTracker(options: LinkTrackerOptions): LinkTracker {
  assertKnownOptions(OWNER, options, OPTION_KEYS);
  const { secret, store, onClick, onError, maxAgeMs, requireIssuedAt = false } = options;
  if (byteLength(secret) < MIN_SECRET_BYTES) {
    throw invalidOption(OWNER, 'secret', `must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  if (typeof options.baseUrl !== 'string' || !isHttpUrl(options.baseUrl)) {
    throw invalidOption(OWNER, 'baseUrl', 'must be an http(s) URL');
  }
  if (
    maxAgeMs !== undefined &&
    !(typeof maxAgeMs === 'number' && Number.isFinite(maxAgeMs) && maxAgeMs > 0)
  ) {
    throw invalidOption(OWNER, 'maxAgeMs', 'must be a positive finite number of milliseconds');
  }
  if (typeof requireIssuedAt !== 'boolean') {
    throw invalidOption(OWNER, 'requireIssuedAt', 'must be a boolean');
  }
  const recipientIdentity = options.recipientIdentity ?? 'plain';
  if (recipientIdentity !== 'plain' && recipientIdentity !== 'hash') {
    throw invalidOption(OWNER, 'recipientIdentity', `must be 'plain' or 'hash'`);
  }
  const { recipientHashKey } = options;
  if (recipientIdentity === 'hash' && byteLength(recipientHashKey) < MIN_SECRET_BYTES) {
    throw invalidOption(
      OWNER,
      'recipientHashKey',
      `must be at least ${MIN_SECRET_BYTES} bytes with recipientIdentity 'hash'`,
    );
  }
  if (recipientIdentity === 'plain' && recipientHashKey !== undefined) {
    throw invalidOption(OWNER, 'recipientHashKey', `is only used with recipientIdentity: 'hash'`);
  }
  const { clickIdParam = 'fbclid' } = options;
  if (clickIdParam !== false && !(typeof clickIdParam === 'string' && clickIdParam.length > 0)) {
    throw invalidOption(OWNER, 'clickIdParam', 'must be a non-empty string or false');
  }
  const { tokenParam } = options;
  if (tokenParam !== undefined && !(typeof tokenParam === 'string' && tokenParam.length > 0)) {
    throw invalidOption(OWNER, 'tokenParam', 'must be a non-empty string');
  }
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const isPreview =
    options.isPreviewRequest ??
    ((request: Request) => PREVIEW_AGENTS.test(request.headers.get('user-agent') ?? ''));
  const now = options.now ?? (() => new Date());
  const codec = createLinkTokenCodec(secret);
  const recipientFor = (recipientId: string): string =>
    recipientIdentity === 'hash'
      ? hashRecipientId(recipientId, recipientHashKey as string | Uint8Array)
      : recipientId;

  const invalid = (path: string, message: string): ValidationError =>
    new ValidationError([{ path, message }], 'tracked link');

  const token = (url: string, target: LinkTarget): string => {
    const problem = unservableUrlProblem(url);
    if (problem) throw invalid('url', problem);
    if (target !== null && typeof target === 'object' && target.utm !== undefined) {
      const context: { campaignId?: string; variant?: string; recipientId?: string } = {};
      if (typeof target.campaignId === 'string') context.campaignId = target.campaignId;
      if (typeof target.variant === 'string') context.variant = target.variant;
      if ('recipientId' in target && typeof target.recipientId === 'string') {
        context.recipientId = target.recipientId;
      }
      url = withUtmParameters(url, target.utm, context);
    }
    const issuedAt = Math.floor(now().getTime() / 1000);
    let body: LinkTokenBody;
    if ('messageId' in target && typeof target.messageId === 'string' && target.messageId) {
      body = { u: url, m: target.messageId, t: issuedAt };
    } else if ('recipientId' in target && target.campaignId && target.recipientId) {
      body = { u: url, c: target.campaignId, r: recipientFor(target.recipientId), t: issuedAt };
    } else {
      throw invalid('target', 'needs { messageId } or { campaignId, recipientId }');
    }
    const value = codec.encode(body);
    if (value.length > MAX_LINK_TOKEN_LENGTH) {
      throw invalid(
        'url',
        `is too long: its token would be ${value.length} characters, over the ${MAX_LINK_TOKEN_LENGTH} the redirect handler reads`,
      );
    }
    return value;
  };

  const verify = (value: string): TrackedLink | null => {
    const body = codec.decode(value);
    if (!body || unservableUrlProblem(body.u)) return null;
    if (body.t === undefined) {
      if (requireIssuedAt) return null;
    } else if (maxAgeMs !== undefined && now().getTime() - body.t * 1000 > maxAgeMs) {
      return null;
    }
    const link: TrackedLink = { url: body.u };
    if (body.m !== undefined) link.messageId = body.m;
    if (body.c !== undefined) link.campaignId = body.c;
    if (body.r !== undefined) link.recipientId = body.r;
    if (body.t !== undefined) link.issuedAt = new Date(body.t * 1000);
    return link;
  };

  const handler = async (request: Request): Promise<Response> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, HEAD' } });
    }
    const path = new URL(request.url).pathname;
    const rest = path.startsWith(`${basePath}/`)
      ? path.slice(basePath.length + 1)
      : path.slice(path.lastIndexOf('/') + 1);
    // Longer than any token: not worth decoding.
    if (rest.length > 3 * MAX_LINK_TOKEN_LENGTH) return notFound();
    let tokenValue: string;
    try {
      tokenValue = decodeURIComponent(rest);
    } catch {
      return notFound();
    }
    const link = verify(tokenValue);
    if (!link) return notFound();
    const clickId = clickIdParam === false ? undefined : clickIdOf(request.url, clickIdParam);
    if (request.method === 'GET' && !isPreview(request)) {
      const click: ClickEvent = { kind: 'click', at: now(), url: link.url };
      if (clickId !== undefined) click.clickId = clickId;
      if (link.messageId !== undefined) click.messageId = link.messageId;
      if (link.campaignId !== undefined) click.campaignId = link.campaignId;
      if (link.recipientId !== undefined) click.recipientId = link.recipientId;
      try {
        await store?.append([click]);
        await onClick?.(click);
      } catch (error) {
        onError?.(error);
      }
    }
    // The serialized URL is ASCII (percent-encoded, punycode host): every server can write it as a header.
    return new Response(null, {
      status: 302,
      headers: {
        location: withToken(withClickId(link.url, clickIdParam, clickId), tokenParam, tokenValue),
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      },
    });
  };

  const conversion = (tokenValue: string, fields: LinkConversionFields = {}): ConversionEvent | null => {
    const link = verify(tokenValue);
    if (!link) return null;
    const event: ConversionEvent = { kind: 'conversion', at: fields.at ?? now(), token: tokenValue };
    if (link.messageId !== undefined) event.messageId = link.messageId;
    if (link.campaignId !== undefined) event.campaignId = link.campaignId;
    if (link.recipientId !== undefined) event.recipientId = link.recipientId;
    if (fields.value !== undefined) event.value = fields.value;
    if (fields.currency !== undefined) event.currency = fields.currency;
    return event;
  };

  return {
    wrap: (url, target) => `${baseUrl}/${token(url, target)}`,
    token,
    verify,
    handler,
    conversion,
  };
}
