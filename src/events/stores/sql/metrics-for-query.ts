import type { CampaignFacts } from '../../../metrics/message-facts.js';
import { type SummarizeOptions, summarizeMessageFacts } from '../../../metrics/metrics-from-facts.js';
import { resolveMetricsQuery } from '../../../metrics/metrics-query.js';
import type { CampaignMetrics, MetricsQuery } from '../../../metrics/metrics-types.js';

/**
 * Step 2 for a store's `aggregate`: summarizes SQL-folded facts with the same options
 * `computeCampaignMetrics` passes on its generic path, so both give the same numbers.
 */
export function summarizeCampaign(facts: CampaignFacts, query: MetricsQuery): CampaignMetrics {
  return summarizeMessageFacts(facts, summarizeOptions(query));
}

/** The summary options of `query` (grouping, rate card, time zone), as `computeCampaignMetrics` passes them. */
export function summarizeOptions(query: MetricsQuery): SummarizeOptions {
  const q = resolveMetricsQuery(query);
  const options: SummarizeOptions = { timeZone: q.timeZone };
  if (q.groupBy) options.groupBy = q.groupBy;
  if (q.rateCard) options.rateCard = q.rateCard;
  return options;
}
