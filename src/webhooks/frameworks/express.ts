/**
 * Express adapter (`wacloud/express`): a middleware that answers Meta's verification GET and signed
 * webhook POSTs. Works with or without `express.json()` installed globally (see {@link captureRawBody}).
 *
 * ```ts
 * const webhook = createExpressWebhookHandler({ appSecret, verifyToken });
 * webhook.processor.on('message.text', (e) => console.log(e.from, e.message.text.body));
 * app.use('/webhook', webhook);
 * ```
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { WebhookHandlerOptions } from './fetch.js';
import { captureRawBody, createNodeWebhookHandler, type NodeWebhookRequest } from './node.js';

export type { NodeWebhookRequest, WebhookHandlerOptions };
export { captureRawBody };

/** An Express middleware `(req, res, next)` for the webhook route, plus its processor and `drain()`. */
export interface ExpressWebhookHandler {
  (req: NodeWebhookRequest, res: ServerResponse, next: (error?: unknown) => void): void;
  /** The processor events are dispatched on: `handler.processor.on('status', ...)`. */
  readonly processor: ReturnType<typeof createNodeWebhookHandler>['processor'];
  /** Resolves when every request answered so far has been fully processed. */
  drain(): Promise<void>;
}

/**
 * Creates the Express middleware. Mount it on the webhook path (`app.use('/webhook', handler)`); it
 * handles GET and POST and answers 405 to other methods. The raw body is taken from `req.body` when it
 * is a Buffer (`express.raw()`), from `req.rawBody` ({@link captureRawBody}), or read from the stream;
 * a body already parsed into an object gets a 500 explaining how to fix the setup.
 */
export function createExpressWebhookHandler(options: WebhookHandlerOptions = {}): ExpressWebhookHandler {
  const handler = createNodeWebhookHandler(options);
  const middleware = (
    req: NodeWebhookRequest,
    res: ServerResponse,
    next: (error?: unknown) => void,
  ): void => {
    handler(req, res).catch(next);
  };
  return Object.assign(middleware, { processor: handler.processor, drain: () => handler.drain() });
}
