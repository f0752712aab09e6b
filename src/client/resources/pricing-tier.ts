import type { PricingAnalyticsDataPoint, PricingTierRange } from './insights-types.js';

const TIER = /^(\d+):(\d+|MAX)$/i;

/**
 * Parses a pricing analytics tier, `"LOWER:UPPER"` or `"LOWER:MAX"`, into numbers (`upper: null` for
 * the open-ended top tier). Returns `undefined` for a string of another shape, so a new Meta format
 * never throws inside an iteration.
 */
export function parsePricingTier(tier: string): PricingTierRange | undefined {
  const match = TIER.exec(tier.trim());
  if (!match) return undefined;
  const lower = Number(match[1]);
  const upper = (match[2] as string).toUpperCase() === 'MAX' ? null : Number(match[2]);
  if (upper !== null && upper < lower) return undefined;
  return { lower, upper };
}

/**
 * Messages left before a market-category moves to the next volume tier: the tier's upper bound
 * minus the month's volume so far (never below 0); `null` in the top tier.
 */
export function messagesToNextTier(tier: PricingTierRange, monthToDateVolume: number): number | null {
  return tier.upper === null ? null : Math.max(0, tier.upper - monthToDateVolume);
}

/** Where one market-category stands in its volume tiers for one month (see {@link tierProgress}). */
export interface TierProgress {
  /** Recipient country, when the points carry it. */
  country: string | undefined;
  /** Pricing category, when the points carry it. */
  pricingCategory: string | undefined;
  /** Start of the month (the points' `start`), Unix seconds. */
  periodStart: number;
  /** Messages counted in the month so far, summed over its tiers. */
  volume: number;
  /** The highest tier reached. */
  tier: PricingTierRange;
  /** Messages until the next tier; `null` in the top tier. */
  messagesToNextTier: number | null;
}

/**
 * Folds pricing analytics points (asked with `granularity: 'MONTHLY'` and dimensions `TIER`,
 * `COUNTRY`, `PRICING_CATEGORY`) into one row per month, country and category: the month's volume,
 * the highest tier reached and the messages left before the next one. Points without a parsable
 * tier are ignored. Tiers apply to utility and authentication volume.
 */
export function tierProgress(points: Iterable<PricingAnalyticsDataPoint>): TierProgress[] {
  const rows = new Map<string, TierProgress>();
  for (const point of points) {
    const tier = point.tierRange ?? (point.tier ? parsePricingTier(point.tier) : undefined);
    if (!tier) continue;
    // A MONTHLY point starts at the month's first midnight in the WABA's time zone: same month, same start.
    const key = `${point.country ?? ''}|${point.pricing_category ?? ''}|${point.start}`;
    const row = rows.get(key);
    const volume = point.volume ?? 0;
    if (!row) {
      rows.set(key, {
        country: point.country,
        pricingCategory: point.pricing_category,
        periodStart: point.start,
        volume,
        tier,
        messagesToNextTier: null,
      });
      continue;
    }
    row.volume += volume;
    if (tier.lower > row.tier.lower) row.tier = tier;
  }
  const out = [...rows.values()];
  for (const row of out) row.messagesToNextTier = messagesToNextTier(row.tier, row.volume);
  return out;
}
