import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BODY_TIMED_OUT,
  BODY_TOO_LARGE,
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
} from '../read-body.js';
import {
  createWebhookHandler,
  HANDLE_BODY,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from './fetch.js';

/** A Node request as Express or the Next.js Pages Router hands it over: maybe with a parsed `body`. */
export type NodeWebhookRequest = IncomingMessage & {
  body?: unknown;
  /** Raw body bytes saved by {@link captureRawBody} (the `verify` hook of `express.json()`). */
  rawBody?: unknown;
  originalUrl?: string;
};

/** A `(req, res)` webhook endpoint for Node's http server, plus its processor and `drain()`. */
export interface NodeWebhookHandler {
  (req: NodeWebhookRequest, res: ServerResponse): Promise<void>;
  /** The processor events are dispatched on. */
  readonly processor: WebhookHandler['processor'];
  /** Resolves when every request answered so far has been fully processed. */
  drain(): Promise<void>;
}

/**
 * The `verify` hook for `express.json()` / `body-parser`: keeps the raw bytes on `req.rawBody` so the
 * webhook signature can be checked even though the app parses JSON globally.
 * `app.use(express.json({ verify: captureRawBody }))`.
 */
export function captureRawBody(req: IncomingMessage, _res: ServerResponse, buf: Buffer): void {
  (req as NodeWebhookRequest).rawBody = buf;
}

const PARSED_BODY_HELP =
  'The webhook request body was already parsed into an object, so the raw bytes Meta signed are gone ' +
  'and the signature cannot be checked. Mount the webhook route before express.json(), or use ' +
  "express.raw({ type: 'application/json' }) on it, or express.json({ verify: captureRawBody }) " +
  "(captureRawBody from 'wacloud/express'). With the Next.js Pages Router, export " +
  'config = { api: { bodyParser: false } } from the route.';

/**
 * The origin every request URL is built on. Only the path and query matter to the webhook, and the
 * `Host` header is attacker-controlled: `Host: a b` or `x:99999` must not make URL parsing throw.
 */
const FIXED_ORIGIN = 'http://localhost';

/**
 * Wraps the Fetch handler for Node `(req, res)`: takes the raw body from wherever it still is. The
 * returned promise never rejects: a method other than GET/POST gets 405, a malformed request (a
 * request target that is not a URL, unreadable headers) 400, a body slower than `bodyTimeoutMs` 408, a
 * body over `maxBodyBytes` 413, and an unexpected failure a plain 500 without details.
 */
export function createNodeWebhookHandler(options: WebhookHandlerOptions = {}): NodeWebhookHandler {
  const handler = createWebhookHandler(options);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const timeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;

  const handle = async (req: NodeWebhookRequest, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'POST') {
      sendText(res, 405, 'Method not allowed', { allow: 'GET, POST' });
      return;
    }
    if (req.method === 'POST') {
      const raw = rawBodyOf(req);
      if (raw === PARSED) {
        sendText(res, 500, PARSED_BODY_HELP);
        return;
      }
      const body = raw ?? (await readNodeBody(req, limit, timeoutMs));
      if (body === BODY_TOO_LARGE) {
        sendText(res, 413, `Webhook body is larger than ${limit} bytes`, { connection: 'close' });
        return;
      }
      if (body === BODY_TIMED_OUT) {
        sendText(res, 408, `Webhook body was not received within ${timeoutMs} ms`, { connection: 'close' });
        return;
      }
      // Straight to the handler's POST logic: no Fetch Request/Response per webhook (the hot path).
      const answer = await handler[HANDLE_BODY](body, signatureOf(req.headers['x-hub-signature-256']));
      sendText(res, answer.status, answer.body);
      return;
    }
    const request = requestHead(req);
    if (request === undefined) {
      sendText(res, 400, 'Malformed webhook request (request target or headers)');
      return;
    }
    await send(
      res,
      await handler(new Request(request.url, { method: req.method, headers: request.headers })),
    );
  };

  const nodeHandler = async (req: NodeWebhookRequest, res: ServerResponse): Promise<void> => {
    try {
      await handle(req, res);
    } catch (error) {
      answerFailure(req, res, error);
    }
  };

  return Object.assign(nodeHandler, { processor: handler.processor, drain: () => handler.drain() });
}

/** The signature header as the Fetch handler would see it (repeated headers joined with ", "). */
function signatureOf(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The URL (on {@link FIXED_ORIGIN}) and headers of a Node request, or `undefined` when malformed. */
function requestHead(req: NodeWebhookRequest): { url: URL; headers: Headers } | undefined {
  const target = req.originalUrl ?? req.url ?? '/';
  try {
    // Origin-form (`/webhook?x`) is the norm; absolute-form (`http://host/webhook`) keeps its path only.
    const absolute = target.startsWith('/') ? undefined : new URL(target);
    const path = absolute === undefined ? target : `${absolute.pathname}${absolute.search}`;
    const url = new URL(`${FIXED_ORIGIN}${path}`);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    return { url, headers };
  } catch {
    return undefined;
  }
}

/**
 * The last resort of the Node handler: the client gone mid-body needs no answer; anything else gets a
 * plain 500 (no stack, no message: it may hold details of the app) and is logged.
 */
function answerFailure(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  if (error instanceof RequestAbortedError) {
    req.destroy();
    return;
  }
  console.error('[wacloud] webhook request failed:', error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  try {
    sendText(res, 500, 'Internal error while handling the webhook', { connection: 'close' });
  } catch {
    res.destroy();
  }
}

/** The client closed or broke the connection before its body was read. */
class RequestAbortedError extends Error {}

const PARSED = Symbol('parsed body');

/** The raw body if a framework already read it, `PARSED` if only a parsed form is left, else `undefined`. */
function rawBodyOf(req: NodeWebhookRequest): Uint8Array | typeof PARSED | undefined {
  if (req.rawBody instanceof Uint8Array) return req.rawBody;
  if (typeof req.rawBody === 'string') return Buffer.from(req.rawBody);
  const body = req.body;
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body);
  // Consumed by someone else: the bytes are gone (and waiting for 'end' would hang).
  if (req.readableEnded) return PARSED;
  if (body !== undefined && body !== null && !req.readable) return PARSED;
  if (typeof body === 'object' && body !== null && Object.keys(body).length > 0) return PARSED;
  return undefined;
}

/**
 * Reads the request stream, stopping at `limit` bytes (`BODY_TOO_LARGE`) or after `timeoutMs`
 * (`BODY_TIMED_OUT`). Rejects with {@link RequestAbortedError} when the client goes away.
 */
function readNodeBody(
  req: IncomingMessage,
  limit: number,
  timeoutMs: number,
): Promise<Uint8Array | typeof BODY_TOO_LARGE | typeof BODY_TIMED_OUT> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(BODY_TOO_LARGE);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const stop = (result: typeof BODY_TOO_LARGE | typeof BODY_TIMED_OUT): void => {
      cleanup();
      req.pause();
      resolve(result);
    };
    const timer = setTimeout(() => stop(BODY_TIMED_OUT), timeoutMs);
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > limit) {
        stop(BODY_TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, total));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new RequestAbortedError(error.message, { cause: error }));
    };
    // A client that disconnects mid-body may close the stream without 'end' or 'error'.
    const onClose = (): void => onError(new Error('Webhook request closed before its body was read'));
    const cleanup = (): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** Answers with a plain-text body (and `headers`). */
function sendText(res: ServerResponse, status: number, body: string, headers?: Record<string, string>): void {
  // One writeHead with the headers object: cheaper per webhook than a setHeader call per header.
  res.writeHead(status, headers === undefined ? TEXT_HEADERS : { ...TEXT_HEADERS, ...headers });
  res.end(body);
}

const TEXT_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'text/plain; charset=utf-8' };

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  res.end(Buffer.from(await response.arrayBuffer()));
}
