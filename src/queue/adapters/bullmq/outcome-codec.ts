import { createGraphApiError } from '../../../errors/graph-api-error.js';
import {
  AbortError,
  GraphApiError,
  type GraphErrorBody,
  InvalidResponseError,
  NetworkError,
  ResponseTooLargeError,
  TimeoutError,
  WhatsAppError,
} from '../../../errors/index.js';
import type { SendOutcome } from '../../outcome.js';

/** A {@link SendOutcome} as JSON, for a BullMQ job's return value. */
export interface EncodedOutcome extends Omit<SendOutcome, 'error'> {
  error?: {
    name: string;
    message: string;
    status?: number;
    raw?: GraphErrorBody;
    retryAfterMs?: number;
    requestMayHaveReachedServer?: boolean;
    /** HTTP status of an `InvalidResponseError`. */
    responseStatus?: number;
    /** Limit of a `ResponseTooLargeError`. */
    limitBytes?: number;
  };
}

/** Outcome to JSON (errors keep their Graph body; never secrets: errors are already redacted). */
export function encodeOutcome(outcome: SendOutcome): EncodedOutcome {
  const { error, ...rest } = outcome;
  if (!error) return rest;
  const encoded: EncodedOutcome['error'] = { name: error.name, message: error.message };
  if (error instanceof GraphApiError) {
    encoded.status = error.status;
    encoded.raw = error.raw ?? { code: error.code, message: error.message };
    if (error.retryAfterMs !== undefined) encoded.retryAfterMs = error.retryAfterMs;
  }
  if (error instanceof NetworkError) encoded.requestMayHaveReachedServer = error.requestMayHaveReachedServer;
  if (error instanceof InvalidResponseError) encoded.responseStatus = error.status;
  if (error instanceof ResponseTooLargeError) encoded.limitBytes = error.limitBytes;
  return { ...rest, error: encoded };
}

/** JSON back to an outcome with a typed error. */
export function decodeOutcome(encoded: EncodedOutcome): SendOutcome {
  const { error, ...rest } = encoded;
  if (!error) return rest;
  let decoded: WhatsAppError;
  if (error.status !== undefined) {
    decoded = createGraphApiError({
      status: error.status,
      body: { error: error.raw },
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    });
  } else if (error.responseStatus !== undefined) {
    decoded =
      error.limitBytes === undefined
        ? new InvalidResponseError(error.message, { status: error.responseStatus })
        : new ResponseTooLargeError({ status: error.responseStatus, limitBytes: error.limitBytes });
  } else if (error.requestMayHaveReachedServer !== undefined) {
    const Class =
      error.name === 'TimeoutError' ? TimeoutError : error.name === 'AbortError' ? AbortError : NetworkError;
    decoded = new Class(error.message, { requestMayHaveReachedServer: error.requestMayHaveReachedServer });
  } else {
    decoded = new WhatsAppError(error.message);
  }
  return { ...rest, error: decoded };
}
