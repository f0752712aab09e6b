import type { BackoffScope, WhatsAppError } from '../errors/index.js';
import type { FrequencyCapLedger } from './governance/frequency-cap.js';
import type { MessageCategory } from './governance/message-category.js';
import type { MessagingLimit } from './governance/messaging-limit.js';
import type { PortfolioBudget } from './governance/portfolio-budget.js';
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
  /** Requests made in the rounds before the last 131049 deferral (added to the final `attempts`). */
  priorAttempts?: number;
  /** 131057 (maintenance) answers so far: they do not use up `maxAttempts`. */
  maintenanceWaits?: number;
}

/**
 * What a due send holds while it goes out (see {@link DispatchGate.reserve}): its frequency-cap slot and
 * its portfolio-budget reach, each when one was taken.
 */
export interface CapReservation {
  /** The recipient whose slot it is. */
  recipientId: string;
  /** When the frequency-cap slot was taken (epoch ms); `undefined` when no cap applied. */
  at: number | undefined;
  /** When the recipient was counted as a new user of the portfolio budget (epoch ms), if they were. */
  budgetAt?: number;
  /** The send counts against the portfolio budget: once answered, the user's reach moves to that time. */
  budgeted?: boolean;
}

/**
 * What the dispatch-time governance says about a due job: go (holding its reservation), capped (the
 * frequency cap is full: skip), or wait until an instant (the portfolio's messaging budget is spent).
 */
export type DispatchVerdict =
  | { kind: 'go'; reservation: CapReservation | undefined }
  | { kind: 'capped' }
  | { kind: 'wait'; until: number };

/** A 131049 refusal the queue reschedules: the job to run again, and when. */
export interface Deferral {
  /** The job for the next round: `deferrals` counted, attempts reset, `priorAttempts` carried. */
  job: SendJob;
  /** The 131049 error. */
  error: WhatsAppError;
  /** Which deferral this is, 1-based. */
  deferral: number;
  /** Not before this instant (epoch ms). */
  until: number;
}

/**
 * The campaign-governance steps that run when a send is about to go, for adapters whose workers run
 * them ({@link QueueAdapter.schedulesDelayed}): the same steps, with the same settings, as the in-process
 * governance of the memory adapter. A worker calls {@link DispatchGate.dueAt} when it picks a job up
 * (re-checks `notBefore` and the send window: a job early for its time goes back to waiting), then
 * {@link DispatchGate.reserve} (the frequency cap), sends, and hands the outcome to
 * {@link DispatchGate.settle}.
 */
export interface DispatchGate {
  /** The earliest instant (epoch ms, at least now) the job may go. */
  dueAt(job: SendJob): number;
  /**
   * Takes the job's portfolio-budget reach (business-initiated, with a budget) and then its frequency-cap
   * slot (marketing with a cap), each atomically in its ledger; `wait` when the budget is spent. `holder`: a
   * stable id of the send, unique across every queue sharing the ledger, so that a re-run after a
   * crash keeps the slot its first run took (see `FrequencyCapLedger.tryReserve`).
   */
  reserve(job: SendJob, holder?: string): Promise<DispatchVerdict>;
  /** Gives a slot back (the send did not happen: delayed for a retry, for spacing...). */
  release(reservation: CapReservation | undefined): void;
  /**
   * After a send: gives the slot back when the message did not reach the recipient; returns the
   * {@link Deferral} when a 131049 answer reschedules it (already reported as a `deferred` event), else
   * `undefined` (the outcome is final).
   */
  settle(job: SendJob, outcome: SendOutcome, reservation: CapReservation | undefined): Deferral | undefined;
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
  /** The dispatch-time governance, for adapters that set {@link QueueAdapter.schedulesDelayed}. */
  readonly governance: DispatchGate;
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
  /**
   * True when the adapter keeps sends that wait for their time itself, durably (the BullMQ adapter:
   * as delayed jobs in Redis, which survive a restart). `SendQueue` then hands it each job at once with
   * the instant it is due, and the adapter's workers run the dispatch-time governance
   * ({@link QueueRuntime.governance}: due time again, frequency cap, 131049 deferrals). Absent or false
   * (the memory adapter): `SendQueue` holds waiting sends in its own process and runs those steps
   * itself before {@link QueueAdapter.add}.
   */
  readonly schedulesDelayed?: boolean;
  /**
   * A frequency-cap ledger every process of this adapter shares (the BullMQ adapter: Redis, on its
   * connection). `SendQueue` uses it when the user gives no `frequencyCapLedger`.
   */
  sharedFrequencyCapLedger?(): FrequencyCapLedger;
  /**
   * A portfolio messaging budget every process of this adapter shares (the BullMQ adapter: Redis, on
   * its connection, for this queue). `SendQueue` uses it for `messagingLimit` when the user gives no
   * `portfolioBudget`.
   */
  sharedPortfolioBudget?(limit: MessagingLimit): PortfolioBudget;
  /** Called once by the `SendQueue` that owns the adapter. */
  attach(runtime: QueueRuntime): void;
  /**
   * Queues a job; resolves with its outcome (never rejects). `dueAt` (epoch ms, only given to adapters
   * that set `schedulesDelayed`): do not start it before then.
   */
  add(job: SendJob, dueAt?: number): Promise<SendOutcome>;
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
  /**
   * Changes the throughput limit of the number from now on (after Meta's `THROUGHPUT_UPGRADE`).
   * Optional: an adapter without it keeps the limit it was attached with.
   */
  setMessagesPerSecond?(messagesPerSecond: number): void;
}
