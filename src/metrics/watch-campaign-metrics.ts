import { ConfigError } from '../errors/index.js';
import type { EventStore } from '../events/event-store.js';
import type { CampaignMetrics, MetricsQuery } from './metrics-types.js';
import { watch } from './watch-campaign.js';

/** Options of {@link watchCampaignMetrics}. */
export interface WatchCampaignMetricsOptions {
  /** How often to look for new events, in ms (default 1000). */
  intervalMs?: number;
  /** Ends the iteration (quietly, without an error) when aborted. */
  signal?: AbortSignal;
}

/**
 * Live metrics: yields a campaign's {@link CampaignMetrics} at once, then again each time they change
 * (looking every `intervalMs`), until `signal` aborts or the loop breaks. Every value equals what
 * {@link computeCampaignMetrics} returns at that point. `watchCampaign` is the same feed with the
 * campaign's send progress beside the metrics.
 *
 * An update costs what was appended since the last one, not the campaign's size, when the store has the
 * optional change feed (`readSince` and `latestCursor`: the memory, SQLite and PostgreSQL stores do):
 * the folded state is kept and only the people the new events concern are re-folded (see the internal
 * `LiveCampaignFold`). A store without the feed, or a query with `blockInference` (whose result depends on
 * the time of asking), gets a full `computeCampaignMetrics` every interval instead.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * for await (const m of watchCampaignMetrics(store, { campaignId: 'spring' }, { signal: stop.signal })) {
 *   console.log(m.sent, m.delivered, m.read);
 * }
 * ```
 */
export async function* watchCampaignMetrics(
  store: EventStore,
  query: MetricsQuery,
  options: WatchCampaignMetricsOptions = {},
): AsyncGenerator<CampaignMetrics, void, undefined> {
  if ('sending' in options) throw new ConfigError('watchCampaignMetrics: unknown option "sending"');
  for await (const update of watch(store, query, options, 'watchCampaignMetrics')) yield update.metrics;
}
