import { ValidationError } from '../errors/index.js';
import type { EventStore } from '../events/event-store.js';
import { campaignFactsOf } from '../metrics/campaign-facts-of.js';
import { MIN_TRIALS } from '../metrics/compare-variants.js';
import { resolveMetricsQuery } from '../metrics/metrics-query.js';
import type { MetricsQuery } from '../metrics/metrics-types.js';
import { RecipientClock } from '../metrics/recipient-local-time.js';
import { type ProportionInterval, wilsonInterval } from './proportion-interval.js';

/** The rates a {@link SendTimeHeatmap} estimates per cell (all over delivered messages). */
export type SendTimeRate = 'readRate' | 'clickThroughRate' | 'replyRate';

/** The rates of a {@link SendTimeHeatmap}, in the order the report draws them. */
export const SEND_TIME_RATES: readonly SendTimeRate[] = ['readRate', 'clickThroughRate', 'replyRate'];

/** How {@link sendTimeHeatmap} measures: the metrics query of each campaign (no `groupBy`), and the cell minimum. */
export type SendTimeQuery = Omit<MetricsQuery, 'campaignId' | 'groupBy'> & {
  /** Delivered messages a cell needs before its rates count (default 30, as `compareVariants`). */
  minSample?: number;
};

/** One rate of one cell: the estimate and its 95% Wilson interval. */
export interface SendTimeEstimate {
  /** successes / delivered, or `null` with nothing delivered. */
  rate: number | null;
  /** 95% Wilson score interval, or `null` with nothing delivered. */
  interval: ProportionInterval | null;
}

/** The messages sent in one local weekday and hour, and how they did. */
export interface SendTimeCell {
  /** Local weekday of sending, `1 Mon` to `7 Sun`. */
  weekday: string;
  /** Local hour of sending, `00` to `23`. */
  hour: string;
  /** Messages sent. */
  sent: number;
  /** Of them, delivered (the denominator of every rate). */
  delivered: number;
  /** Delivered and read. */
  read: number;
  /** Delivered and clicked. */
  clicked: number;
  /** Delivered and replied to. */
  replied: number;
  /** Whether `delivered` reaches the minimum sample; below it the cell is shown but never "best". */
  enough: boolean;
  /** Read, click-through and reply rate with their intervals. */
  rates: Record<SendTimeRate, SendTimeEstimate>;
}

/** The best cell for one rate: the highest lower bound of the interval among cells with enough sample. */
export interface BestSendTime {
  /** Local weekday, `1 Mon` to `7 Sun`. */
  weekday: string;
  /** Local hour, `00` to `23`. */
  hour: string;
  /** The cell's rate and interval. */
  estimate: SendTimeEstimate;
}

/** What {@link sendTimeHeatmap} returns. */
export interface SendTimeHeatmap {
  /** The campaigns measured. */
  campaignIds: string[];
  /** The minimum delivered messages per cell that was applied. */
  minSample: number;
  /** Cells with at least one message, by weekday then hour. */
  cells: SendTimeCell[];
  /** Per rate, the best cell, or `null` when no cell has enough sample. */
  best: Record<SendTimeRate, BestSendTime | null>;
}

const SUCCESSES: Record<SendTimeRate, 'read' | 'clicked' | 'replied'> = {
  readRate: 'read',
  clickThroughRate: 'clicked',
  replyRate: 'replied',
};

function estimate(successes: number, trials: number): SendTimeEstimate {
  return { rate: trials === 0 ? null : successes / trials, interval: wilsonInterval(successes, trials) };
}

/**
 * When to send: read, click-through and reply rates of one or more campaigns by the recipient's local
 * weekday × hour of sending (local time as `groupBy: 'hour'` decides it, see docs/metrics.md), each with
 * a 95% Wilson interval. Cells with fewer than `minSample` delivered messages are kept but never chosen;
 * `best` names, per rate, the cell whose interval has the highest lower bound (a cautious choice: a small
 * lucky cell does not win). The messages, their states and attribution are exactly those of
 * `computeCampaignMetrics`. To test a send time, run variants that differ only in `notBefore` and compare
 * them with `compareVariants`.
 *
 * @example
 * ```ts
 * const heatmap = await sendTimeHeatmap(store, ['spring', 'summer'], { timeZone: 'Europe/Berlin' });
 * console.log(heatmap.best.clickThroughRate); // { weekday: '2 Tue', hour: '18', estimate: {...} }
 * ```
 */
export async function sendTimeHeatmap(
  store: EventStore,
  campaignIds: string | readonly string[],
  query: SendTimeQuery = {},
): Promise<SendTimeHeatmap> {
  const ids = typeof campaignIds === 'string' ? [campaignIds] : [...campaignIds];
  const { minSample = MIN_TRIALS, ...metricsQuery } = query;
  if (!(Number.isInteger(minSample) && minSample >= 1)) {
    throw new ValidationError(
      [{ path: 'minSample', message: 'must be a whole number ≥ 1' }],
      'send time query',
    );
  }
  const tallies = new Map<string, SendTimeCell>();
  for (const campaignId of ids) {
    // `groupBy: 'hour'` makes the SQL stores read each send's record time zone too.
    const campaignQuery: MetricsQuery = { ...metricsQuery, campaignId, groupBy: 'hour' };
    const clock = new RecipientClock(resolveMetricsQuery(campaignQuery).timeZone);
    const facts = await campaignFactsOf(store, campaignQuery);
    for (const m of facts.messages) {
      const { weekday, hour } = clock.localKeys(m.recipientId, m.sentAt, m.recipientTimeZone);
      const key = `${weekday} ${hour}`;
      let cell = tallies.get(key);
      if (!cell) {
        cell = { weekday, hour, sent: 0, delivered: 0, read: 0, clicked: 0, replied: 0 } as SendTimeCell;
        tallies.set(key, cell);
      }
      cell.sent++;
      if (!m.delivered) continue;
      cell.delivered++;
      if (m.read) cell.read++;
      if (m.clicked) cell.clicked++;
      if (m.replied) cell.replied++;
    }
  }
  const cells = [...tallies.keys()].sort().map((key) => {
    const cell = tallies.get(key)!;
    cell.enough = cell.delivered >= minSample;
    cell.rates = {} as SendTimeCell['rates'];
    for (const rate of SEND_TIME_RATES) cell.rates[rate] = estimate(cell[SUCCESSES[rate]], cell.delivered);
    return cell;
  });
  const best = {} as Record<SendTimeRate, BestSendTime | null>;
  for (const rate of SEND_TIME_RATES) {
    let winner: SendTimeCell | undefined;
    for (const cell of cells) {
      if (!cell.enough) continue;
      const low = cell.rates[rate].interval!.low;
      if (!winner || low > winner.rates[rate].interval!.low) winner = cell;
    }
    best[rate] = winner ? { weekday: winner.weekday, hour: winner.hour, estimate: winner.rates[rate] } : null;
  }
  return { campaignIds: ids, minSample, cells, best };
}
