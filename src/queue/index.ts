export type {
  AttemptResult,
  EnqueueOptions,
  QueueAdapter,
  QueueCounts,
  QueueRuntime,
  RetryInfo,
  SendJob,
} from './adapter.js';
export { MemoryQueueAdapter, type MemoryQueueAdapterOptions } from './adapters/memory/index.js';
export type { BackgroundErrorHandler } from './background-errors.js';
export type {
  CampaignBuildContext,
  CampaignEvents,
  CampaignHandle,
  CampaignProgress,
  CampaignQueue,
  CampaignSpec,
} from './campaign.js';
export type { QueueEventSink, QueueSuppressionList } from './collaborators.js';
export { EventRecordError } from './event-record-error.js';
export type { SendOutcome, SendStatus, SkipReason } from './outcome.js';
export { PairLimiter } from './pair-limiter.js';
export { preflightTemplate } from './preflight.js';
export type { QueueStats, SendQueueEvents, SendResultEvent } from './queue-events.js';
export {
  type AttemptContext,
  decideRetry,
  equalJitterDelay,
  fullJitterDelay,
  type RetryDecision,
  type RetrySettings,
} from './retry-policy.js';
export type { OutgoingMessageLike, QueueClient, SendResultLike, TemplateLike } from './send-client.js';
export { SendQueue } from './send-queue.js';
export type { SendQueueOptions } from './send-queue-options.js';
export { ThroughputLimiter, type ThroughputLimiterOptions } from './throughput-limiter.js';
export { assignVariant, type VariantSpec } from './variants.js';
