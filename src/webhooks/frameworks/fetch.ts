import { WebhookPayloadError } from '../../errors/index.js';
import type { EventStore } from '../../events/event-store.js';
import { assertKnownOptions, invalidOption, optionKeys } from '../../schemas/validate-options.js';
import type { OptOutDetectionOptions } from '../../tracking/opt-out-detection.js';
import { parseWebhook } from '../parse.js';
import { WebhookProcessor } from '../processor.js';
import {
  BODY_TIMED_OUT,
  BODY_TOO_LARGE,
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  readBodyWithLimit,
} from '../read-body.js';
import { verifyWebhookSignature } from '../signature.js';
import { verificationChallenge } from '../verify-challenge.js';
import type { WebhookEvent } from '../webhook-events.js';

/** Options of {@link createWebhookHandler}. Unknown keys are rejected. */
export interface WebhookHandlerOptions {
  /** Your Meta app secret (App Dashboard › Settings › Basic). Default: env `WHATSAPP_APP_SECRET`. */
  appSecret?: string;
  /** The verify token you entered when subscribing the webhook. Default: env `WHATSAPP_VERIFY_TOKEN`. */
  verifyToken?: string;
  /** Called for every new (non-duplicate) event. */
  onEvent?: (event: WebhookEvent) => unknown;
  /** Persist every new event as StoredEvent(s); also deduplicates against the store when it has `appendNew`. */
  store?: EventStore;
  /** STOP keywords and quick-reply payloads recorded as `opt_out` in the store (see `WebhookProcessorOptions.optOut`). */
  optOut?: OptOutDetectionOptions;
  /** Your own processor (with listeners attached). Configure `store`/dedupe/`onError` on it, not here. */
  processor?: WebhookProcessor;
  /** Largest accepted body in bytes; larger ones get 413 (default 3 MB, Meta's maximum). */
  maxBodyBytes?: number;
  /**
   * How long reading the request body may take, in milliseconds; a slower body gets 408 (default
   * 10,000). Guards against slow-loris clients, which Node would otherwise wait on for 300 s.
   */
  bodyTimeoutMs?: number;
  /** Size of the in-memory dedupe window (default 10,000 keys). */
  dedupeWindowSize?: number;
  /**
   * Process events (and await async listeners) before answering instead of after (default `false`). Use it on serverless platforms
   * that freeze work after the response; a failing store then answers 500 so that Meta retries.
   */
  awaitProcessing?: boolean;
  /** Hands the background processing promise to the platform (e.g. Vercel/Cloudflare `waitUntil`). */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** Called when a listener or the store fails and the processor has no `error` listener. */
  onError?: (error: Error, event?: WebhookEvent) => void;
}

/**
 * What a webhook POST is answered with (status and plain-text body).
 * @internal
 */
export interface WebhookAnswer {
  status: number;
  body: string;
}

/**
 * Internal: the handler's POST logic after the raw body has been read, keyed by a symbol so that the
 * Node adapter (which reads the body itself) skips building a Fetch `Request` and `Response` per POST.
 * @internal
 */
export const HANDLE_BODY: unique symbol = Symbol('wacloud.handleWebhookBody');

const OK: WebhookAnswer = { status: 200, body: 'OK' };

/** A Fetch API webhook endpoint: `(Request) => Promise<Response>`, plus its processor and `drain()`. */
export interface WebhookHandler {
  (request: Request): Promise<Response>;
  /** The processor events are dispatched on: attach listeners with `handler.processor.on(...)`. */
  readonly processor: WebhookProcessor;
  /** Resolves when every request answered so far has been fully processed (listeners included). */
  drain(): Promise<void>;
  /**
   * The POST logic after the raw body was read (for the Node adapter).
   * @internal
   */
  readonly [HANDLE_BODY]: (body: Uint8Array, signature: string | null) => Promise<WebhookAnswer>;
}

const OWNER = 'createWebhookHandler';
const OPTION_KEYS = optionKeys<WebhookHandlerOptions>()({
  appSecret: true,
  verifyToken: true,
  onEvent: true,
  store: true,
  optOut: true,
  processor: true,
  maxBodyBytes: true,
  bodyTimeoutMs: true,
  dedupeWindowSize: true,
  awaitProcessing: true,
  waitUntil: true,
  onError: true,
});

/** The longest delay `setTimeout` honours (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

const SIGNATURE_HELP =
  'The signature covers the exact raw bytes Meta sent: make sure no JSON body parser or re-serialization ' +
  'ran before this handler, and that the app secret is the one of the Meta app subscribed to this webhook.';

/**
 * Creates a webhook endpoint for the Fetch API (Next.js App Router, Hono, Bun, Deno, Node 18+):
 * - `GET`: answers Meta's verification challenge (200 + `hub.challenge`, or 403);
 * - `POST`: reads the raw body (413 past `maxBodyBytes`, 408 past `bodyTimeoutMs`), checks `X-Hub-Signature-256` (401), parses the
 *   envelope (400), answers 200 at once and processes the events after: dedupe, store, listeners.
 *
 * A throwing listener is reported on the processor's `error` event and never turns into a 5xx that
 * would make Meta resend. Call `handler.drain()` to await processing (tests, graceful shutdown).
 */
export function createWebhookHandler(options: WebhookHandlerOptions = {}): WebhookHandler {
  assertKnownOptions(OWNER, options, OPTION_KEYS);
  const appSecret = options.appSecret ?? process.env.WHATSAPP_APP_SECRET;
  const verifyToken = options.verifyToken ?? process.env.WHATSAPP_VERIFY_TOKEN;
  if (!appSecret)
    throw invalidOption(OWNER, 'appSecret', 'is required (option appSecret or env WHATSAPP_APP_SECRET)');
  if (!verifyToken) {
    throw invalidOption(
      OWNER,
      'verifyToken',
      'is required (option verifyToken or env WHATSAPP_VERIFY_TOKEN)',
    );
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw invalidOption(OWNER, 'maxBodyBytes', 'must be a positive integer');
  }
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  if (!Number.isInteger(bodyTimeoutMs) || bodyTimeoutMs <= 0 || bodyTimeoutMs > MAX_TIMER_MS) {
    throw invalidOption(OWNER, 'bodyTimeoutMs', `must be a positive integer of at most ${MAX_TIMER_MS}`);
  }
  const processor = options.processor ?? createProcessor(options);
  if (options.processor !== undefined) {
    for (const key of ['store', 'optOut', 'dedupeWindowSize', 'onError'] as const) {
      if (options[key] !== undefined) {
        throw invalidOption(OWNER, key, 'cannot be combined with "processor": set it on the processor');
      }
    }
  }
  if (options.onEvent !== undefined) processor.on('event', options.onEvent);

  const pending = new Set<Promise<unknown>>();

  async function handlePost(request: Request): Promise<Response> {
    let body: Awaited<ReturnType<typeof readBodyWithLimit>>;
    try {
      body = await readBodyWithLimit(request, maxBodyBytes, bodyTimeoutMs);
    } catch {
      return text(400, 'Could not read the webhook request body (connection aborted?)');
    }
    if (body === BODY_TOO_LARGE) {
      return text(413, `Webhook body is larger than ${maxBodyBytes} bytes`);
    }
    if (body === BODY_TIMED_OUT) {
      return text(408, `Webhook body was not received within ${bodyTimeoutMs} ms`);
    }
    const answer = await handleBody(body, request.headers.get('x-hub-signature-256'));
    return text(answer.status, answer.body);
  }

  /** A POST whose raw body has been read: signature, envelope, then processing (see the options). */
  async function handleBody(body: Uint8Array, signature: string | null): Promise<WebhookAnswer> {
    if (body.byteLength > maxBodyBytes) {
      return { status: 413, body: `Webhook body is larger than ${maxBodyBytes} bytes` };
    }
    if (signature === null) {
      return {
        status: 401,
        body: 'Missing X-Hub-Signature-256 header: Meta signs every webhook POST with it.',
      };
    }
    if (!verifyWebhookSignature(body, signature, appSecret as string)) {
      return {
        status: 401,
        body: `Invalid webhook signature. ${describeBodyProblem(body)}${SIGNATURE_HELP}`,
      };
    }
    let events: WebhookEvent[];
    try {
      events = parseWebhook(body);
    } catch (error) {
      if (error instanceof WebhookPayloadError) return { status: 400, body: error.message };
      throw error;
    }
    // process() has already reported a store failure on the processor's `error` event.
    if (options.awaitProcessing) {
      try {
        await processor.process(events);
        await processor.idle();
      } catch {
        return { status: 500, body: 'Webhook events could not be stored; Meta will retry' };
      }
      return OK;
    }
    // A macrotask, so that even synchronous listeners run after the response has been handed back.
    const settled = nextMacrotask()
      .then(() => processor.process(events))
      .then(
        () => processor.idle(),
        () => undefined,
      );
    pending.add(settled);
    void settled.finally(() => pending.delete(settled));
    if (options.waitUntil !== undefined) {
      try {
        options.waitUntil(settled);
      } catch (error) {
        // Processing goes on regardless; the platform hook failing must not turn the answer into a 500.
        console.error('[wacloud] waitUntil threw:', error);
      }
    }
    return OK;
  }

  const handler = async (request: Request): Promise<Response> => {
    if (request.method === 'GET') {
      const challenge = verificationChallenge(new URL(request.url).searchParams, verifyToken);
      return challenge === undefined ? text(403, 'Verification failed') : text(200, challenge);
    }
    if (request.method === 'POST') return handlePost(request);
    return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, POST' } });
  };

  return Object.assign(handler, {
    processor,
    [HANDLE_BODY]: handleBody,
    async drain(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
      await processor.idle();
    },
  });
}

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

function createProcessor(options: WebhookHandlerOptions): WebhookProcessor {
  const processorOptions: ConstructorParameters<typeof WebhookProcessor>[0] = {};
  if (options.store !== undefined) processorOptions.store = options.store;
  if (options.optOut !== undefined) processorOptions.optOut = options.optOut;
  if (options.dedupeWindowSize !== undefined) processorOptions.dedupeWindowSize = options.dedupeWindowSize;
  if (options.onError !== undefined) processorOptions.onError = options.onError;
  return new WebhookProcessor(processorOptions);
}

/** Explains the usual cause of a bad signature when the body shows it (a serialized JS object). */
function describeBodyProblem(body: Uint8Array): string {
  const head = Buffer.from(body.subarray(0, 32)).toString('utf8');
  if (head.startsWith('[object Object]')) {
    return 'The body is "[object Object]": the request body was parsed into an object and converted back to a string. ';
  }
  if (body.length === 0)
    return 'The body is empty: it was probably consumed by a body parser before this handler. ';
  return '';
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}
