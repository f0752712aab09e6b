import type { CampaignFacts } from '../../../metrics/message-facts.js';
import { type SummarizeOptions, summarizeMessageFacts } from '../../../metrics/metrics-from-facts.js';
import { resolveMetricsQuery } from '../../../metrics/metrics-query.js';
import type { CampaignMetrics, MetricsQuery } from '../../../metrics/metrics-types.js';

/**
 * Step 2 for a store's `aggregate`: summarizes SQL-folded facts with the same options
 * `computeCampaignMetrics` passes on its generic path, so both give the same numbers.
 */
export function summarizeCampaign(facts: CampaignFacts, query: MetricsQuery): CampaignMetrics {
  const q = resolveMetricsQuery(query);
  const options: SummarizeOptions = { timeZone: q.timeZone };
  if (q.groupBy) options.groupBy = q.groupBy;
  if (q.rateCard) options.rateCard = q.rateCard;
  return summarizeMessageFacts(facts, options);
}
