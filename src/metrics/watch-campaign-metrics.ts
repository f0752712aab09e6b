import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../errors/index.js';
import type { EventStore } from '../events/event-store.js';
import { computeCampaignMetrics } from './compute-campaign-metrics.js';
import { LiveCampaignFold } from './live-campaign-fold.js';
import { resolveMetricsQuery } from './metrics-query.js';
import type { CampaignMetrics, MetricsQuery } from './metrics-types.js';

/** Options of {@link watchCampaignMetrics}. */
export interface WatchCampaignMetricsOptions {
  /** How often to look for new events, in ms (default 1000). */
  intervalMs?: number;
  /** Ends the iteration (quietly, without an error) when aborted. */
  signal?: AbortSignal;
}

const OPTION_KEYS = new Set(['intervalMs', 'signal']);
const DEFAULT_INTERVAL_MS = 1000;

function checkOptions(options: WatchCampaignMetricsOptions): number {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new ConfigError(`watchCampaignMetrics: unknown option "${key}"`);
  }
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new ConfigError('watchCampaignMetrics: intervalMs must be a positive number');
  }
  return intervalMs;
}

/**
 * Live metrics: yields a campaign's {@link CampaignMetrics} at once, then again each time they change
 * (looking every `intervalMs`), until `signal` aborts or the loop breaks. Every value equals what
 * {@link computeCampaignMetrics} returns at that point.
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
  const intervalMs = checkOptions(options);
  resolveMetricsQuery(query);
  const { signal } = options;
  if (signal?.aborted) return;
  let next: () => Promise<CampaignMetrics>;
  if (LiveCampaignFold.supports(store, query)) {
    const fold = new LiveCampaignFold(store, query);
    let started = false;
    next = async () => {
      if (started) await fold.update();
      else await fold.start();
      started = true;
      return fold.metrics();
    };
  } else {
    next = () => computeCampaignMetrics(store, query);
  }
  let last: string | undefined;
  for (;;) {
    const metrics = await next();
    const json = JSON.stringify(metrics);
    if (json !== last) {
      last = json;
      yield metrics;
    }
    if (signal?.aborted) return;
    try {
      await sleep(intervalMs, undefined, signal ? { signal } : {});
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
  }
}
