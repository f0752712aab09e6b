import type { EnqueueOptions, RetryInfo } from './adapter.js';
import type { DeferredInfo } from './governance/send-governance.js';
import type { SendOutcome } from './outcome.js';
import type { OutgoingMessageLike } from './send-client.js';

/** Payload of the `sent`, `failed`, `skipped` and `unknown` events. */
export interface SendResultEvent {
  /** How the message ended. */
  outcome: SendOutcome;
  /** The message as enqueued. */
  message: OutgoingMessageLike;
  /** The options it was enqueued with. */
  options: EnqueueOptions;
}

/** Running totals of one queue (the `progress` event and `queue.stats()`). */
export interface QueueStats {
  /** Messages Meta accepted. */
  sent: number;
  /** Messages that ended `failed`. */
  failed: number;
  /** Messages that ended `skipped`. */
  skipped: number;
  /** Messages that ended `unknown`. */
  unknown: number;
  /** Waiting (including delayed retries). */
  pending: number;
  /** Requests in flight. */
  inFlight: number;
}

/** Typed events of `SendQueue` (an eventemitter3 emitter). Outcome events fire in the enqueuing process. */
export interface SendQueueEvents {
  /** Meta accepted a message. */
  sent: (event: SendResultEvent) => void;
  /** A message failed for good. */
  failed: (event: SendResultEvent) => void;
  /** A message was not sent: suppressed, duplicate, or the queue closed. */
  skipped: (event: SendResultEvent) => void;
  /** No answer came back for a request that may have reached Meta; not re-sent. */
  unknown: (event: SendResultEvent) => void;
  /** An attempt failed and another is scheduled. */
  retry: (info: RetryInfo) => void;
  /** Meta refused a send with 131049 (per-user marketing limit); it is rescheduled, not failed. */
  deferred: (info: DeferredInfo) => void;
  /** Totals changed (after every outcome). */
  progress: (stats: QueueStats) => void;
  /** Nothing queued or in flight. */
  idle: () => void;
  /**
   * A background write failed: an `EventRecordError` (with the unwritten `events`) when the event store
   * refused a batch after its retries, the error of a suppression-list write, or an adapter's worker
   * error. The `onError` option gets it too (by default it is logged), so nothing vanishes unheard.
   */
  error: (error: unknown) => void;
}
