import type { EnqueueOptions, RetryInfo } from './adapter.js';
import type { CampaignPauseInfo } from './governance/campaign-pauses.js';
import type { DeferredInfo } from './governance/send-governance.js';
import type { ObservedWebhookEvent } from './governance/webhook-signals.js';
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
  /** Sent templates Meta answered with `message_status: held_for_quality_assessment` (template pacing). */
  heldForQualityAssessment: number;
}

/** Details of the `throughput_changed` event. */
export interface ThroughputChange {
  /** The new limit of the number, in messages per second. */
  messagesPerSecond: number;
  /** The webhook that raised it (`phone_number_quality_update`, `THROUGHPUT_UPGRADE`). */
  webhook: ObservedWebhookEvent;
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
  /**
   * A campaign was paused: its template was paused or disabled, the number's quality was flagged, or
   * `pause()` was called. Its queued sends wait (none is lost); see `reason` and `webhook`.
   */
  campaign_paused: (info: CampaignPauseInfo) => void;
  /** A paused campaign goes on: `resume()` was called, or Meta lifted the cause (`resumedBy`). */
  campaign_resumed: (info: CampaignPauseInfo) => void;
  /** The number's throughput limit changed (Meta's `THROUGHPUT_UPGRADE`: 1,000 messages per second). */
  throughput_changed: (change: ThroughputChange) => void;
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
