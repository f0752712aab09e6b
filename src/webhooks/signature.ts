import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError, WebhookSignatureError } from '../errors/index.js';

const SIGNATURE_PREFIX = 'sha256=';
const OUTSIDE_PRINTABLE_ASCII = /[^\x00-\x7e]/g;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

/**
 * Checks the `X-Hub-Signature-256` header of a webhook POST: `sha256=` and the hex HMAC-SHA256 of the
 * exact raw body, keyed with your app secret, compared in constant time.
 *
 * For a body with characters outside 0x00–0x7E it also accepts the form Meta signs: the same text with
 * every such character written as a lowercase `\uXXXX` escape (UTF-16 code units).
 *
 * Returns `false` (never throws) for a missing, malformed, truncated or wrong-algorithm header.
 * Throws {@link WebhookSignatureError} when `rawBody` is not a string or bytes (an already-parsed body
 * can never verify), and {@link ConfigError} when `appSecret` is empty.
 */
export function verifyWebhookSignature(
  rawBody: string | Uint8Array,
  signatureHeader: string | null | undefined,
  appSecret: string,
): boolean {
  assertAppSecret(appSecret);
  const body = toBytes(rawBody);
  const expected = parseSignatureHeader(signatureHeader);
  if (!expected) return false;
  if (timingSafeEqual(hmac(body, appSecret), expected)) return true;
  if (!hasNonAscii(body)) return false;
  const escaped = utf8.encode(
    escapeUnicode(typeof rawBody === 'string' ? rawBody : utf8Decoder.decode(body)),
  );
  return timingSafeEqual(hmac(escaped, appSecret), expected);
}

/**
 * Computes the `X-Hub-Signature-256` header value (`sha256=<hex>`) Meta would send for `body`.
 * Meant for your own tests and tools; send exactly these bytes as the request body.
 */
export function signWebhookPayload(body: string | Uint8Array, appSecret: string): string {
  assertAppSecret(appSecret);
  return SIGNATURE_PREFIX + hmac(toBytes(body), appSecret).toString('hex');
}

/**
 * Writes every character outside 0x00–0x7E as a lowercase `\uXXXX` escape of its UTF-16 code units
 * (so an emoji becomes a surrogate pair), the form of a body that Meta signs.
 */
export function escapeUnicode(text: string): string {
  return text.replace(
    OUTSIDE_PRINTABLE_ASCII,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function parseSignatureHeader(header: unknown): Buffer | undefined {
  if (typeof header !== 'string') return undefined;
  const value = header.trim();
  if (value.length !== SIGNATURE_PREFIX.length + 64) return undefined;
  if (
    !value.startsWith(SIGNATURE_PREFIX) &&
    value.slice(0, SIGNATURE_PREFIX.length).toLowerCase() !== SIGNATURE_PREFIX
  ) {
    return undefined;
  }
  // Hex decoding stops at the first pair that is not hex: 32 bytes means all 64 characters were.
  const digest = Buffer.from(value.slice(SIGNATURE_PREFIX.length), 'hex');
  return digest.length === 32 ? digest : undefined;
}

function hmac(body: Uint8Array, appSecret: string): Buffer {
  return createHmac('sha256', appSecret).update(body).digest();
}

function hasNonAscii(body: Uint8Array): boolean {
  for (let i = 0; i < body.length; i++) if ((body[i] as number) > 0x7e) return true;
  return false;
}

function toBytes(body: unknown): Uint8Array {
  if (typeof body === 'string') return utf8.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new WebhookSignatureError(
    `Cannot verify a webhook body of type ${describe(body)}: the signature covers the exact raw bytes Meta sent. ` +
      'Pass the raw body (string or Buffer) read before any JSON body parser ran, e.g. mount the webhook ' +
      "route before express.json() or use express.raw({ type: 'application/json' }).",
  );
}

function assertAppSecret(appSecret: unknown): asserts appSecret is string {
  if (typeof appSecret !== 'string' || appSecret.length === 0) {
    throw new ConfigError('appSecret is required to verify webhook signatures (or set WHATSAPP_APP_SECRET)');
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object (an already-parsed body)' : typeof value;
}
