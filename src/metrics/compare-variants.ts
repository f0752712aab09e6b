import { ValidationError } from '../errors/index.js';
import type { CampaignMetrics } from './metrics-types.js';
import { normalQuantile, twoSidedPValue } from './normal-distribution.js';

/** The rate metrics {@link compareVariants} can compare. */
export type RateMetric =
  | 'deliveryRate'
  | 'readRate'
  | 'clickThroughRate'
  | 'replyRate'
  | 'optOutRate'
  | 'blockRate'
  | 'failureRate'
  | 'conversionRate';

/** A count field of {@link CampaignMetrics} that serves as a rate's successes or trials. */
export type CountKey =
  | 'sent'
  | 'delivered'
  | 'read'
  | 'failed'
  | 'clicked'
  | 'replied'
  | 'optedOut'
  | 'blocked'
  | 'converted';

/** Numerator and denominator of each rate metric (see the metric table in docs/metrics.md). */
export const RATE_DEFINITIONS: Readonly<Record<RateMetric, { successes: CountKey; trials: CountKey }>> =
  Object.freeze({
    deliveryRate: { successes: 'delivered', trials: 'sent' },
    readRate: { successes: 'read', trials: 'delivered' },
    clickThroughRate: { successes: 'clicked', trials: 'delivered' },
    replyRate: { successes: 'replied', trials: 'delivered' },
    optOutRate: { successes: 'optedOut', trials: 'delivered' },
    blockRate: { successes: 'blocked', trials: 'sent' },
    failureRate: { successes: 'failed', trials: 'sent' },
    conversionRate: { successes: 'converted', trials: 'delivered' },
  });

/** Smallest denominator per variant before the normal approximation is trusted. */
export const MIN_TRIALS = 30;
/** Smallest expected number of successes and of non-successes per variant (under the pooled rate). */
export const MIN_EXPECTED = 5;

/** One side of a {@link VariantComparison}. */
export interface VariantSample {
  /** Numerator of the rate (e.g. `clicked`). */
  successes: number;
  /** Denominator of the rate (e.g. `delivered`). */
  trials: number;
  /** successes / trials, or `null` when trials is 0. */
  rate: number | null;
}

/** Options of {@link compareVariants}. */
export interface CompareVariantsOptions {
  /** Confidence level of the interval and of `significant` (default 0.95). */
  confidenceLevel?: number;
}

/** The result of {@link compareVariants}: how B differs from A on one rate. No field is ever `NaN`. */
export interface VariantComparison {
  /** The compared rate. */
  metric: RateMetric;
  /** Variant A (the baseline). */
  a: VariantSample;
  /** Variant B (the challenger). */
  b: VariantSample;
  /** rateB − rateA (absolute, in rate units), or `null` when a side has no trials. */
  difference: number | null;
  /** Relative lift (rateB − rateA) / rateA, or `null` when rateA is 0 or missing. */
  lift: number | null;
  /** The confidence level used. */
  confidenceLevel: number;
  /** Wald interval of `difference` at `confidenceLevel`, or `null` when a side has no trials. */
  confidenceInterval: { lower: number; upper: number } | null;
  /** Two-proportion z statistic (pooled), or `null` when a side has no trials. */
  zScore: number | null;
  /** Two-sided p-value of the pooled two-proportion z-test, or `null` when a side has no trials. */
  pValue: number | null;
  /** `pValue < 1 − confidenceLevel` and the sample-size rule holds. */
  significant: boolean;
  /** Whether both variants meet the minimum sample rule (see {@link compareVariants}). */
  sampleSizeOk: boolean;
  /** Why the result should not be trusted yet, in plain words (empty when fine). */
  warnings: string[];
}

function sample(
  metrics: CampaignMetrics,
  metric: RateMetric,
  side: string,
  warnings: string[],
): VariantSample {
  const definition = RATE_DEFINITIONS[metric];
  const trials = metrics[definition.trials];
  let successes = metrics[definition.successes];
  if (successes > trials) {
    warnings.push(
      `variant ${side}: ${definition.successes} (${successes}) exceeds ${definition.trials} (${trials}); capped for the test`,
    );
    successes = trials;
  }
  return { successes, trials, rate: trials === 0 ? null : successes / trials };
}

/**
 * Compares one rate between two variants (two-proportion z-test): B's lift over A, a Wald confidence
 * interval of the difference (95% by default) and a two-sided p-value (pooled standard error).
 *
 * Minimum sample rule (`sampleSizeOk`): each variant has at least 30 trials (the
 * rate's denominator) and, under the pooled rate, at least 5 expected successes and
 * 5 expected non-successes. Below it the normal approximation is unreliable: the
 * numbers are still returned, with a warning, and `significant` is false. Zero cases never produce
 * `NaN`: a side with no trials gives `null` statistics; identical all-or-nothing rates give p = 1.
 *
 * @example
 * ```ts
 * const { groups } = await computeCampaignMetrics(store, { campaignId: 'spring', groupBy: 'variant' });
 * const [a, b] = groups!;
 * const result = compareVariants(a!.metrics, b!.metrics, 'clickThroughRate');
 * if (result.significant) console.log(`B lifts CTR by ${(result.lift! * 100).toFixed(1)}%`);
 * ```
 */
export function compareVariants(
  a: CampaignMetrics,
  b: CampaignMetrics,
  metric: RateMetric,
  options: CompareVariantsOptions = {},
): VariantComparison {
  if (!(metric in RATE_DEFINITIONS)) {
    throw new ValidationError(
      [{ path: 'metric', message: `not a rate metric: ${String(metric)}` }],
      'comparison',
    );
  }
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
    throw new ValidationError(
      [{ path: 'confidenceLevel', message: 'must be between 0 and 1 (exclusive)' }],
      'comparison',
    );
  }
  const warnings: string[] = [];
  const sa = sample(a, metric, 'A', warnings);
  const sb = sample(b, metric, 'B', warnings);
  const result: VariantComparison = {
    metric,
    a: sa,
    b: sb,
    difference: null,
    lift: null,
    confidenceLevel,
    confidenceInterval: null,
    zScore: null,
    pValue: null,
    significant: false,
    sampleSizeOk: false,
    warnings,
  };
  if (sa.rate === null || sb.rate === null) {
    warnings.push('a variant has no trials: nothing to compare');
    return result;
  }
  const pa = sa.rate;
  const pb = sb.rate;
  const difference = pb - pa;
  result.difference = difference;
  result.lift = pa === 0 ? null : difference / pa;

  const pooled = (sa.successes + sb.successes) / (sa.trials + sb.trials);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / sa.trials + 1 / sb.trials));
  const z = pooledSe === 0 ? 0 : difference / pooledSe;
  result.zScore = z;
  result.pValue = pooledSe === 0 ? 1 : twoSidedPValue(z);

  const se = Math.sqrt((pa * (1 - pa)) / sa.trials + (pb * (1 - pb)) / sb.trials);
  const critical = normalQuantile(1 - (1 - confidenceLevel) / 2);
  result.confidenceInterval = { lower: difference - critical * se, upper: difference + critical * se };

  for (const [side, s] of [
    ['A', sa],
    ['B', sb],
  ] as const) {
    if (s.trials < MIN_TRIALS) warnings.push(`variant ${side}: only ${s.trials} trials (need ${MIN_TRIALS})`);
    const expectedSuccesses = s.trials * pooled;
    const expectedFailures = s.trials * (1 - pooled);
    if (expectedSuccesses < MIN_EXPECTED || expectedFailures < MIN_EXPECTED) {
      warnings.push(
        `variant ${side}: expected successes ${expectedSuccesses.toFixed(1)} / non-successes ${expectedFailures.toFixed(1)} (need ${MIN_EXPECTED} each)`,
      );
    }
  }
  result.sampleSizeOk = warnings.length === 0;
  result.significant = result.sampleSizeOk && result.pValue < 1 - confidenceLevel;
  return result;
}
