/** Campaign metrics folded from stored events, A/B comparison, benchmarks (public: every name here is exported from the root). */

export {
  type BenchmarkFinding,
  type BenchmarkRule,
  benchmarkCampaign,
  DEFAULT_BENCHMARK_RULES,
} from './benchmark-campaign.js';
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
  type RateMetric,
  type VariantComparison,
  type VariantSample,
} from './compare-variants.js';
export { computeCampaignMetrics } from './compute-campaign-metrics.js';
export { computeHoldoutLift, holdoutLiftEstimate } from './holdout-lift.js';
export type { HoldoutArm, HoldoutLift, HoldoutLiftEstimate } from './holdout-types.js';
export type {
  AttributionWindowStart,
  BlockInferenceOptions,
  CampaignMetrics,
  FailureCount,
  MetricsGroupBy,
  MetricsQuery,
  RateCard,
} from './metrics-types.js';
export { NO_CURRENCY } from './revenue-currency.js';
export type {
  SendingCampaign,
  SendingCampaignCounts,
  SendingCampaignOutcome,
  SendProgress,
} from './send-progress.js';
export {
  computeServiceMetrics,
  DEFAULT_QUIET_PERIOD_MS,
  type DurationSummary,
  type ServiceGroupBy,
  type ServiceMetrics,
  type ServiceMetricsQuery,
} from './service-metrics.js';
export { summarizeCampaigns } from './summarize-campaigns.js';
export { type LiveCampaign, type WatchCampaignOptions, watchCampaign } from './watch-campaign.js';
export { type WatchCampaignMetricsOptions, watchCampaignMetrics } from './watch-campaign-metrics.js';
