import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError, ValidationError } from '../errors/index.js';
import type { EventStore } from '../metrics/event-store.js';
import type { ClickEvent } from '../metrics/stored-event.js';

/** Who a tracked link was sent to: a message (text bodies), or a campaign + recipient (template URL buttons). */
export type LinkTarget = { messageId: string } | { campaignId: string; recipientId: string };

/** What a valid token carries. */
export interface TrackedLink {
  /** Where the click redirects. */
  url: string;
  /** The message the link was in, when known. */
  messageId?: string;
  /** The campaign the link was in, when given instead of a message. */
  campaignId?: string;
  /** The recipient the link was sent to, when given instead of a message. */
  recipientId?: string;
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
  /** Clock for click times (default `() => new Date()`). */
  now?: () => Date;
}

/** A click tracker: signs links and serves the redirect. Create one with {@link createLinkTracker}. */
export interface LinkTracker {
  /** A tracked URL (`baseUrl/<token>`) for `url`, to put in a text body. Throws `ValidationError` for a non-http(s) url. */
  wrap(url: string, target: LinkTarget): string;
  /**
   * Just the token (the path suffix after `baseUrl/`), for a template's dynamic URL button whose URL is
   * `baseUrl/{{1}}`. Use `{ campaignId, recipientId }` there: the message id is not known before sending.
   */
  token(url: string, target: LinkTarget): string;
  /** Decodes a token if its signature is valid, else `null`. */
  verify(token: string): TrackedLink | null;
  /** Fetch handler: `GET baseUrl/<token>` → records a click and answers 302 to the signed URL; invalid → 404. */
  handler: (request: Request) => Promise<Response>;
}

const OPTION_KEYS = new Set(['secret', 'baseUrl', 'store', 'onClick', 'onError', 'isPreviewRequest', 'now']);
const MIN_SECRET_BYTES = 16;
const SIGNATURE_BYTES = 16;
const MAX_TOKEN_LENGTH = 4096;
const DOMAIN = 'wacloud-link-v1:';
const PREVIEW_AGENTS = /whatsapp\/|facebookexternalhit|facebot|facebookcatalog/i;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Not found, with no hint about why: an invalid token never redirects anywhere. */
function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/**
 * Creates a click tracker. Links carry a compact token: base64url JSON payload (url + message, or
 * campaign + recipient) and a truncated HMAC-SHA256 (128 bits), compared in constant time. The handler
 * redirects only to URLs the tracker signed, so it is no open redirect; unsigned or tampered tokens get
 * 404. The payload is signed, not encrypted: prefer `{ messageId }` over putting phone numbers in links.
 *
 * @example
 * ```ts
 * const tracker = createLinkTracker({ secret: process.env.LINK_SECRET!, baseUrl: 'https://t.example.com/c', store });
 * const body = `Spring sale: ${tracker.wrap('https://shop.example/sale', { messageId })}`;
 * // serve it: app.all('/c/*', toExpress(tracker.handler)) or export const GET = tracker.handler (Next)
 * ```
 */
export function createLinkTracker(options: LinkTrackerOptions): LinkTracker {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new ConfigError(`createLinkTracker: unknown option "${key}"`);
  }
  const { secret, store, onClick, onError } = options;
  const secretBytes =
    typeof secret === 'string'
      ? Buffer.byteLength(secret)
      : secret instanceof Uint8Array
        ? secret.byteLength
        : -1;
  if (secretBytes < MIN_SECRET_BYTES) {
    throw new ConfigError(`createLinkTracker: secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  if (typeof options.baseUrl !== 'string' || !isHttpUrl(options.baseUrl)) {
    throw new ConfigError('createLinkTracker: baseUrl must be an http(s) URL');
  }
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const isPreview =
    options.isPreviewRequest ??
    ((request: Request) => PREVIEW_AGENTS.test(request.headers.get('user-agent') ?? ''));
  const now = options.now ?? (() => new Date());

  const sign = (payload: string): Buffer =>
    createHmac('sha256', secret).update(DOMAIN).update(payload).digest().subarray(0, SIGNATURE_BYTES);

  const token = (url: string, target: LinkTarget): string => {
    if (typeof url !== 'string' || !isHttpUrl(url)) {
      throw new ValidationError(
        [{ path: 'url', message: 'must be an absolute http(s) URL' }],
        'tracked link',
      );
    }
    let body: Record<string, string>;
    if ('messageId' in target && typeof target.messageId === 'string' && target.messageId) {
      body = { u: url, m: target.messageId };
    } else if ('campaignId' in target && target.campaignId && target.recipientId) {
      body = { u: url, c: target.campaignId, r: target.recipientId };
    } else {
      throw new ValidationError(
        [{ path: 'target', message: 'needs { messageId } or { campaignId, recipientId }' }],
        'tracked link',
      );
    }
    const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
    return `${payload}.${sign(payload).toString('base64url')}`;
  };

  const verify = (value: string): TrackedLink | null => {
    if (typeof value !== 'string' || value.length > MAX_TOKEN_LENGTH) return null;
    const dot = value.indexOf('.');
    if (dot <= 0 || dot !== value.lastIndexOf('.')) return null;
    const payload = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1), 'base64url');
    const expected = sign(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (typeof body !== 'object' || body === null) return null;
    const { u, m, c, r } = body as Record<string, unknown>;
    if (typeof u !== 'string' || !isHttpUrl(u)) return null;
    const link: TrackedLink = { url: u };
    if (typeof m === 'string') link.messageId = m;
    if (typeof c === 'string') link.campaignId = c;
    if (typeof r === 'string') link.recipientId = r;
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
    let tokenValue: string;
    try {
      tokenValue = decodeURIComponent(rest);
    } catch {
      return notFound();
    }
    const link = verify(tokenValue);
    if (!link) return notFound();
    if (request.method === 'GET' && !isPreview(request)) {
      const click: ClickEvent = { kind: 'click', at: now(), url: link.url };
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
    return new Response(null, {
      status: 302,
      headers: { location: link.url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
    });
  };

  return {
    wrap: (url, target) => `${baseUrl}/${token(url, target)}`,
    token,
    verify,
    handler,
  };
}
