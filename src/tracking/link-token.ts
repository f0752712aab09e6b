import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a signed link token carries (short keys: the token ends up in a URL). */
export interface LinkTokenBody {
  /** Target URL. */
  u: string;
  /** Message id. */
  m?: string;
  /** Campaign id. */
  c?: string;
  /** Recipient id (a phone number, or its keyed hash). */
  r?: string;
  /** Issued at, in whole seconds since the Unix epoch. Absent in tokens made before wacloud signed it. */
  t?: number;
}

/** Signs and checks link tokens `<payload>.<signature>` with one secret. */
export interface LinkTokenCodec {
  /** The token for `body`. */
  encode(body: LinkTokenBody): string;
  /** The body of a token in canonical form whose signature is valid, else `null`. */
  decode(token: string): LinkTokenBody | null;
}

/** Longest token the redirect handler reads; `wrap` refuses URLs that would make a longer one. */
export const MAX_LINK_TOKEN_LENGTH = 4096;

const SIGNATURE_BYTES = 16;
const DOMAIN = 'wacloud-link-v1:';
const BASE64URL_CHARS = /^[A-Za-z0-9_-]+$/;

/**
 * Whether `text` is the one base64url spelling of its bytes: no padding, no `+` or `/`, no stray
 * characters, and zero unused bits in the last character (Node's decoder accepts all of those).
 */
function isCanonicalBase64url(text: string): boolean {
  return BASE64URL_CHARS.test(text) && Buffer.from(text, 'base64url').toString('base64url') === text;
}

function isBody(value: unknown): value is LinkTokenBody {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { u, m, c, r, t } = value as Record<string, unknown>;
  return (
    typeof u === 'string' &&
    (m === undefined || typeof m === 'string') &&
    (c === undefined || typeof c === 'string') &&
    (r === undefined || typeof r === 'string') &&
    (t === undefined || (Number.isSafeInteger(t) && (t as number) >= 0))
  );
}

/**
 * The token format: base64url JSON payload, `.`, and the first 128 bits of HMAC-SHA256 over a domain
 * tag and the payload text, compared in constant time. Only the canonical encoding of both parts is
 * accepted, so each link has exactly one valid spelling.
 */
export function createLinkTokenCodec(secret: string | Uint8Array): LinkTokenCodec {
  const sign = (payload: string): Buffer =>
    createHmac('sha256', secret).update(DOMAIN).update(payload).digest().subarray(0, SIGNATURE_BYTES);

  return {
    encode(body) {
      const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
      return `${payload}.${sign(payload).toString('base64url')}`;
    },
    decode(token) {
      if (typeof token !== 'string' || token.length > MAX_LINK_TOKEN_LENGTH) return null;
      const dot = token.indexOf('.');
      if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
      const payload = token.slice(0, dot);
      const signature = token.slice(dot + 1);
      if (!isCanonicalBase64url(payload) || !isCanonicalBase64url(signature)) return null;
      const given = Buffer.from(signature, 'base64url');
      const expected = sign(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return null;
      }
      return isBody(body) ? body : null;
    },
  };
}
