import { RATE_DEFINITIONS as METRIC_RATE_DEFINITIONS, type RateMetric } from '../metrics/compare-variants.js';
import type { CampaignMetrics } from '../metrics/metrics-types.js';

/** A rate of {@link CampaignMetrics} with the counts it is made of, so an interval can be computed. */
export interface RateDefinition {
  /** The metric's key in CampaignMetrics, e.g. `clickThroughRate`. */
  key: keyof CampaignMetrics;
  /** Human label, e.g. `Click-through rate`. */
  label: string;
  /** The numerator count. */
  successes: (m: CampaignMetrics) => number;
  /** The denominator count. */
  trials: (m: CampaignMetrics) => number;
}

/** Display labels of the rates the report shows per variant, in display order. */
const RATE_LABELS: ReadonlyArray<readonly [RateMetric, string]> = [
  ['deliveryRate', 'Delivery rate'],
  ['readRate', 'Read rate'],
  ['clickThroughRate', 'Click-through rate'],
  ['replyRate', 'Reply rate'],
  ['optOutRate', 'Opt-out rate'],
  ['conversionRate', 'Conversion rate'],
  ['failureRate', 'Failure rate'],
];

/**
 * The rates the report shows per variant, in display order. Numerators and denominators come from the
 * metrics module's definitions, so the report can never disagree with `computeCampaignMetrics`.
 */
export const RATE_DEFINITIONS: readonly RateDefinition[] = RATE_LABELS.map(([key, label]) => {
  const { successes, trials } = METRIC_RATE_DEFINITIONS[key];
  return {
    key,
    label,
    successes: (m: CampaignMetrics) => m[successes],
    trials: (m: CampaignMetrics) => m[trials],
  };
});

/** The display label of a metric key (`clickThroughRate` → `Click-through rate`), or the key itself. */
export function metricLabel(key: string): string {
  return RATE_DEFINITIONS.find((d) => d.key === key)?.label ?? key;
}
