export {
  type BenchmarkFinding,
  type BenchmarkRule,
  benchmarkCampaign,
  DEFAULT_BENCHMARK_RULES,
} from './benchmark-campaign.js';
export { CampaignFactsBuilder } from './campaign-facts-builder.js';
export type {
  BlockInferenceOptions,
  CampaignMetrics,
  FailureCount,
  MetricsGroupBy,
  MetricsQuery,
  OptOutDetectionOptions,
  RateCard,
} from './campaign-metrics.js';
export {
  type CompareVariantsOptions,
  type CountKey,
  compareVariants,
  MIN_EXPECTED,
  MIN_TRIALS,
  RATE_DEFINITIONS,
  type RateMetric,
  type VariantComparison,
  type VariantSample,
} from './compare-variants.js';
export { collectCampaignFacts, computeCampaignMetrics } from './compute-campaign-metrics.js';
export { eventKey } from './event-key.js';
export type { EventFilter, EventStore } from './event-store.js';
export { type HashRecipientsOptions, hashRecipientId, hashRecipients } from './hash-recipients.js';
export { IdentityLinks, identityPairs } from './identity-links.js';
export type { CampaignFacts, MessageFacts, RejectionFacts } from './message-facts.js';
export {
  DEFAULT_ATTRIBUTION_WINDOW_MS,
  type ResolvedMetricsQuery,
  resolveMetricsQuery,
} from './metrics-query.js';
export { normalizeRecipientId } from './recipient-id.js';
export type { StatusSummary } from './status-summary.js';
export type * from './stored-event.js';
export { assertStoredEvents, storedEventSchema } from './stored-event-schema.js';
export { MemoryEventStore, type MemoryEventStoreOptions } from './stores/memory.js';
export { type SummarizeOptions, summarizeMessageFacts } from './summarize.js';
