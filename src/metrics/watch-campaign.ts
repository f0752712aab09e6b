import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../errors/index.js';
import type { EventStore } from '../events/event-store.js';
import { computeCampaignMetrics } from './compute-campaign-metrics.js';
import { LiveCampaignFold } from './live-campaign-fold.js';
import { resolveMetricsQuery } from './metrics-query.js';
import type { CampaignMetrics, MetricsQuery } from './metrics-types.js';
import { type SendingCampaign, type SendProgress, SendProgressTracker } from './send-progress.js';

/** Options of {@link watchCampaign}. */
export interface WatchCampaignOptions {
  /** How often to look for new events, in ms (default 1000). */
  intervalMs?: number;
  /** Ends the iteration (quietly, without an error) when aborted. */
  signal?: AbortSignal;
  /**
   * The campaign being sent in this process (the handle `queue.sendCampaign()` returns), or a function
   * asked every interval until it returns one (for a campaign not started yet): adds its progress to
   * each update. Without it, `progress` is `undefined`.
   */
  sending?: SendingCampaign | (() => SendingCampaign | undefined);
}

/** One value of {@link watchCampaign}: the metrics and, while a campaign is sent in this process, its progress. */
export interface LiveCampaign {
  /** Equal to `computeCampaignMetrics` at this point. */
  metrics: CampaignMetrics;
  /** Queued, sent, waiting, skipped by reason (only with the `sending` option, once it names a campaign). */
  progress: SendProgress | undefined;
}

const OPTION_KEYS = new Set(['intervalMs', 'signal', 'sending']);
const DEFAULT_INTERVAL_MS = 1000;

function checkOptions(options: WatchCampaignOptions, caller: string): number {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new ConfigError(`${caller}: unknown option "${key}"`);
  }
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new ConfigError(`${caller}: intervalMs must be a positive number`);
  }
  const { sending } = options;
  if (sending !== undefined && typeof sending !== 'function' && typeof sending.progress !== 'function') {
    throw new ConfigError(`${caller}: sending must be a campaign handle (queue.sendCampaign) or a function`);
  }
  return intervalMs;
}

/** The metrics now, folded incrementally when the store and query allow it. */
function metricsReader(store: EventStore, query: MetricsQuery): () => Promise<CampaignMetrics> {
  if (!LiveCampaignFold.supports(store, query)) return () => computeCampaignMetrics(store, query);
  const fold = new LiveCampaignFold(store, query);
  let started = false;
  return async () => {
    if (started) await fold.update();
    else await fold.start();
    started = true;
    return fold.metrics();
  };
}

/** What tells two updates apart: the rate and ETA drift with the clock alone, so they do not count. */
function fingerprint(update: LiveCampaign): string {
  if (update.progress === undefined) return JSON.stringify(update.metrics);
  const { ratePerSecond: _r, etaMs: _e, ...counts } = update.progress;
  return JSON.stringify([update.metrics, counts]);
}

/**
 * Live metrics and send progress: yields a campaign's {@link CampaignMetrics} (and, with `sending`,
 * its {@link SendProgress}) at once, then again each time they change (looking every `intervalMs`),
 * until `signal` aborts or the loop breaks. Every `metrics` equals what {@link computeCampaignMetrics}
 * returns at that point.
 *
 * An update costs what was appended since the last one, not the campaign's size, when the store has the
 * optional change feed (`readSince` and `latestCursor`: the memory, SQLite and PostgreSQL stores do):
 * the folded state is kept, only the people the new events concern are re-folded, and the summary is
 * corrected for them alone. A store without the feed, or a query with `blockInference` (whose result
 * depends on the time of asking), gets a full `computeCampaignMetrics` every interval instead.
 *
 * Progress comes from the campaign handle, so only the process that sends sees it (skips and waiting
 * messages are not stored); elsewhere the metrics' `sent` and `rejected` show what was stored.
 *
 * @example
 * ```ts
 * const campaign = queue.sendCampaign({ campaignId: 'spring', recipients, build });
 * for await (const { metrics, progress } of watchCampaign(store, { campaignId: 'spring' }, { sending: campaign })) {
 *   console.log(progress?.sent, progress?.waiting, metrics.delivered);
 *   if (progress?.done) break;
 * }
 * ```
 */
export async function* watchCampaign(
  store: EventStore,
  query: MetricsQuery,
  options: WatchCampaignOptions = {},
): AsyncGenerator<LiveCampaign, void, undefined> {
  yield* watch(store, query, options, 'watchCampaign');
}

/**
 * The loop behind {@link watchCampaign} and `watchCampaignMetrics` (`caller` names errors).
 *
 * @internal
 */
export async function* watch(
  store: EventStore,
  query: MetricsQuery,
  options: WatchCampaignOptions,
  caller: string,
): AsyncGenerator<LiveCampaign, void, undefined> {
  const intervalMs = checkOptions(options, caller);
  const { campaignId } = resolveMetricsQuery(query);
  const { signal, sending } = options;
  if (signal?.aborted) return;
  const readMetrics = metricsReader(store, query);
  let tracker: SendProgressTracker | undefined;
  const follow = (): void => {
    if (tracker !== undefined || sending === undefined) return;
    const campaign = typeof sending === 'function' ? sending() : sending;
    if (campaign === undefined) return;
    if (campaign.campaignId !== campaignId) {
      throw new ConfigError(
        `${caller}: sending is campaign "${campaign.campaignId}", not the watched "${campaignId}"`,
      );
    }
    tracker = new SendProgressTracker(campaign);
  };
  let last: string | undefined;
  try {
    for (;;) {
      follow();
      const update: LiveCampaign = { metrics: await readMetrics(), progress: tracker?.progress() };
      const key = fingerprint(update);
      if (key !== last) {
        last = key;
        yield update;
      }
      if (signal?.aborted) return;
      try {
        await sleep(intervalMs, undefined, signal ? { signal } : {});
      } catch (error) {
        if (signal?.aborted) return;
        throw error;
      }
    }
  } finally {
    tracker?.close();
  }
}
