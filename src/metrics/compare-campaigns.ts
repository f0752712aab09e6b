import { ValidationError } from '../errors/index.js';
import type { EventStore } from '../events/event-store.js';
import { compareVariants, type RateMetric, type VariantComparison } from './compare-variants.js';
import { computeCampaignMetrics } from './compute-campaign-metrics.js';
import type { CampaignMetrics, MetricsQuery } from './metrics-types.js';

/** How {@link compareCampaigns} measures each campaign, and which rate it tests between them. */
export type CompareCampaignsQuery = Omit<MetricsQuery, 'campaignId'> & {
  /** Also test this rate between every two campaigns (two-proportion z-test, as {@link compareVariants}). */
  metric?: RateMetric;
  /** Confidence level of the pairwise tests (default 0.95). */
  confidenceLevel?: number;
};

/** One campaign's row of a {@link CampaignsComparison}. */
export interface CampaignRow {
  /** The campaign. */
  campaignId: string;
  /** Exactly what `computeCampaignMetrics(store, { ...query, campaignId })` returns. */
  metrics: CampaignMetrics;
}

/** The test of the chosen rate between two campaigns of a {@link CampaignsComparison}. */
export interface CampaignPairComparison {
  /** The baseline campaign (earlier in the list). */
  a: string;
  /** The challenger (later in the list). */
  b: string;
  /** How `b` differs from `a` on the chosen rate. */
  comparison: VariantComparison;
}

/** What {@link compareCampaigns} returns. */
export interface CampaignsComparison {
  /** One row per campaign, in the order asked. */
  campaigns: CampaignRow[];
  /** With `metric`: every pair (a before b in the list); empty without it. */
  pairs: CampaignPairComparison[];
}

/**
 * Several campaigns side by side: one row per campaign with the same numbers
 * {@link computeCampaignMetrics} gives each (same attribution, query options and store push-down), and,
 * when `metric` is set, whether that rate differs significantly between every two of them.
 *
 * @example
 * ```ts
 * const { campaigns, pairs } = await compareCampaigns(store, ['spring', 'summer'],
 *   { metric: 'clickThroughRate', rateCard: { marketing: 0.0613 } });
 * for (const row of campaigns) console.log(row.campaignId, row.metrics.clickThroughRate);
 * if (pairs[0]?.comparison.significant) console.log('summer and spring differ');
 * ```
 */
export async function compareCampaigns(
  store: EventStore,
  campaignIds: readonly string[],
  query: CompareCampaignsQuery = {},
): Promise<CampaignsComparison> {
  const { metric, confidenceLevel, ...metricsQuery } = query;
  if (new Set(campaignIds).size !== campaignIds.length) {
    throw new ValidationError(
      [{ path: 'campaignIds', message: 'lists a campaign twice' }],
      'campaign comparison',
    );
  }
  const campaigns: CampaignRow[] = [];
  // One at a time: each computation already keeps the store busy (and PostgreSQL works while we fold).
  for (const campaignId of campaignIds) {
    campaigns.push({
      campaignId,
      metrics: await computeCampaignMetrics(store, { ...metricsQuery, campaignId }),
    });
  }
  const pairs: CampaignPairComparison[] = [];
  if (metric !== undefined) {
    const options = confidenceLevel === undefined ? {} : { confidenceLevel };
    for (let i = 0; i < campaigns.length; i++) {
      for (let j = i + 1; j < campaigns.length; j++) {
        const a = campaigns[i]!;
        const b = campaigns[j]!;
        pairs.push({
          a: a.campaignId,
          b: b.campaignId,
          comparison: compareVariants(a.metrics, b.metrics, metric, options),
        });
      }
    }
  }
  return { campaigns, pairs };
}
