/**
 * Next.js adapters (`wacloud/next`), for the App Router (`route.ts`) and the Pages Router (`pages/api`).
 * Neither imports `next`.
 *
 * ```ts
 * // app/api/webhook/route.ts
 * export const { GET, POST } = createNextRouteHandlers({ appSecret, verifyToken, onEvent });
 * ```
 * @module
 */
import { createWebhookHandler, type WebhookHandler, type WebhookHandlerOptions } from './fetch.js';
import { createNodeWebhookHandler, type NodeWebhookHandler, type NodeWebhookRequest } from './node.js';

export type { NodeWebhookHandler, NodeWebhookRequest, WebhookHandlerOptions };

/** App Router route handlers: export `GET` and `POST` from `route.ts`. */
export interface NextRouteHandlers {
  /** Answers Meta's verification challenge. */
  GET: (request: Request) => Promise<Response>;
  /** Receives signed webhook POSTs. */
  POST: (request: Request) => Promise<Response>;
  /** The processor events are dispatched on. */
  processor: WebhookHandler['processor'];
  /** Resolves when every request answered so far has been fully processed. */
  drain(): Promise<void>;
}

/**
 * Creates App Router handlers: `export const { GET, POST } = createNextRouteHandlers({...})`.
 * On Vercel, pass `waitUntil: after` (from `next/server`) so processing finishes after the response,
 * or `awaitProcessing: true`.
 */
export function createNextRouteHandlers(options: WebhookHandlerOptions = {}): NextRouteHandlers {
  const handler = createWebhookHandler(options);
  return { GET: handler, POST: handler, processor: handler.processor, drain: () => handler.drain() };
}

/**
 * Creates a Pages Router API handler (`pages/api/webhook.ts`) that reads the raw request stream.
 * The route must turn off Next's body parser, written literally so that Next can read it:
 * `export const config = { api: { bodyParser: false } };`. If the body arrives already parsed, the
 * handler answers 500 with that instruction.
 */
export function createNextPagesHandler(options: WebhookHandlerOptions = {}): NodeWebhookHandler {
  return createNodeWebhookHandler(options);
}
