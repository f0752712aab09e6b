import type { BackoffScope, WhatsAppError } from '../errors/index.js';
import type { MessageCategory } from './governance/message-category.js';
import type { SendOutcome } from './outcome.js';
import type { OutgoingMessageLike } from './send-client.js';
import type { SendRoute } from './send-route.js';

/** Per-message options of `enqueue()`; recorded with the send in the event store. */
export interface EnqueueOptions {
  /** Campaign the message belongs to. */
  campaignId?: string;
  /** A/B variant name. */
  variant?: string;
  /** Audience segment name. */
  segment?: string;
  /** A message with a key the queue already sent (or is sending) is `skipped`. */
  idempotencyKey?: string;
  /** Free-form data stored with the `outbound` event. */
  metadata?: Record<string, unknown>;
  /**
   * Meta's category of the message, for governance (consent, frequency cap, send window). Default:
   * `marketing` for a template, `service` for anything else.
   */
  category?: MessageCategory;
  /** Do not send before this instant (the send waits; it is not skipped). */
  notBefore?: Date;
  /**
   * Send through the Cloud API (`cloud_api`, the default) or the Marketing Messages API
   * (`marketing_messages`: marketing templates only, with Meta's click events).
   */
  via?: SendRoute;
  /**
   * With `via: 'marketing_messages'`: `cloud_api` sends through the Cloud API instead when the
   * Marketing Messages API refuses the message as not eligible (131055, 134100, 134102).
   */
  fallback?: 'cloud_api';
}

/** One message as adapters carry it: plain JSON, so it can live in Redis. */
export interface SendJob {
  /** Unique id of the job (the idempotency key when there is one). */
  id: string;
  /** The Cloud API body without `messaging_product`. */
  message: OutgoingMessageLike;
  /** Recipient key (see `recipientIdOf`). */
  recipientId: string;
  /** What the message was enqueued with. */
  options: EnqueueOptions;
  /** Requests made so far. */
  attempts: number;
  /** 131056 answers so far (drives the 4^X backoff). */
  pairRateHits: number;
  /** Times this send was rescheduled after a 131049 (Meta's per-user marketing limit). */
  deferrals?: number;
}

/** What one attempt came to: a final outcome, or a retry after a delay. */
export type AttemptResult =
  | { kind: 'done'; outcome: SendOutcome }
  | { kind: 'retry'; scope: BackoffScope; delayMs: number; error: WhatsAppError };

/** Details of a scheduled retry (the `retry` event). */
export interface RetryInfo {
  /** The job being retried. */
  job: SendJob;
  /** The attempt that failed, 1-based. */
  attempt: number;
  /** Who waits: the whole number, this recipient, or just this request. */
  scope: BackoffScope;
  /** How long before the next attempt. */
  delayMs: number;
  /** Why the attempt failed. */
  error: WhatsAppError;
}

/**
 * What `SendQueue` gives its adapter: the settings, and the policy steps every adapter runs in
 * the same order (pre-check, attempt, retry bookkeeping, settle).
 */
export interface QueueRuntime {
  /** The sending number (rate limits are kept per number). */
  readonly phoneNumberId: string;
  /** Throughput limit per number. */
  readonly messagesPerSecond: number;
  /** Minimum spacing between two sends to one recipient. */
  readonly perRecipientIntervalMs: number;
  /** Most requests in flight at once (per process). */
  readonly concurrency: number;
  /** Current time in milliseconds (injectable for tests). */
  now(): number;
  /** An outcome when the job must not be sent (suppressed recipient), else undefined. */
  precheck(job: SendJob): SendOutcome | undefined | Promise<SendOutcome | undefined>;
  /** Makes one request (increments `job.attempts`) and applies the error policy. */
  attempt(job: SendJob, signal?: AbortSignal): Promise<AttemptResult>;
  /** Reports a scheduled retry. */
  retrying(info: RetryInfo): void;
  /** Records the job's final outcome (event store). Called once per job by whoever processed it. */
  settle(job: SendJob, outcome: SendOutcome): void;
  /** Reports that the adapter has nothing queued or in flight. */
  idle(): void;
  /** Reports a background error of the adapter (the queue's `onError` policy: handler, else log). */
  reportError(error: unknown): void;
}

/** Live counts of an adapter. */
export interface QueueCounts {
  /** Waiting to be sent (including delayed retries). */
  pending: number;
  /** Requests in flight. */
  inFlight: number;
}

/**
 * Where queued messages live and how they are scheduled. The default keeps them in memory; the
 * BullMQ adapter (`wacloud/bullmq`) keeps them in Redis and shares the limits across workers.
 */
export interface QueueAdapter {
  /** Called once by the `SendQueue` that owns the adapter. */
  attach(runtime: QueueRuntime): void;
  /** Queues a job; resolves with its outcome (never rejects). */
  add(job: SendJob): Promise<SendOutcome>;
  /** Stops starting new requests. */
  pause(): void | Promise<void>;
  /** Starts sending again. */
  resume(): void | Promise<void>;
  /** Resolves when nothing is queued or in flight. */
  onIdle(): Promise<void>;
  /** Stops: waits for requests in flight; jobs not yet started end `skipped` (`closed`). */
  close(): Promise<void>;
  /** Live counts. */
  counts(): QueueCounts;
}
