import { errorInfo } from '../errors/index.js';
import { RecipientCountries } from '../events/recipient-country.js';
import type {
  CampaignConversionFacts,
  CampaignFacts,
  MessageFacts,
  RejectionFacts,
} from './message-facts.js';
import type { CampaignMetrics, FailureCount, MetricsGroupBy, RateCard } from './metrics-types.js';
import { RecipientClock } from './recipient-local-time.js';
import { addMicros, amountsByCurrency, currencyKey } from './revenue-currency.js';

const MICROS = 1_000_000;
const ALREADY_OPTED_OUT_ERROR = 131050;
const LIMITED_BY_META_ERROR = 131049;
const NO_GROUP = '(none)';
const QUARTER_HOUR_MS = 15 * 60 * 1000;

/** Options of {@link summarizeMessageFacts}. */
export interface SummarizeOptions {
  /** Also compute `groups` (see {@link MetricsGroupBy}). */
  groupBy?: MetricsGroupBy;
  /** Prices per billable message by pricing category (without it, `cost` is `null`). */
  rateCard?: RateCard;
  /** IANA time zone for day groups, and for hour and weekday groups of recipients of unknown zone (default `UTC`). */
  timeZone?: string;
}

class Tally {
  sent = 0;
  rejected = 0;
  delivered = 0;
  read = 0;
  failed = 0;
  pending = 0;
  clicked = 0;
  clicks = 0;
  replied = 0;
  optedOut = 0;
  alreadyOptedOut = 0;
  limitedByMeta = 0;
  blocked = 0;
  converted = 0;
  /** Clicked messages that also converted (the numerator of `conversionsPerClick`). */
  clickedConverted = 0;
  revenueMicros = 0;
  readonly revenueMicrosByCurrency = new Map<string, number>();
  campaignOnlyConversions = 0;
  campaignOnlyRevenueMicros = 0;
  readonly billableByCategory = new Map<string, number>();
  readonly failuresByCode = new Map<number | null, number>();

  addMessage(m: MessageFacts): void {
    this.sent++;
    if (m.delivered) this.delivered++;
    if (m.read) this.read++;
    if (m.failed) {
      this.failed++;
      const code = m.errorCode ?? null;
      this.failuresByCode.set(code, (this.failuresByCode.get(code) ?? 0) + 1);
    }
    if (m.pending) this.pending++;
    if (m.alreadyOptedOut) this.alreadyOptedOut++;
    if (m.limitedByMeta) this.limitedByMeta++;
    if (m.clicked) this.clicked++;
    this.clicks += m.clicks;
    if (m.replied) this.replied++;
    if (m.optedOut) this.optedOut++;
    if (m.blocked) this.blocked++;
    if (m.converted) this.converted++;
    if (m.converted && m.clicked) this.clickedConverted++;
    if (m.revenue !== 0) this.revenueMicros += Math.round(m.revenue * MICROS);
    if (m.revenueByCurrency !== undefined) {
      for (const currency in m.revenueByCurrency) {
        addMicros(
          this.revenueMicrosByCurrency,
          currency,
          Math.round(m.revenueByCurrency[currency]! * MICROS),
        );
      }
    }
    if (m.billable) {
      const category = m.pricingCategory ?? '';
      this.billableByCategory.set(category, (this.billableByCategory.get(category) ?? 0) + 1);
    }
  }

  addCampaignConversion(c: CampaignConversionFacts): void {
    this.campaignOnlyConversions++;
    if (c.value === 0) return;
    const micros = Math.round(c.value * MICROS);
    this.campaignOnlyRevenueMicros += micros;
    addMicros(this.revenueMicrosByCurrency, currencyKey(c.currency), micros);
  }

  addRejection(r: RejectionFacts): void {
    this.rejected++;
    if (r.errorCode === ALREADY_OPTED_OUT_ERROR) this.alreadyOptedOut++;
    else if (r.errorCode === LIMITED_BY_META_ERROR) this.limitedByMeta++;
  }
}

function rate(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

function byFrequency(a: FailureCount, b: FailureCount): number {
  if (a.count !== b.count) return b.count - a.count;
  if (a.code === null) return 1;
  if (b.code === null) return -1;
  return a.code - b.code;
}

function toMetrics(t: Tally, rateCard: RateCard | undefined): CampaignMetrics {
  let cost: number | null = null;
  if (rateCard) {
    cost = 0;
    for (const category of [...t.billableByCategory.keys()].sort()) {
      cost += (t.billableByCategory.get(category) ?? 0) * (rateCard[category] ?? 0);
    }
  }
  const messageRevenue = t.revenueMicros / MICROS;
  const campaignOnlyRevenue = t.campaignOnlyRevenueMicros / MICROS;
  const revenue = (t.revenueMicros + t.campaignOnlyRevenueMicros) / MICROS;
  const failuresByCode: FailureCount[] = [...t.failuresByCode].map(([code, count]) => ({
    code,
    title: code === null ? 'No error code reported' : errorInfo(code).title,
    count,
  }));
  failuresByCode.sort(byFrequency);
  return {
    sent: t.sent,
    rejected: t.rejected,
    delivered: t.delivered,
    read: t.read,
    failed: t.failed,
    pending: t.pending,
    clicked: t.clicked,
    clicks: t.clicks,
    replied: t.replied,
    optedOut: t.optedOut,
    alreadyOptedOut: t.alreadyOptedOut,
    limitedByMeta: t.limitedByMeta,
    blocked: t.blocked,
    converted: t.converted,
    deliveryRate: rate(t.delivered, t.sent),
    readRate: rate(t.read, t.delivered),
    clickThroughRate: rate(t.clicked, t.delivered),
    replyRate: rate(t.replied, t.delivered),
    optOutRate: rate(t.optedOut, t.delivered),
    blockRate: rate(t.blocked, t.sent),
    failureRate: rate(t.failed, t.sent),
    conversionRate: rate(t.converted, t.delivered),
    revenue,
    revenueByCurrency: amountsByCurrency(t.revenueMicrosByCurrency, MICROS),
    campaignOnlyConversions: t.campaignOnlyConversions,
    campaignOnlyRevenue,
    revenuePerRecipient: rate(messageRevenue, t.delivered),
    conversionsPerClick: rate(t.clickedConverted, t.clicked),
    revenuePerClick: rate(messageRevenue, t.clicked),
    cost,
    returnOnSpend: cost === null || cost === 0 ? null : revenue / cost,
    failuresByCode,
  };
}

/** Maps an instant to its `YYYY-MM-DD` day in a time zone, caching per quarter hour (offsets are multiples of 15 min). */
function dayKeyer(timeZone: string): (at: Date) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const cache = new Map<number, string>();
  return (at) => {
    const bucket = Math.floor(at.getTime() / QUARTER_HOUR_MS);
    let key = cache.get(bucket);
    if (key === undefined) {
      key = format.format(at);
      cache.set(bucket, key);
    }
    return key;
  };
}

/** What a group key is read from: a message's facts or a refused send's. */
type GroupedItem = Pick<MessageFacts, 'variant' | 'segment' | 'templateName' | 'recipientTimeZone'> & {
  recipientId: string;
};

function grouper(groupBy: MetricsGroupBy, timeZone: string): (item: GroupedItem, at: Date) => string {
  switch (groupBy) {
    case 'variant':
      return (item) => item.variant ?? NO_GROUP;
    case 'segment':
      return (item) => item.segment ?? NO_GROUP;
    case 'template':
      return (item) => item.templateName ?? NO_GROUP;
    case 'country': {
      const countries = new RecipientCountries();
      return (item) => countries.countryOf(item.recipientId);
    }
    case 'hour':
    case 'weekday': {
      const clock = new RecipientClock(timeZone);
      return (item, at) => clock.localKeys(item.recipientId, at, item.recipientTimeZone)[groupBy];
    }
    default: {
      const day = dayKeyer(timeZone);
      return (_item, at) => day(at);
    }
  }
}

/**
 * Step 2 of the metrics pipeline (advanced): turns folded {@link CampaignFacts} into
 * {@link CampaignMetrics} (with `groups` when `groupBy` is set). Pure and order-independent: the
 * same facts in any order give the same numbers, to the last digit.
 */
export function summarizeMessageFacts(facts: CampaignFacts, options: SummarizeOptions = {}): CampaignMetrics {
  const total = new Tally();
  const groups = new Map<string, Tally>();
  const keyOf = options.groupBy ? grouper(options.groupBy, options.timeZone ?? 'UTC') : undefined;
  const groupFor = (key: string): Tally => {
    let tally = groups.get(key);
    if (!tally) {
      tally = new Tally();
      groups.set(key, tally);
    }
    return tally;
  };
  for (const message of facts.messages) {
    total.addMessage(message);
    if (keyOf) groupFor(keyOf(message, message.sentAt)).addMessage(message);
  }
  for (const rejection of facts.rejections as readonly RejectionFacts[]) {
    total.addRejection(rejection);
    if (keyOf) groupFor(keyOf(rejection, rejection.at)).addRejection(rejection);
  }
  // A campaign-level conversion has no message to group by: only a shared code's variant places it.
  for (const conversion of facts.campaignConversions ?? []) {
    total.addCampaignConversion(conversion);
    if (options.groupBy === 'variant' && conversion.variant !== undefined) {
      groupFor(conversion.variant).addCampaignConversion(conversion);
    }
  }
  const metrics = toMetrics(total, options.rateCard);
  if (keyOf) {
    metrics.groups = [...groups.keys()]
      .sort()
      .map((key) => ({ key, metrics: toMetrics(groups.get(key)!, options.rateCard) }));
  }
  return metrics;
}
