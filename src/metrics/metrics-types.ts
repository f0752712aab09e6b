import type { OptOutDetectionOptions } from '../tracking/opt-out-detection.js';
import type { HoldoutLift } from './holdout-types.js';

/** A price per billable message for each pricing category, e.g. `{ marketing: 0.0613, utility: 0.008 }`. */
export type RateCard = Readonly<Record<string, number>>;

/**
 * How {@link CampaignMetrics} can be broken down into `groups`: by A/B variant, audience segment, day of
 * sending (in `timeZone`), the recipient's local hour (`00`–`23`) or weekday (`1 Mon`–`7 Sun`) of sending,
 * template name, or the recipient's country (ISO 3166-1 alpha-2 from the phone number, `unknown` for a
 * business-scoped user id). Messages without a variant, segment or template go to `(none)`.
 */
export type MetricsGroupBy = 'variant' | 'segment' | 'day' | 'hour' | 'weekday' | 'template' | 'country';

/**
 * Where a conversion's attribution window starts (see {@link MetricsQuery.attributionWindowFrom}):
 * at the message's send, or at the send or the message's latest click before the conversion.
 */
export type AttributionWindowStart = 'send' | 'click';

/** Opt-in inference of blocks (off by default: WhatsApp reports no blocks). */
export interface BlockInferenceOptions {
  /**
   * A message still without `delivered`, `read` or `failed` this long after it was sent counts as
   * blocked when an earlier message to the same recipient was delivered.
   */
  afterMs: number;
}

/** What {@link computeCampaignMetrics} computes: the campaign and how to measure it. */
export interface MetricsQuery {
  /** The campaign to measure (the `campaignId` of its `outbound` and `send_failed` events). */
  campaignId: string;
  /** Only messages sent at or after this instant. */
  from?: Date;
  /** Only messages sent strictly before this instant. */
  to?: Date;
  /** Also break the metrics down (see {@link MetricsGroupBy}). */
  groupBy?: MetricsGroupBy;
  /**
   * How long after a message an unlinked reply, opt-out, block or conversion (one naming only its
   * recipient) is still credited to it (default 72 h; e.g. `24 * 3600_000` for a 24-hour window).
   */
  attributionWindowMs?: number;
  /**
   * Where the window of a conversion naming only its recipient starts: `'send'` (the default) counts
   * it within `attributionWindowMs` after the message's send; `'click'` also counts it within that
   * window after the message's latest click at or before the conversion (Chatarmin's "24 h after send
   * or click"). Replies, opt-outs and blocks always count from the send. See docs/metrics.md.
   */
  attributionWindowFrom?: AttributionWindowStart;
  /** Prices per billable message by pricing category; without it `cost` and `returnOnSpend` are `null`. */
  rateCard?: RateCard;
  /**
   * IANA time zone for `groupBy: 'day'` (default `UTC`), and for `'hour'` / `'weekday'` when the
   * recipient's own zone is not known (see docs/metrics.md, "Local time").
   */
  timeZone?: string;
  /** Opt-out keyword and quick-reply detection. */
  optOut?: OptOutDetectionOptions;
  /** Opt-in block inference (off by default). */
  blockInference?: BlockInferenceOptions;
  /** The current time, for block inference (default: now). */
  now?: Date;
}

/** How many failed messages share one error code. */
export interface FailureCount {
  /** The Cloud API error code, or `null` when the failed status carried none. */
  code: number | null;
  /** The code's title from the wacloud error table. */
  title: string;
  /** Failed messages with this code. */
  count: number;
}

/** A campaign's metrics. Rates are `null` when their denominator is zero, never `NaN`. See docs/metrics.md. */
export interface CampaignMetrics {
  /** Outbound messages the API accepted (they have a messageId). */
  sent: number;
  /** Sends the API refused (no messageId); in no other count or denominator. */
  rejected: number;
  /** Messages delivered (a delivered/read status, or a user's action on the message proves it). */
  delivered: number;
  /** Messages read (a read status, or a user's action on the message proves it). */
  read: number;
  /** Messages failed and never delivered. */
  failed: number;
  /** Messages neither delivered nor failed yet: `sent = delivered + failed + pending`. */
  pending: number;
  /** Messages with at least one attributed tracked-link click. */
  clicked: number;
  /** All attributed tracked-link clicks (a message clicked 3 times adds 3). */
  clicks: number;
  /** Messages with at least one attributed reply (opt-out messages excluded). */
  replied: number;
  /** Delivered messages after which the user opted out (a new opt-out: error 131050 is not one). */
  optedOut: number;
  /**
   * Sends refused or messages failed with 131050 (the user had stopped marketing before): also counted
   * in `rejected` / `failed`, never in `optedOut`.
   */
  alreadyOptedOut: number;
  /** Sends refused or messages failed with 131049 (Meta's per-user marketing limit); also in `rejected` / `failed`. */
  limitedByMeta: number;
  /** Messages with at least one attributed block. */
  blocked: number;
  /** Delivered messages with at least one attributed conversion. */
  converted: number;
  /** delivered / sent. */
  deliveryRate: number | null;
  /** read / delivered. */
  readRate: number | null;
  /** clicked / delivered. */
  clickThroughRate: number | null;
  /** replied / delivered. */
  replyRate: number | null;
  /** optedOut / delivered. */
  optOutRate: number | null;
  /** blocked / sent (inferred blocks are undelivered by construction). */
  blockRate: number | null;
  /** failed / sent. */
  failureRate: number | null;
  /** converted / delivered. */
  conversionRate: number | null;
  /**
   * Sum of the conversion values attributed to converted messages, plus those counted for the campaign
   * only (`campaignOnlyRevenue`), whatever their currency: with conversions in more than one currency,
   * read {@link CampaignMetrics.revenueByCurrency} instead.
   */
  revenue: number;
  /**
   * The same revenue kept per currency, never summed across currencies: ISO 4217 code (upper-cased)
   * → amount, e.g. `{ EUR: 410, USD: 95.5 }`; values recorded without a `currency` under `(none)`.
   * Empty when no converted message had a value. Per variant or segment in `groups` with `groupBy`.
   */
  revenueByCurrency: Record<string, number>;
  /**
   * Conversions counted for the campaign but no message: naming only the campaign, or a discount code
   * shared by several messages. In `revenue` and `returnOnSpend`, in no per-message rate.
   */
  campaignOnlyConversions: number;
  /** The value of the `campaignOnlyConversions` (part of `revenue`). */
  campaignOnlyRevenue: number;
  /** Revenue attributed to messages (revenue − campaignOnlyRevenue) / delivered. */
  revenuePerRecipient: number | null;
  /**
   * Clicked messages that also converted / clicked messages: how often a click led to a conversion
   * attributed to the same message.
   */
  conversionsPerClick: number | null;
  /** Revenue attributed to messages / clicked: revenue per clicked message. */
  revenuePerClick: number | null;
  /** Billable messages × the rate card price of their category; `null` without a rate card. */
  cost: number | null;
  /** revenue / cost; `null` when cost is `null` or zero. */
  returnOnSpend: number | null;
  /** Failed messages by error code, most frequent first. */
  failuresByCode: FailureCount[];
  /** With `groupBy`: the same metrics per group, sorted by key. */
  groups?: Array<{ key: string; metrics: CampaignMetrics }>;
  /**
   * When the campaign held recipients out (`sendCampaign({ holdout })`): conversion of the treated vs
   * the held out and the lift, with a confidence interval (from `computeCampaignMetrics`; see
   * docs/metrics.md, "Holdout lift").
   */
  holdout?: HoldoutLift;
}
