import type { CampaignMetrics } from './metrics-types.js';

/** One rule of thumb checked by {@link benchmarkCampaign}. */
export interface BenchmarkRule {
  /** The metric checked. */
  metric: 'readRate' | 'clickThroughRate' | 'optOutRate';
  /** `min`: the value should be at least `reference`; `max`: at most. */
  direction: 'min' | 'max';
  /** The reference value, as a fraction (0.85 = 85%). */
  reference: number;
}

/** The outcome of one {@link BenchmarkRule}. */
export interface BenchmarkFinding extends BenchmarkRule {
  /** The campaign's value (`null` when the metric has no data). */
  value: number | null;
  /** `ok`, `attention` (outside the reference range) or `no_data`. */
  status: 'ok' | 'attention' | 'no_data';
  /** A sentence for a report. */
  message: string;
}

/**
 * Reference ranges often quoted for WhatsApp marketing campaigns: read rate ≥ 85%, click-through ≥ 15%,
 * opt-out ≤ 0.6%. They are industry rules of thumb, not Meta figures and not truth for your audience.
 */
export const DEFAULT_BENCHMARK_RULES: readonly BenchmarkRule[] = Object.freeze([
  { metric: 'readRate', direction: 'min', reference: 0.85 },
  { metric: 'clickThroughRate', direction: 'min', reference: 0.15 },
  { metric: 'optOutRate', direction: 'max', reference: 0.006 },
]);

const LABELS: Record<BenchmarkRule['metric'], string> = {
  readRate: 'Read rate',
  clickThroughRate: 'Click-through rate',
  optOutRate: 'Opt-out rate',
};

function percent(value: number): string {
  return `${Number((value * 100).toFixed(2))}%`;
}

/**
 * Flags metrics outside commonly quoted reference ranges (read rate below 85%, CTR below 15%, opt-out
 * above 0.6%, or your own `rules`). A helper for spotting outliers, not a verdict: the ranges are rules
 * of thumb, and read rates are lower bounds because users can turn read receipts off.
 */
export function benchmarkCampaign(
  metrics: CampaignMetrics,
  rules: readonly BenchmarkRule[] = DEFAULT_BENCHMARK_RULES,
): BenchmarkFinding[] {
  return rules.map((rule) => {
    const value = metrics[rule.metric];
    const label = LABELS[rule.metric];
    if (value === null) {
      return { ...rule, value, status: 'no_data', message: `${label}: no delivered messages yet.` };
    }
    const outside = rule.direction === 'min' ? value < rule.reference : value > rule.reference;
    const bound = rule.direction === 'min' ? 'below' : 'above';
    return {
      ...rule,
      value,
      status: outside ? 'attention' : 'ok',
      message: outside
        ? `${label} ${percent(value)} is ${bound} the ${percent(rule.reference)} reference.`
        : `${label} ${percent(value)} is within the ${percent(rule.reference)} reference.`,
    };
  });
}
