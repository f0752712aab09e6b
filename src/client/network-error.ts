import { ConfigError, NetworkError, TimeoutError, WhatsAppError } from '../errors/index.js';

// Failures that happen while resolving or connecting: nothing of the request was written yet.
const BEFORE_SEND_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Turns a low-level failure (undici or socket error) into a {@link NetworkError} or
 * {@link TimeoutError}. `requestStarted` is true once undici began writing the request on a
 * connected socket; before that the request cannot have reached the server. When it is unknown,
 * pass `undefined` and the error code decides.
 */
export function toNetworkError(
  error: unknown,
  requestStarted: boolean | undefined,
  what: string,
): WhatsAppError {
  if (error instanceof WhatsAppError) return error;
  const code = errorCode(error);
  if (code === 'UND_ERR_CLOSED' || code === 'UND_ERR_DESTROYED') {
    // Not a network failure: the client was closed, a usage mistake. Retrying cannot help.
    return new ConfigError(`The client is closed (${what}).`, { cause: error });
  }
  const beforeSend = code !== undefined && BEFORE_SEND_CODES.has(code);
  const requestMayHaveReachedServer = !beforeSend && requestStarted !== false;
  const detail = error instanceof Error ? error.message : String(error);
  const message = `${code ? `${code}: ` : ''}${detail} (${what})`;
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new TimeoutError(`Timed out: ${message}`, { cause: error, requestMayHaveReachedServer });
  }
  return new NetworkError(`Network error: ${message}`, { cause: error, requestMayHaveReachedServer });
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  // undici wraps socket errors; the useful code may sit on the cause.
  for (let depth = 0; depth < 3 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET' && code !== 'UND_ERR') return code;
    if (typeof code === 'string' && !(current as { cause?: unknown }).cause) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
