/** Replacement text for any secret removed from a message, URL or header. */
export const REDACTED = '[REDACTED]';

const ACCESS_TOKEN_IN_URL = /([?&](?:access_token|appsecret_proof|client_secret)=)[^&#\s"']*/gi;
const BEARER = /(Bearer\s+)[A-Za-z0-9._\-~+/]+=*/g;

/**
 * Removes credentials from free text: `access_token=` (and `appsecret_proof=`, `client_secret=`) query
 * parameters and `Bearer` tokens, plus any extra literal secrets passed in.
 * Applied at every boundary where text can leave the SDK: error messages, `toJSON()`, log records.
 */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(ACCESS_TOKEN_IN_URL, `$1${REDACTED}`).replace(BEARER, `$1${REDACTED}`);
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** Returns a copy of `headers` with `Authorization` (and any cookie) replaced by {@link REDACTED}. */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    out[key] =
      lower === 'authorization' || lower === 'cookie' || lower === 'x-hub-signature-256'
        ? REDACTED
        : redact(Array.isArray(value) ? value.join(', ') : value);
  }
  return out;
}
