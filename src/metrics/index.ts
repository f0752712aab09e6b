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
  type CampaignPairComparison,
  type CampaignRow,
  type CampaignsComparison,
  type CompareCampaignsQuery,
  compareCampaigns,
} from './compare-campaigns.js';
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
export type { CampaignFacts, MessageFacts, RejectionFacts } from './message-facts.js';
export {
  DEFAULT_ATTRIBUTION_WINDOW_MS,
  type ResolvedMetricsQuery,
  resolveMetricsQuery,
} from './metrics-query.js';
export { recipientCountry, UNKNOWN_COUNTRY } from './recipient-country.js';
export {
  computeServiceMetrics,
  DEFAULT_QUIET_PERIOD_MS,
  type DurationSummary,
  type ServiceGroupBy,
  type ServiceMetrics,
  type ServiceMetricsQuery,
} from './service-metrics.js';
export type { StatusSummary } from './status-summary.js';
export { type SummarizeOptions, summarizeMessageFacts } from './summarize.js';
