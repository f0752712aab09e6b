import PQueue from 'p-queue';
import { Agent, request } from 'undici';
import { signWebhookPayload } from '../../webhooks/signature.js';
import type { PendingWork } from '../pending-work.js';
import type { WebhookEnvelope } from './payloads.js';
import { legacySignatureHeader, toMetaJson } from './sign.js';

/** Counters the dispatcher updates. */
export interface DispatchCounters {
  webhooksPosted: number;
  webhooksRetried: number;
  webhooksFailed: number;
}

/** Options of {@link WebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  url: string | undefined;
  appSecret: string | undefined;
  concurrency: number;
  retry: { maxAttempts: number; baseDelayMs: number };
  work: PendingWork;
  counters: DispatchCounters;
}

/**
 * POSTs signed webhooks to the receiver with bounded concurrency over keep-alive connections, and
 * redelivers with doubling backoff (bounded attempts) while the receiver does not answer 2xx.
 */
export class WebhookDispatcher {
  readonly #queue: PQueue;
  readonly #agent: Agent;

  readonly #options: WebhookDispatcherOptions;

  constructor(options: WebhookDispatcherOptions) {
    this.#options = options;
    this.#queue = new PQueue({ concurrency: options.concurrency });
    this.#agent = new Agent({ connections: options.concurrency, keepAliveTimeout: 10_000 });
  }

  /** Sends one envelope (serialized and signed once; retries resend the same bytes). */
  post(envelope: WebhookEnvelope): void {
    if (!this.#options.url || !this.#options.appSecret) return;
    const body = toMetaJson(envelope);
    this.#attempt(body, 1);
  }

  /** Stops sending and drops the connections (in-flight POSTs are aborted). */
  async close(): Promise<void> {
    this.#queue.clear();
    await this.#agent.destroy();
  }

  #attempt(body: string, attempt: number): void {
    const { work, counters, retry } = this.#options;
    work.track(
      this.#queue.add(async () => {
        const ok = await this.#send(body);
        if (ok) {
          counters.webhooksPosted++;
        } else if (attempt < retry.maxAttempts) {
          counters.webhooksRetried++;
          work.schedule(retry.baseDelayMs * 2 ** (attempt - 1), () => this.#attempt(body, attempt + 1));
        } else {
          counters.webhooksFailed++;
        }
      }),
    );
  }

  async #send(body: string): Promise<boolean> {
    const secret = this.#options.appSecret as string;
    try {
      const response = await request(this.#options.url as string, {
        method: 'POST',
        dispatcher: this.#agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'facebookexternalua',
          'x-hub-signature-256': signWebhookPayload(body, secret),
          'x-hub-signature': legacySignatureHeader(body, secret),
        },
        body,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      await response.body.dump();
      return response.statusCode >= 200 && response.statusCode < 300;
    } catch {
      return false;
    }
  }
}
