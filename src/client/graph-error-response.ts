import { createGraphApiError } from '../errors/graph-api-error.js';
import type { GraphApiError } from '../errors/index.js';
import { parseRetryAfter } from './retry-after.js';

/** A non-2xx Graph answer as the transport read it. */
export interface GraphErrorResponse {
  /** HTTP status. */
  status: number;
  /** The body as text (empty when it could not be read). */
  text: string;
  /** The `Retry-After` header, as undici gives it (the first value counts when repeated). */
  retryAfter: string | readonly string[] | undefined;
  /** Method and path of the request (no query string, no token). */
  request: { method: string; path: string };
  /** Removes secrets (the access token) from the body before it becomes part of an error. */
  scrub: (text: string) => string;
}

/**
 * The one mapping from a non-2xx Graph answer to a typed `GraphApiError`, for every transport path
 * (JSON calls and media downloads): the body is scrubbed of the token first, parsed as JSON when it
 * is JSON (else kept as text, which yields a code-less `GraphApiError` with the HTTP status), and
 * `Retry-After` is read in the two RFC 9110 forms only.
 */
export function graphErrorFromResponse(response: GraphErrorResponse): GraphApiError {
  const text = response.scrub(response.text);
  let body: unknown = text;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {}
  }
  const retryAfter = response.retryAfter;
  return createGraphApiError({
    status: response.status,
    body,
    retryAfterMs: parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : retryAfter?.[0]),
    request: response.request,
  });
}
