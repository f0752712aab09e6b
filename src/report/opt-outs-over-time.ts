import type { EventStore } from '../events/event-store.js';
import { collectCampaignFacts } from '../metrics/compute-campaign-metrics.js';
import type { CampaignFacts } from '../metrics/message-facts.js';
import type { MetricsQuery } from '../metrics/metrics-types.js';
import type { OptOutBucket } from './report-input.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Bucket sizes to choose from: the smallest that gives at most {@link MAX_BUCKETS} bars wins. */
const SIZES = [SECOND, 5 * SECOND, 15 * SECOND, MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 6 * HOUR, DAY];
const MAX_BUCKETS = 48;

function bucketSize(spanMs: number): number {
  for (const size of SIZES) if (spanMs / size < MAX_BUCKETS) return size;
  return Math.ceil(spanMs / MAX_BUCKETS / DAY) * DAY;
}

/** A store that folds campaign facts itself (the SQL stores do, in the database). */
interface FactsStore extends EventStore {
  campaignFacts(query: MetricsQuery): Promise<CampaignFacts>;
}

function hasCampaignFacts(store: EventStore): store is FactsStore {
  return typeof (store as Partial<FactsStore>).campaignFacts === 'function';
}

/**
 * Counts a campaign's opt-outs over time for the report's chart, in UTC buckets sized to the span
 * (from seconds to days, at most 48 bars), with empty buckets in between so the axis is even. It plots
 * exactly the messages counted in `optedOut` by `computeCampaignMetrics` with the same query (same
 * attribution, window and opt-out detection; 131050 failures are not new opt-outs), each at the time of
 * its earliest opt-out signal, so the bars add up to `optedOut`.
 */
export async function optOutsOverTime(
  store: EventStore,
  campaign: string | MetricsQuery,
): Promise<OptOutBucket[]> {
  const query: MetricsQuery = typeof campaign === 'string' ? { campaignId: campaign } : campaign;
  const facts = hasCampaignFacts(store)
    ? await store.campaignFacts(query)
    : await collectCampaignFacts(store, query);
  const times: number[] = [];
  for (const message of facts.messages) {
    if (message.optedOut && message.optedOutAt) times.push(message.optedOutAt.getTime());
  }
  if (times.length === 0) return [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const t of times) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const size = bucketSize(last - first);
  const start = Math.floor(first / size) * size;
  const counts = new Map<number, number>();
  for (const t of times) {
    const key = Math.floor(t / size) * size;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const buckets: OptOutBucket[] = [];
  for (let t = start; t <= last; t += size) buckets.push({ date: new Date(t), count: counts.get(t) ?? 0 });
  return buckets;
}
