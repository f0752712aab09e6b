import type { RateCard } from '../metrics/metrics-types.js';
import type { GapFillResult } from './fill-gaps-from-history.js';

/**
 * Why our count and Meta's differ in a cell of {@link CampaignReconciliation}:
 * - `webhooks_not_received`: Meta delivered more than we know of: status webhooks never reached the
 *   store (fill them in with `fillGapsFromHistory`);
 * - `read_receipts_off`: only the read counts differ, on a day Meta no longer counts: users who turned
 *   read receipts off are read by neither side the same way;
 * - `meta_still_counting`: the day is less than 7 days old, and Meta's read and click counts keep
 *   accruing for 7 days after a send;
 * - `click_tracking_differs`: Meta counts taps on its own tracked URL buttons, we count clicks through
 *   our tracked links;
 * - `analytics_unavailable`: Meta returned no template analytics at all (not offered for accounts in
 *   the EU, the UK and Japan, or not enabled).
 */
export type ReconcileCause =
  | 'webhooks_not_received'
  | 'read_receipts_off'
  | 'meta_still_counting'
  | 'click_tracking_differs'
  | 'analytics_unavailable';

/** The counts compared, ours or Meta's. */
export interface ReconcileCounts {
  /** Messages sent. */
  sent: number;
  /** Messages delivered. */
  delivered: number;
  /** Messages read. */
  read: number;
  /** Clicks: ours on our tracked links, Meta's on the template's URL buttons. */
  clicks: number;
}

/** One day and template: our counts, Meta's, the difference (Meta's minus ours) and its likely causes. */
export interface ReconcileCell {
  /** `YYYY-MM-DD` in the reconciliation's `timeZone`. */
  day: string;
  /** The template name of our sends. */
  templateName: string;
  /** Its template ids (one per language); empty when none was found. */
  templateIds: string[];
  /** Our counts, from the event store. */
  ours: ReconcileCounts;
  /** Meta's counts from `template_analytics`, or `null` when Meta returned none. */
  meta: ReconcileCounts | null;
  /** Meta's minus ours, or `null` without Meta's counts. */
  difference: ReconcileCounts | null;
  /** The likely causes of the difference (empty when the counts agree or no cause is known). */
  causes: ReconcileCause[];
  /** Cost: ours (billable messages × rate card, `null` without one) and Meta's `amount_spent` (`null` when absent). */
  cost: { ours: number | null; meta: number | null };
}

/** What {@link reconcileCampaign} returns. */
export interface CampaignReconciliation {
  /** The campaign. */
  campaignId: string;
  /** One cell per day and template we sent, by day then template name. */
  cells: ReconcileCell[];
  /** Sums over the cells (Meta's over the cells that had Meta's counts; `null` when none had). */
  totals: { ours: ReconcileCounts; meta: ReconcileCounts | null; difference: ReconcileCounts | null };
  /** Every cause found in a cell, once. */
  causes: ReconcileCause[];
  /**
   * Cost: ours (billable messages × `rateCard`, `null` without one) and Meta's `pricing_analytics` cost
   * for the same days — which covers every message of the account, not only this campaign's.
   */
  cost: { ours: number | null; metaAccount: number | null };
  /** What the gap fill did, when `fillGaps` was asked for. */
  gapFill?: GapFillResult;
}

/** Options of {@link reconcileCampaign}. */
export interface ReconcileCampaignOptions {
  /** The campaign to reconcile. */
  campaignId: string;
  /** Only messages sent at or after this instant. */
  from?: Date;
  /** Only messages sent strictly before this instant. */
  to?: Date;
  /**
   * Template ids by template name (one id, or one per language). Names not given are looked up with
   * `wa.templates.list` (one listing of the account's templates).
   */
  templateIds?: Readonly<Record<string, string | readonly string[]>>;
  /**
   * IANA time zone of the days (default `UTC`). Meta's days are UTC, or the account's own zone when
   * this is not `UTC` (`use_waba_timezone`): set it to the account's zone.
   */
  timeZone?: string;
  /** Prices per billable message by pricing category, for our cost. */
  rateCard?: RateCard;
  /**
   * Fill the statuses whose webhooks never came before comparing (see `fillGapsFromHistory`): `true`
   * for messages pending for an hour, or the threshold.
   */
  fillGaps?: boolean | { olderThanMs: number };
  /** The current time, for the 7-day window and the gap fill (default: now). */
  now?: Date;
  /** Aborts Meta's reads. */
  signal?: AbortSignal;
}
