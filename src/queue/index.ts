/** The send queue, its options, outcomes and events (public: every name here is exported from the root; adapter-author types are in src/adapters.ts). */

export type { EnqueueOptions } from './adapter.js';
export { MemoryQueueAdapter, type MemoryQueueAdapterOptions } from './adapters/memory/index.js';
export type { BackgroundErrorHandler } from './background-errors.js';
export type {
  CampaignBuildContext,
  CampaignEvents,
  CampaignHandle,
  CampaignHeldRecipients,
  CampaignPauseControl,
  CampaignProgress,
  CampaignQueue,
  CampaignSpec,
} from './campaign.js';
export type { QueueEventSink, QueueSuppressionList } from './collaborators.js';
export {
  DISCOUNT_CODE_METADATA_KEY,
  type IssueCodesOptions,
  READABLE_CODE_ALPHABET,
  randomCode,
} from './discount-codes.js';
export { EventRecordError } from './event-record-error.js';
export type { CampaignPauseInfo } from './governance/campaign-pauses.js';
export {
  type FrequencyCap,
  type FrequencyCapLedger,
  type FrequencyCapRedis,
  MemoryFrequencyCapLedger,
  RedisFrequencyCapLedger,
  type RedisFrequencyCapLedgerOptions,
} from './governance/frequency-cap.js';
export type { GovernanceOptions } from './governance/governance-options.js';
export type { MessageCategory } from './governance/message-category.js';
export {
  type MessagingLimit,
  type MessagingLimitTier,
  messagingLimitOf,
  parseMessagingLimit,
} from './governance/messaging-limit.js';
export {
  type BudgetReservation,
  MemoryPortfolioBudget,
  type MemoryPortfolioBudgetOptions,
  type PortfolioBudget,
} from './governance/portfolio-budget.js';
export { type PreSendRule, type PreSendRuleInput, RULE_ERROR } from './governance/pre-send-rules.js';
export {
  RedisPortfolioBudget,
  type RedisPortfolioBudgetOptions,
} from './governance/redis-portfolio-budget.js';
export type { DeferredInfo } from './governance/send-governance.js';
export { SendWindow, type SendWindowOptions } from './governance/send-window.js';
export type { ObservedWebhookEvent, PauseReason } from './governance/webhook-signals.js';
export { isHeldOut } from './holdout.js';
export type { SendOutcome, SendStatus, SkipReason } from './outcome.js';
export type { QueueStats, SendQueueEvents, SendResultEvent, ThroughputChange } from './queue-events.js';
export type { RetrySettings } from './retry-policy.js';
export type { OutgoingMessageLike, QueueClient, SendResultLike, TemplateLike } from './send-client.js';
export { SendQueue } from './send-queue.js';
export type { SendQueueOptions } from './send-queue-options.js';
export { NOT_MARKETING_ELIGIBLE, type SendRoute } from './send-route.js';
export type { VariantSpec } from './variants.js';
