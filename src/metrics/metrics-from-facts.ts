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

  /**
   * Adds one message's facts (`sign` 1), or takes back facts added before (`sign` -1); `sign` n adds
   * n messages with these same facts.
   */
  addMessage(m: MessageFacts, sign = 1): void {
    this.sent += sign;
    if (m.delivered) this.delivered += sign;
    if (m.read) this.read += sign;
    if (m.failed) {
      this.failed += sign;
      countIn(this.failuresByCode, m.errorCode ?? null, sign);
    }
    if (m.pending) this.pending += sign;
    if (m.alreadyOptedOut) this.alreadyOptedOut += sign;
    if (m.limitedByMeta) this.limitedByMeta += sign;
    if (m.clicked) this.clicked += sign;
    this.clicks += sign * m.clicks;
    if (m.replied) this.replied += sign;
    if (m.optedOut) this.optedOut += sign;
    if (m.blocked) this.blocked += sign;
    if (m.converted) this.converted += sign;
    if (m.converted && m.clicked) this.clickedConverted += sign;
    // Whole micros: adding and taking back are exact, so a running total equals a fresh sum.
    if (m.revenue !== 0) this.revenueMicros += sign * Math.round(m.revenue * MICROS);
    if (m.revenueByCurrency !== undefined) {
      for (const currency in m.revenueByCurrency) {
        addMicros(
          this.revenueMicrosByCurrency,
          currency,
          sign * Math.round(m.revenueByCurrency[currency]! * MICROS),
        );
      }
    }
    if (m.billable) countIn(this.billableByCategory, m.pricingCategory ?? '', sign);
  }

  /** Adds one conversion counted for the campaign only (`sign` 1), or takes back one added before (`sign` -1). */
  addCampaignConversion(c: CampaignConversionFacts, sign: 1 | -1 = 1): void {
    this.campaignOnlyConversions += sign;
    if (c.value === 0) return;
    const micros = sign * Math.round(c.value * MICROS);
    this.campaignOnlyRevenueMicros += micros;
    addMicros(this.revenueMicrosByCurrency, currencyKey(c.currency), micros);
  }

  /** Adds one refused send (`sign` 1), or takes back one added before (`sign` -1). */
  addRejection(r: RejectionFacts, sign: 1 | -1 = 1): void {
    this.rejected += sign;
    if (r.errorCode === ALREADY_OPTED_OUT_ERROR) this.alreadyOptedOut += sign;
    else if (r.errorCode === LIMITED_BY_META_ERROR) this.limitedByMeta += sign;
  }

  /** Whether nothing is counted (a group whose last item was taken back). */
  isEmpty(): boolean {
    return this.sent === 0 && this.rejected === 0 && this.campaignOnlyConversions === 0;
  }
}

/** Adds `sign` to a count, dropping the key at zero (so a taken-back code or category leaves no trace). */
function countIn<K>(counts: Map<K, number>, key: K, sign: number): void {
  const count = (counts.get(key) ?? 0) + sign;
  if (count === 0) counts.delete(key);
  else counts.set(key, count);
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
 * Running totals of message and rejection facts that can also take facts back: what
 * {@link summarizeMessageFacts} computes in one pass, kept up to date as facts change (advanced; the
 * live fold takes back a person's old facts and adds their new ones, so an update costs the people it
 * touched, not the campaign). Adding and taking back are exact (counts, whole micros), so the metrics
 * always equal a fresh summary of the facts counted now.
 */
export class FactsSummary {
  readonly #total = new Tally();
  readonly #groups = new Map<string, Tally>();
  readonly #keyOf: ((item: GroupedItem, at: Date) => string) | undefined;
  readonly #rateCard: RateCard | undefined;
  readonly #groupsByVariant: boolean;

  /** An empty summary; `options` as for {@link summarizeMessageFacts}. */
  constructor(options: SummarizeOptions = {}) {
    this.#keyOf = options.groupBy ? grouper(options.groupBy, options.timeZone ?? 'UTC') : undefined;
    this.#groupsByVariant = options.groupBy === 'variant';
    this.#rateCard = options.rateCard;
  }

  /** Counts a message's facts (`sign` 1) or takes back facts counted before (`sign` -1). */
  addMessage(message: MessageFacts, sign: 1 | -1 = 1): void {
    this.#total.addMessage(message, sign);
    if (this.#keyOf === undefined) return;
    const key = this.#keyOf(message, message.sentAt);
    const group = this.#group(key);
    group.addMessage(message, sign);
    if (group.isEmpty()) this.#groups.delete(key);
  }

  /**
   * Counts `count` messages that all have the facts of `message` (their group read from it too): what
   * `count` calls of `addMessage(message)` do, in one. A store that counts messages by state in SQL
   * adds each state's count this way.
   */
  addMessages(message: MessageFacts, count: number): void {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`FactsSummary.addMessages: count must be a whole number >= 0, got ${count}`);
    }
    if (count === 0) return;
    this.#total.addMessage(message, count);
    if (this.#keyOf === undefined) return;
    this.#group(this.#keyOf(message, message.sentAt)).addMessage(message, count);
  }

  /** Counts a refused send (`sign` 1) or takes back one counted before (`sign` -1). */
  addRejection(rejection: RejectionFacts, sign: 1 | -1 = 1): void {
    this.#total.addRejection(rejection, sign);
    if (this.#keyOf === undefined) return;
    const key = this.#keyOf(rejection, rejection.at);
    const group = this.#group(key);
    group.addRejection(rejection, sign);
    // A fresh summary lists only groups with something in them.
    if (group.isEmpty()) this.#groups.delete(key);
  }

  /**
   * Counts a conversion credited to the campaign only (`sign` 1) or takes back one counted before (`sign`
   * -1). It has no message to group by: only a shared code's variant places it in a `variant` group.
   */
  addCampaignConversion(conversion: CampaignConversionFacts, sign: 1 | -1 = 1): void {
    this.#total.addCampaignConversion(conversion, sign);
    if (!this.#groupsByVariant || conversion.variant === undefined) return;
    const group = this.#group(conversion.variant);
    group.addCampaignConversion(conversion, sign);
    if (group.isEmpty()) this.#groups.delete(conversion.variant);
  }

  /** The metrics of the facts counted now (with `groups` when grouping). */
  metrics(): CampaignMetrics {
    const metrics = toMetrics(this.#total, this.#rateCard);
    if (this.#keyOf) {
      const groups = this.#groups;
      metrics.groups = [...groups.keys()]
        .sort()
        .map((key) => ({ key, metrics: toMetrics(groups.get(key)!, this.#rateCard) }));
    }
    return metrics;
  }

  #group(key: string): Tally {
    let tally = this.#groups.get(key);
    if (tally === undefined) {
      tally = new Tally();
      this.#groups.set(key, tally);
    }
    return tally;
  }
}

/**
 * Step 2 of the metrics pipeline (advanced): turns folded {@link CampaignFacts} into
 * {@link CampaignMetrics} (with `groups` when `groupBy` is set). Pure and order-independent: the
 * same facts in any order give the same numbers, to the last digit.
 */
export function summarizeMessageFacts(facts: CampaignFacts, options: SummarizeOptions = {}): CampaignMetrics {
  const summary = new FactsSummary(options);
  for (const message of facts.messages) summary.addMessage(message);
  for (const rejection of facts.rejections as readonly RejectionFacts[]) summary.addRejection(rejection);
  for (const conversion of facts.campaignConversions ?? []) summary.addCampaignConversion(conversion);
  return summary.metrics();
}
