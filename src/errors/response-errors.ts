import { WhatsAppError } from './whatsapp-error.js';

/**
 * The server answered, but not with something the client can use: a 2xx whose body is not JSON, or
 * a body over the size limit. An HTTP answer came back, so the request did reach the server: for a
 * message send, Meta may have accepted the message, and the send queue reports it `unknown` (never
 * `failed`, which would free its idempotency key for a second send). Never retried by the client.
 */
export class InvalidResponseError extends WhatsAppError {
  /** HTTP status of the answer. */
  readonly status: number;
  /** Method and path of the request (no query string, no token). */
  readonly request: { method: string; path: string } | undefined;

  constructor(
    message: string,
    options: { status: number; request?: { method: string; path: string }; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.request = options.request;
  }

  /** Whether the answer was a 2xx: the request was accepted, only its answer is unusable. */
  get accepted(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, request: this.request };
  }
}

/**
 * The response body was larger than the client's limit (`maxResponseBytes` for Graph JSON answers,
 * `maxMediaBytes` for media downloads); the client stopped reading it and closed the request.
 */
export class ResponseTooLargeError extends InvalidResponseError {
  /** The limit that was passed, in bytes. */
  readonly limitBytes: number;

  constructor(options: { status: number; limitBytes: number; request?: { method: string; path: string } }) {
    const where = options.request ? ` (${options.request.method} ${options.request.path})` : '';
    super(
      `The response body is larger than the limit of ${options.limitBytes} bytes; the request was aborted${where}.`,
      options,
    );
    this.limitBytes = options.limitBytes;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), limitBytes: this.limitBytes };
  }
}
