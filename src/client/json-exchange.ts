import type { Dispatcher } from 'undici';
import { AbortError, InvalidResponseError, ResponseTooLargeError, TimeoutError } from '../errors/index.js';
import { graphErrorFromResponse } from './graph-error-response.js';
import { toNetworkError } from './network-error.js';

/** One request/response exchange with a JSON answer, as the transport hands it to undici. */
export interface JsonExchangeInit {
  /** The dispatcher to run it on. */
  dispatcher: Dispatcher;
  /** Dispatch options (origin, path, method, headers, body). */
  options: Dispatcher.DispatchOptions;
  /** Method and path without query, for errors. */
  request: { method: string; path: string };
  /** Attempt deadline in milliseconds. */
  timeoutMs: number;
  /** Largest body read; past it the request is aborted with `ResponseTooLargeError`. */
  maxResponseBytes: number;
  /** Caller's abort signal. */
  signal: AbortSignal | undefined;
  /** Removes secrets from an error response body before it becomes an error. */
  scrub: (text: string) => string;
}

/** What a successful exchange yields. */
export interface JsonExchangeResult {
  /** HTTP status (2xx). */
  status: number;
  /** Parsed JSON body (`{}` for an empty body). */
  body: unknown;
}

/**
 * Runs one exchange on `dispatcher.dispatch` with a handler that buffers the body and parses JSON
 * (leaner than `undici.request`, which builds a stream per response), and knows exactly whether
 * the request started to be written: undici calls `onRequestStart` right before writing on a
 * connected socket, so a failure before it cannot have reached the server.
 * Rejects with `GraphApiError` (non-2xx), `InvalidResponseError` (a 2xx that is not JSON),
 * `ResponseTooLargeError` (body over `maxResponseBytes`), `TimeoutError` (our deadline), `AbortError`
 * (the caller's signal) or `NetworkError`.
 */
export function runJsonExchange(init: JsonExchangeInit): Promise<JsonExchangeResult> {
  return new Promise((resolve, reject) => {
    if (init.signal?.aborted) {
      reject(abortedByCaller(init, false));
      return;
    }
    const handler = new JsonExchangeHandler(init, resolve, reject);
    try {
      init.dispatcher.dispatch(init.options, handler);
    } catch (error) {
      handler.onResponseError(undefined, error as Error);
    }
  });
}

class JsonExchangeHandler implements Dispatcher.DispatchHandler {
  #init: JsonExchangeInit;
  #resolve: (value: JsonExchangeResult) => void;
  #reject: (reason: unknown) => void;
  #controller: Dispatcher.DispatchController | undefined;
  #started = false;
  #settled = false;
  #status = 0;
  #retryAfter: string | string[] | undefined;
  #chunks: Buffer[] = [];
  #received = 0;
  #timer: ReturnType<typeof setTimeout>;
  #onAbort: (() => void) | undefined;

  constructor(
    init: JsonExchangeInit,
    resolve: (value: JsonExchangeResult) => void,
    reject: (reason: unknown) => void,
  ) {
    this.#init = init;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#timer = setTimeout(() => this.#cancel('timeout'), init.timeoutMs);
    const signal = init.signal;
    if (signal) {
      this.#onAbort = () => this.#cancel('abort');
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.#settled) {
      controller.abort(new Error('wacloud: request cancelled'));
      return;
    }
    this.#controller = controller;
    this.#started = true;
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.#status = statusCode;
    const length = Number(headers['content-length']);
    if (length > this.#init.maxResponseBytes) {
      this.#tooLarge(controller);
      return;
    }
    if (statusCode >= 400) this.#retryAfter = headers['retry-after'];
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#received += chunk.length;
    if (this.#received > this.#init.maxResponseBytes) {
      this.#tooLarge(controller);
      return;
    }
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    this.#finish();
    const chunks = this.#chunks;
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    const status = this.#status;
    const request = this.#init.request;
    if (status < 200 || status >= 300) {
      this.#reject(
        graphErrorFromResponse({
          status,
          text,
          retryAfter: this.#retryAfter,
          request,
          scrub: this.#init.scrub,
        }),
      );
      return;
    }
    let body: unknown;
    try {
      body = text.length === 0 ? {} : JSON.parse(text);
    } catch (error) {
      // The parser's message quotes the body: keep it as the cause, without the token.
      const cause = new SyntaxError(this.#init.scrub(error instanceof Error ? error.message : String(error)));
      this.#reject(
        new InvalidResponseError(
          `Graph API answered HTTP ${status} with a body that is not JSON (${request.method} ${request.path}).`,
          { status, request, cause },
        ),
      );
      return;
    }
    this.#resolve({ status, body });
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.#settled) return;
    this.#finish();
    const { method, path } = this.#init.request;
    this.#reject(toNetworkError(error, this.#started, `${method} ${path}`));
  }

  #tooLarge(controller: Dispatcher.DispatchController): void {
    if (this.#settled) return;
    this.#finish();
    this.#chunks = [];
    const error = new ResponseTooLargeError({
      status: this.#status,
      limitBytes: this.#init.maxResponseBytes,
      request: this.#init.request,
    });
    this.#reject(error);
    controller.abort(error);
  }

  #cancel(reason: 'timeout' | 'abort'): void {
    if (this.#settled) return;
    this.#finish();
    const { method, path } = this.#init.request;
    const error =
      reason === 'timeout'
        ? new TimeoutError(`Request timed out after ${this.#init.timeoutMs} ms (${method} ${path}).`, {
            requestMayHaveReachedServer: this.#started,
          })
        : abortedByCaller(this.#init, this.#started);
    this.#reject(error);
    this.#controller?.abort(error);
  }

  #finish(): void {
    this.#settled = true;
    clearTimeout(this.#timer);
    if (this.#onAbort) this.#init.signal?.removeEventListener('abort', this.#onAbort);
  }
}

function abortedByCaller(init: JsonExchangeInit, started: boolean): AbortError {
  const { method, path } = init.request;
  return new AbortError(`Request aborted by the caller (${method} ${path}).`, {
    cause: init.signal?.reason,
    requestMayHaveReachedServer: started,
  });
}
