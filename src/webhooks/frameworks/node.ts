import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_MAX_BODY_BYTES } from '../read-body.js';
import { createWebhookHandler, type WebhookHandler, type WebhookHandlerOptions } from './fetch.js';

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

/** Wraps the Fetch handler for Node `(req, res)`: takes the raw body from wherever it still is. */
export function createNodeWebhookHandler(options: WebhookHandlerOptions = {}): NodeWebhookHandler {
  const handler = createWebhookHandler(options);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const nodeHandler = async (req: NodeWebhookRequest, res: ServerResponse): Promise<void> => {
    const url = `http://${req.headers.host ?? 'localhost'}${req.originalUrl ?? req.url ?? '/'}`;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: Uint8Array | undefined;
    if (req.method === 'POST') {
      const raw = rawBodyOf(req);
      if (raw === PARSED) {
        await send(
          res,
          new Response(PARSED_BODY_HELP, { status: 500, headers: { 'content-type': 'text/plain' } }),
        );
        return;
      }
      body = raw ?? (await readNodeBody(req, limit));
      if (body === undefined) {
        res.setHeader('connection', 'close');
        await send(res, new Response(`Webhook body is larger than ${limit} bytes`, { status: 413 }));
        return;
      }
      // The bytes are final now; a stale Content-Length (e.g. from a decoded body) must not mislead.
      headers.delete('content-length');
      headers.delete('transfer-encoding');
    }
    const init: RequestInit = { method: req.method ?? 'GET', headers };
    if (body !== undefined) init.body = body;
    await send(res, await handler(new Request(url, init)));
  };

  return Object.assign(nodeHandler, { processor: handler.processor, drain: () => handler.drain() });
}

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

/** Reads the request stream, stopping at `limit` bytes (returns `undefined` when the body is larger). */
function readNodeBody(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > limit) {
        cleanup();
        req.pause();
        resolve(undefined);
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
      reject(error);
    };
    // A client that disconnects mid-body may close the stream without 'end' or 'error'.
    const onClose = (): void => onError(new Error('Webhook request closed before its body was read'));
    const cleanup = (): void => {
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

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  res.end(Buffer.from(await response.arrayBuffer()));
}
