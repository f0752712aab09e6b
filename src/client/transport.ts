import { Agent, type Dispatcher } from 'undici';
import { AbortError, NetworkError, ValidationError } from '../errors/index.js';
import { REDACTED, redact } from '../errors/redact.js';
import { limitResponseBytes } from './byte-limit.js';
import type { ResolvedClientConfig } from './config.js';
import { graphErrorFromResponse } from './graph-error-response.js';
import { runJsonExchange } from './json-exchange.js';
import type { Logger } from './logger.js';
import { isTrustedMediaUrl } from './media-hosts.js';
import { toNetworkError } from './network-error.js';
import { type BackoffOptions, retryDelayMs, shouldRetry, sleep } from './retry.js';
import { SDK_VERSION } from './version.js';

/** Per-call options accepted by every client method. */
export interface CallOptions {
  /** Aborts the call: rejects with `AbortError` (never `TimeoutError`), also during a retry wait. */
  signal?: AbortSignal;
  /** Deadline of each attempt in milliseconds (default: the client's `timeoutMs`). */
  timeoutMs?: number;
  /** Retries for this call (default: the client's `maxRetries`); only safe requests are ever retried. */
  maxRetries?: number;
}

/** One Graph request as the resources describe it. */
export interface GraphRequest extends CallOptions {
  /** HTTP method. */
  method: 'GET' | 'POST' | 'DELETE';
  /** Absolute path on the Graph origin, version included, query string allowed. */
  path: string;
  /** Request body, already serialized. */
  body?: string | Buffer;
  /** Content type of `body` (default `application/json`). */
  contentType?: string;
  /** Whether repeating the request after it may have reached Meta is harmless. */
  idempotent: boolean;
}

/** A streamed binary response (media download). */
export interface StreamedResponse {
  /** HTTP status (2xx). */
  statusCode: number;
  /** Response headers. */
  headers: Record<string, string | string[] | undefined>;
  /** The body; consume it or call `body.dump()`/`destroy()` to release the connection. */
  body: Dispatcher.ResponseData['body'];
}

/** The `User-Agent` the client sends. */
export const USER_AGENT = `wacloud/${SDK_VERSION}`;

/**
 * The client's HTTP layer: undici dispatch on a keep-alive agent owned by the client (or the
 * injected dispatcher), Bearer auth, per-attempt deadline, Graph error mapping, the retry loop and
 * redacted logging. Holds the token in private fields only.
 */
export class Transport {
  /** Graph origin, e.g. `https://graph.facebook.com`. */
  readonly origin: string;
  /** Path prefix with the version, e.g. `/v23.0`. */
  readonly versionPath: string;
  #dispatcher: Dispatcher;
  #mediaDispatcher: Dispatcher;
  #ownsDispatcher: boolean;
  #maxResponseBytes: number;
  #allowedMediaHosts: readonly string[];
  #token: string;
  #getHeaders: Record<string, string>;
  #jsonHeaders: Record<string, string>;
  #downloadHeaders: Record<string, string>;
  #timeoutMs: number;
  #maxRetries: number;
  #backoff: BackoffOptions;
  #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  #logger: Logger | undefined;

  constructor(config: ResolvedClientConfig) {
    this.origin = config.origin;
    this.versionPath = config.versionPath;
    this.#ownsDispatcher = config.dispatcher === undefined;
    this.#dispatcher =
      config.dispatcher ??
      new Agent({
        keepAliveTimeout: 30_000,
        connect: { timeout: Math.min(config.timeoutMs, 10_000) },
      });
    this.#mediaDispatcher = this.#dispatcher.compose(limitResponseBytes(config.maxMediaBytes));
    this.#maxResponseBytes = config.maxResponseBytes;
    this.#allowedMediaHosts = config.allowedMediaHosts;
    this.#token = config.accessToken;
    const authorization = `Bearer ${config.accessToken}`;
    this.#getHeaders = { authorization, 'user-agent': USER_AGENT, accept: 'application/json' };
    this.#jsonHeaders = { ...this.#getHeaders, 'content-type': 'application/json' };
    this.#downloadHeaders = { authorization, 'user-agent': USER_AGENT };
    this.#timeoutMs = config.timeoutMs;
    this.#maxRetries = config.maxRetries;
    this.#backoff = {
      baseDelayMs: config.retryBaseDelayMs,
      maxDelayMs: config.retryMaxDelayMs,
      random: config.random,
    };
    this.#sleep = config.sleep ?? sleep;
    this.#logger = config.logger;
  }

  /** `/v23.0/<seg>/<seg>` with each segment percent-encoded. */
  apiPath(...segments: string[]): string {
    let path = this.versionPath;
    for (const segment of segments) path += `/${encodeURIComponent(segment)}`;
    return path;
  }

  /** Sends a Graph request and resolves its parsed JSON body; retries what {@link shouldRetry} allows. */
  json<T>(request: GraphRequest): Promise<T> {
    const query = request.path.indexOf('?');
    const described = {
      method: request.method,
      path: query === -1 ? request.path : request.path.slice(0, query),
    };
    const options: Dispatcher.DispatchOptions = {
      origin: this.origin,
      path: request.path,
      method: request.method,
      headers:
        request.body === undefined
          ? this.#getHeaders
          : request.contentType
            ? { ...this.#getHeaders, 'content-type': request.contentType }
            : this.#jsonHeaders,
      body: request.body ?? null,
    };
    const timeoutMs = request.timeoutMs ?? this.#timeoutMs;
    const attempt = async () => {
      const started = this.#logger ? this.#logStart(request.method, request.path) : 0;
      try {
        const { status, body } = await runJsonExchange({
          dispatcher: this.#dispatcher,
          options,
          request: described,
          timeoutMs,
          maxResponseBytes: this.#maxResponseBytes,
          signal: request.signal,
          scrub: this.#scrub,
        });
        if (this.#logger) this.#logEnd(request.method, request.path, started, status);
        return body as T;
      } catch (error) {
        if (this.#logger) this.#logFailure(request.method, request.path, started, error);
        throw error;
      }
    };
    return this.#withRetries(request, attempt);
  }

  /**
   * GETs a binary resource (media download) with the Bearer header and streams the body (at most
   * `maxMediaBytes`; past it the body errors with `ResponseTooLargeError`). The token is sent only to
   * the configured Graph origin, Meta's media hosts (`*.fbsbx.com`, `*.whatsapp.net`) and the
   * `allowedMediaHosts`, over https: any other URL rejects with `ValidationError` before a request.
   * `access_token` in the URL is dropped (the header is sent instead); the caller's URL is not changed.
   */
  async stream(target: URL, call: CallOptions = {}): Promise<StreamedResponse> {
    if (!isTrustedMediaUrl(target, this.origin, this.#allowedMediaHosts)) {
      throw new ValidationError(
        [
          {
            path: 'url',
            message:
              'is not on the Graph origin or a Meta media host over https (add its host to allowedMediaHosts to trust it)',
            code: 'untrusted_host',
          },
        ],
        'media URL',
      );
    }
    const url = new URL(target.href);
    url.searchParams.delete('access_token');
    const path = `${url.pathname}${url.search}`;
    const timeoutMs = call.timeoutMs ?? this.#timeoutMs;
    const attempt = async (): Promise<StreamedResponse> => {
      const started = this.#logger ? this.#logStart('GET', `${url.origin}${path}`) : 0;
      let response: Dispatcher.ResponseData;
      try {
        response = await this.#mediaDispatcher.request({
          origin: url.origin,
          path,
          method: 'GET',
          headers: this.#downloadHeaders,
          signal: call.signal,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
      } catch (error) {
        const what = `GET ${url.origin}${url.pathname}`;
        const mapped = call.signal?.aborted
          ? new AbortError(`Request aborted by the caller (${what}).`, {
              cause: call.signal.reason,
              requestMayHaveReachedServer: true,
            })
          : toNetworkError(error, undefined, what);
        if (this.#logger) this.#logFailure('GET', `${url.origin}${path}`, started, mapped);
        throw mapped;
      }
      if (this.#logger) this.#logEnd('GET', `${url.origin}${path}`, started, response.statusCode);
      if (response.statusCode >= 300) {
        throw graphErrorFromResponse({
          status: response.statusCode,
          text: await response.body.text().catch(() => ''),
          retryAfter: response.headers['retry-after'],
          request: { method: 'GET', path: `${url.origin}${url.pathname}` },
          scrub: this.#scrub,
        });
      }
      return { statusCode: response.statusCode, headers: response.headers, body: response.body };
    };
    return this.#withRetries(
      { ...call, idempotent: true, method: 'GET', path: `${url.origin}${url.pathname}` },
      attempt,
    );
  }

  /** Closes the dispatcher if the client created it (an injected one is left to its owner). */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  async #withRetries<T>(
    request: CallOptions & { idempotent: boolean; method?: string; path?: string },
    attempt: () => Promise<T>,
  ): Promise<T> {
    const maxRetries = request.maxRetries ?? this.#maxRetries;
    let mayHaveReachedServer = false;
    for (let retry = 0; ; retry++) {
      try {
        return await attempt();
      } catch (error) {
        mayHaveReachedServer ||= !(error instanceof NetworkError) || error.requestMayHaveReachedServer;
        if (retry >= maxRetries || request.signal?.aborted || !shouldRetry(error, request.idempotent)) {
          throw error;
        }
        const delayMs = retryDelayMs(error, retry, this.#backoff);
        if (delayMs === undefined) throw error;
        this.#logger?.warn('wacloud retry', {
          method: request.method,
          path: request.path === undefined ? undefined : this.#redact(request.path),
          retry: retry + 1,
          delayMs,
          error: this.#redact(error instanceof Error ? error.message : String(error)),
        });
        try {
          await this.#sleep(delayMs, request.signal);
        } catch (reason) {
          if (!request.signal?.aborted) throw error;
          const what = `${request.method ?? ''} ${request.path === undefined ? '' : this.#redact(request.path)}`;
          throw new AbortError(`Request aborted by the caller while waiting to retry (${what.trim()}).`, {
            cause: reason,
            requestMayHaveReachedServer: mayHaveReachedServer,
          });
        }
      }
    }
  }

  #scrub = (text: string): string =>
    text.includes(this.#token) ? text.split(this.#token).join(REDACTED) : text;

  #redact(text: string): string {
    return redact(text, [this.#token]);
  }

  #logStart(method: string, path: string): number {
    this.#logger?.debug('wacloud request', { method, path: this.#redact(path) });
    return performance.now();
  }

  #logEnd(method: string, path: string, started: number, status: number): void {
    this.#logger?.debug('wacloud response', {
      method,
      path: this.#redact(path),
      status,
      durationMs: Math.round(performance.now() - started),
    });
  }

  #logFailure(method: string, path: string, started: number, error: unknown): void {
    const record =
      error && typeof error === 'object' && 'toJSON' in error && typeof error.toJSON === 'function'
        ? (error.toJSON() as Record<string, unknown>)
        : { message: String(error) };
    this.#logger?.debug('wacloud request failed', {
      method,
      path: this.#redact(path),
      durationMs: Math.round(performance.now() - started),
      error: JSON.parse(this.#redact(JSON.stringify(record))),
    });
  }
}
