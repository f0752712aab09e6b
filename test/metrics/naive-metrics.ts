/**
 * A second, deliberately naive implementation of the campaign metrics, written from the definitions in
 * docs/metrics.md and DESIGN.md ("Event store and metrics") without the production code (no
 * CampaignFactsBuilder, eventKey or summarize), to cross-check it. Quadratic in places; for test-sized
 * streams only.
 */

import { getCountries, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { isOptOutText } from '../../src/tracking/opt-out-keywords.js';

/** The subset of MetricsQuery the naive implementation understands. */
export interface NaiveQuery {
  campaignId: string;
  from?: Date;
  to?: Date;
  attributionWindowMs?: number;
  attributionWindowFrom?: 'send' | 'click';
  rateCard?: Record<string, number>;
  groupBy?: 'variant' | 'segment' | 'hour' | 'weekday' | 'template' | 'country';
  timeZone?: string;
  blockInference?: { afterMs: number };
  now?: Date;
}

type Outbound = Extract<StoredEvent, { kind: 'outbound' }>;
type Status = Extract<StoredEvent, { kind: 'status' }>;

const canon = (id: string) => (/^[+\d\s().-]+$/.test(id) ? id.replace(/[^0-9]/g, '') : id);

/**
 * "One person, one identity" (DESIGN.md): phone numbers match in any common format, and an id is the
 * same person as every id an event reported together with it (a `recipientId` with its `userId` or
 * `parentUserId`; a `user_changed_user_id` message's previous ids with the new ones), transitively, no
 * matter where in the event set that event stands. The one place the naive version compares recipients.
 */
function personMatcher(events: StoredEvent[]): (a: string, b: string) => boolean {
  const edges = new Map<string, string[]>();
  const tie = (a: string | undefined, b: string | undefined) => {
    if (!a || !b) return;
    const [x, y] = [canon(a), canon(b)];
    edges.set(x, [...(edges.get(x) ?? []), y]);
    edges.set(y, [...(edges.get(y) ?? []), x]);
  };
  for (const e of events) {
    if (e.kind !== 'status' && e.kind !== 'inbound' && e.kind !== 'opt_out' && e.kind !== 'opt_in') continue;
    tie(e.recipientId, e.userId);
    tie(e.recipientId, e.parentUserId);
    if (e.kind === 'inbound') {
      tie(e.previousUserId, e.userId ?? e.recipientId);
      tie(e.previousParentUserId, e.parentUserId);
    }
  }
  const reachable = (from: string): Set<string> => {
    const seen = new Set([from]);
    const todo = [from];
    while (todo.length > 0)
      for (const next of edges.get(todo.pop()!) ?? []) if (!seen.has(next)) seen.add(next) && todo.push(next);
    return seen;
  };
  return (a, b) => canon(a) === canon(b) || reachable(canon(a)).has(canon(b));
}

/** The main country of each calling code several countries share (libphonenumber's numbering plan owner). */
const MAIN_COUNTRY: Record<string, string> = {
  '1': 'US',
  '7': 'RU',
  '39': 'IT',
  '44': 'GB',
  '47': 'NO',
  '61': 'AU',
  '212': 'MA',
  '262': 'RE',
  '290': 'SH',
  '358': 'FI',
  '590': 'GP',
  '599': 'CW',
};

/** docs/metrics.md: the phone number's country, the calling code's main one when unplaceable, else unknown. */
function naiveCountry(id: string): string {
  if (!/^[+\d\s().-]+$/.test(id)) return 'unknown';
  const digits = id.replace(/\D/g, '');
  const parsed = parsePhoneNumberFromString(`+${digits}`);
  if (parsed?.country) return parsed.country;
  const sharing = getCountries().filter((c) => digits.startsWith(getCountryCallingCode(c)));
  if (sharing.length === 0) return 'unknown';
  const code = getCountryCallingCode(sharing[0]!);
  return MAIN_COUNTRY[code] ?? sharing[0]!;
}

function offsetAt(zone: string, at: Date): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .format(at)
    .split(' ')
    .pop()!;
}

/** docs/metrics.md "Local time": record zone, else the country's zone when all its zones agree, else timeZone. */
function naiveZone(recipientId: string, at: Date, recordZone: unknown, fallback: string): string {
  if (typeof recordZone === 'string') {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: recordZone });
      return recordZone;
    } catch {}
  }
  const country = naiveCountry(recipientId);
  if (country === 'unknown') return fallback;
  const locale = new Intl.Locale(`und-${country}`) as unknown as {
    timeZones?: string[];
    getTimeZones?: () => string[];
  };
  const zones = locale.getTimeZones?.() ?? locale.timeZones ?? [];
  if (zones.length === 0) return fallback;
  return zones.every((z) => offsetAt(z, at) === offsetAt(zones[0]!, at)) ? zones[0]! : fallback;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function naiveLocalKey(kind: 'hour' | 'weekday', zone: string, at: Date): string {
  if (kind === 'hour') {
    const hour = Number(at.toLocaleString('en-GB', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' }));
    return String(hour).padStart(2, '0');
  }
  const name = at.toLocaleString('en-US', { timeZone: zone, weekday: 'long' });
  const index = WEEKDAYS.indexOf(name);
  return `${index === 0 ? 7 : index} ${name.slice(0, 3)}`;
}

function ratio(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

const STOP_PAYLOADS = ['STOP', 'STOP_PROMO', 'STOP_PROMOTIONS', 'UNSUBSCRIBE', 'OPT_OUT'];
/** `opt_out` sources that are the user acting (a Stop tap, a STOP keyword or quick reply). */
const USER_SOURCES = ['user_preferences', 'keyword', 'quick_reply'];

/** Campaign metrics recomputed the slow, obvious way (failuresByCode without titles). */
export function naiveCampaignMetrics(all: StoredEvent[], query: NaiveQuery): Record<string, unknown> {
  const window = query.attributionWindowMs ?? 72 * 3600 * 1000;
  const samePerson = personMatcher(all);
  // Drop exact repeats (the generators repeat events verbatim).
  const seen = new Set<string>();
  const events = all.filter((e) => {
    const json = JSON.stringify(e);
    if (seen.has(json)) return false;
    seen.add(json);
    return true;
  });
  const inRange = (at: Date) =>
    (!query.from || at.getTime() >= query.from.getTime()) && (!query.to || at.getTime() < query.to.getTime());

  const messages: Outbound[] = [];
  const ids = new Set<string>();
  for (const e of events) {
    if (
      e.kind === 'outbound' &&
      e.campaignId === query.campaignId &&
      inRange(e.at) &&
      !ids.has(e.messageId)
    ) {
      ids.add(e.messageId);
      messages.push(e);
    }
  }
  const refused = events.filter(
    (e): e is Extract<StoredEvent, { kind: 'send_failed' }> =>
      e.kind === 'send_failed' && e.campaignId === query.campaignId && inRange(e.at),
  );
  const statusIndex = new Map<string, Status[]>();
  for (const e of events)
    if (e.kind === 'status') statusIndex.set(e.messageId, [...(statusIndex.get(e.messageId) ?? []), e]);
  const statusesOf = (messageId: string) => statusIndex.get(messageId) ?? [];
  const hasStatus = (messageId: string, ...names: string[]) =>
    statusesOf(messageId).some((s) => names.includes(s.status));

  // A tap (button or list row) asks to stop by its payload only; typed text by a STOP keyword.
  const isStop = (e: Extract<StoredEvent, { kind: 'inbound' }>) =>
    e.buttonPayload !== undefined
      ? STOP_PAYLOADS.includes(e.buttonPayload.trim().toUpperCase())
      : e.text !== undefined && isOptOutText(e.text);
  /** An event that is a user's action on the message it is attributed to (proof of delivery and read). */
  const isUserAction = (e: StoredEvent) =>
    e.kind === 'click' ||
    (e.kind === 'inbound' && (isStop(e) || e.messageType !== 'system')) ||
    (e.kind === 'opt_out' && e.source !== undefined && USER_SOURCES.includes(e.source));

  // 1. Which message each event names, when it names one (of this campaign).
  const namedMessage = (e: StoredEvent): string | undefined => {
    if (e.kind === 'inbound') return e.contextMessageId;
    if (e.kind === 'click' || e.kind === 'opt_out' || e.kind === 'block' || e.kind === 'conversion')
      return e.messageId;
    return undefined;
  };
  const countable = events.filter(
    (e) =>
      e.kind === 'click' ||
      e.kind === 'inbound' ||
      e.kind === 'block' ||
      e.kind === 'conversion' ||
      (e.kind === 'opt_out' && e.source !== 'error_131050'),
  );

  // 2. "Failed" for attribution: a failed status, and neither a delivery status nor a user's action
  // that names the message.
  const proved = new Set<string>();
  for (const e of countable) {
    const named = namedMessage(e);
    if (named !== undefined && isUserAction(e)) proved.add(named);
  }
  const provedByName = (messageId: string) => proved.has(messageId);
  const failedBeforeWindow = (m: Outbound) =>
    hasStatus(m.messageId, 'failed') &&
    !hasStatus(m.messageId, 'delivered', 'read', 'played') &&
    !provedByName(m.messageId);

  // 3. Who gets each event.
  const latestNotFailed = (recipient: string, at: Date, windowed: boolean): Outbound | undefined => {
    let best: Outbound | undefined;
    for (const m of messages) {
      if (!samePerson(m.recipientId, recipient)) continue;
      // Sent at or before the event, to the second (webhook timestamps are whole seconds).
      if (Math.floor(m.at.getTime() / 1000) > Math.floor(at.getTime() / 1000)) continue;
      if (failedBeforeWindow(m)) continue;
      if (
        !best ||
        m.at.getTime() > best.at.getTime() ||
        (m.at.getTime() === best.at.getTime() && m.messageId > best.messageId)
      ) {
        best = m;
      }
    }
    if (best && windowed && at.getTime() - best.at.getTime() > window) return undefined;
    return best;
  };
  const second = (at: Date) => Math.floor(at.getTime() / 1000);
  const codeOf = (m: Outbound) => {
    const code = m.metadata?.discountCode;
    return typeof code === 'string' && code !== '' ? code : undefined;
  };
  /** The campaign's messages (in range) sent with a discount code. */
  const holdersOf = (code: string) => messages.filter((m) => codeOf(m) === code);
  const attributedTo = (e: StoredEvent): string | undefined => {
    // A click Meta reported belongs to the message of the link clicks that recorded its click id (the
    // lowest message id, should there be several), unless it is stamped before that message's send second.
    if (e.kind === 'click' && e.source === 'meta') {
      if (e.clickId === undefined) return undefined;
      const targets = countable
        .filter((o) => o.kind === 'click' && o.source !== 'meta' && o.clickId === e.clickId)
        .map(attributedTo)
        .filter((id): id is string => id !== undefined)
        .sort();
      const target = messages.find((m) => m.messageId === targets[0]);
      if (!target) return undefined;
      return Math.floor(e.at.getTime() / 1000) >= Math.floor(target.at.getTime() / 1000)
        ? target.messageId
        : undefined;
    }
    const named = namedMessage(e);
    if (named !== undefined) return ids.has(named) ? named : undefined;
    switch (e.kind) {
      case 'click':
        if (e.recipientId === undefined) return undefined;
        if (e.campaignId === query.campaignId) return latestNotFailed(e.recipientId, e.at, false)?.messageId;
        if (e.campaignId === undefined) return latestNotFailed(e.recipientId, e.at, true)?.messageId;
        return undefined;
      case 'conversion': {
        // The most specific key: (message, above) > token > code > recipient in the window > campaign.
        if (e.campaignId !== undefined && e.campaignId !== query.campaignId) return undefined;
        if (e.token !== undefined && e.recipientId !== undefined && e.campaignId !== undefined)
          return latestNotFailed(e.recipientId, e.at, false)?.messageId;
        if (e.code !== undefined) {
          const holders = holdersOf(e.code);
          if (holders.length === 1)
            return second(e.at) >= second(holders[0]!.at) ? holders[0]!.messageId : undefined;
          if (holders.length > 1) return undefined;
        }
        if (e.recipientId === undefined) return undefined;
        if (query.attributionWindowFrom !== 'click')
          return latestNotFailed(e.recipientId, e.at, true)?.messageId;
        // "Within the window after the send or after the message's latest click before the conversion."
        const latest = latestNotFailed(e.recipientId, e.at, false);
        if (!latest) return undefined;
        if (e.at.getTime() - latest.at.getTime() <= window) return latest.messageId;
        const clickedInWindow = countable.some(
          (c) =>
            c.kind === 'click' &&
            c.at.getTime() <= e.at.getTime() &&
            e.at.getTime() - c.at.getTime() <= window &&
            attributedTo(c) === latest.messageId,
        );
        return clickedInWindow ? latest.messageId : undefined;
      }
      case 'inbound':
      case 'opt_out':
      case 'block':
        return latestNotFailed(e.recipientId, e.at, true)?.messageId;
      default:
        return undefined;
    }
  };
  // Conversions counted for the campaign, in no message: naming only the campaign, or a code several
  // messages carried (under their variant when they share one); from the first send's second on.
  const firstSecond = Math.min(...messages.map((m) => second(m.at)));
  const campaignLevel: Array<{ micros: number; variant: string | undefined; currency: string }> = [];
  for (const e of countable) {
    if (e.kind !== 'conversion' || e.messageId !== undefined) continue;
    if (e.campaignId !== undefined && e.campaignId !== query.campaignId) continue;
    if (e.token !== undefined && e.recipientId !== undefined && e.campaignId !== undefined) continue;
    if (second(e.at) < firstSecond) continue;
    const micros = Math.round((e.value ?? 0) * 1e6);
    const currency = e.currency?.trim().toUpperCase() || '(none)';
    const holders = e.code === undefined ? [] : holdersOf(e.code);
    if (holders.length > 1) {
      const variants = new Set(holders.map((m) => m.variant));
      campaignLevel.push({
        micros,
        currency,
        variant: variants.size === 1 ? holders[0]!.variant : undefined,
      });
    } else if (holders.length === 0 && e.recipientId === undefined && e.campaignId !== undefined) {
      campaignLevel.push({ micros, currency, variant: undefined });
    }
  }
  const credited = new Map<string, StoredEvent[]>();
  for (const e of countable) {
    const id = attributedTo(e);
    if (id === undefined) continue;
    credited.set(id, [...(credited.get(id) ?? []), e]);
  }

  // 4. Each message's final state.
  interface State {
    m: Outbound;
    delivered: boolean;
    read: boolean;
    failed: boolean;
    pending: boolean;
    code: number | null;
    billable: boolean;
    category: string | undefined;
    clicks: number;
    replied: boolean;
    optedOut: boolean;
    blocked: boolean;
    converted: boolean;
    micros: number;
    /** Micros per currency code (upper-cased; `(none)` without one). */
    microsByCurrency: Map<string, number>;
  }
  const states: State[] = messages.map((m) => {
    const mine = credited.get(m.messageId) ?? [];
    const actedOn = mine.some(isUserAction);
    const statuses = statusesOf(m.messageId);
    const read = actedOn || hasStatus(m.messageId, 'read', 'played');
    const delivered = read || hasStatus(m.messageId, 'delivered');
    const failed = hasStatus(m.messageId, 'failed') && !delivered;
    const codes = statuses
      .filter((s) => s.status === 'failed' && s.errorCode !== undefined)
      .map((s) => s.errorCode as number);
    const priced = statuses.filter(
      (s) =>
        ['sent', 'delivered', 'read', 'played'].includes(s.status) &&
        s.pricing &&
        (s.pricing.billable === true || s.pricing.type === 'regular'),
    );
    // The category of a delivered/read pricing wins over a sent one; among equals, the alphabetically first.
    const categories = priced
      .filter((s) => s.pricing?.category !== undefined)
      .map((s) => ({ late: s.status !== 'sent', category: s.pricing!.category! }));
    const late = categories.filter((c) => c.late);
    const pool = (late.length ? late : categories).map((c) => c.category).sort();
    const optOutSignal = mine.some((e) => e.kind === 'opt_out' || (e.kind === 'inbound' && isStop(e)));
    const conversions = mine.filter((e) => e.kind === 'conversion');
    const converted = delivered && conversions.length > 0;
    return {
      m,
      delivered,
      read,
      failed,
      pending: !delivered && !failed,
      code: codes.length ? Math.min(...codes) : null,
      billable: priced.length > 0 && !failed,
      category: pool[0],
      clicks: mine.filter((e) => e.kind === 'click').length,
      replied: mine.some((e) => e.kind === 'inbound' && !isStop(e) && e.messageType !== 'system'),
      optedOut: delivered && optOutSignal,
      blocked: mine.some((e) => e.kind === 'block'),
      converted,
      micros: converted
        ? conversions.reduce(
            (sum, e) => sum + Math.round(((e.kind === 'conversion' && e.value) || 0) * 1e6),
            0,
          )
        : 0,
      microsByCurrency: converted ? microsPerCurrency(conversions) : new Map(),
    };
  });

  // 5. Optional block inference: a message still pending `afterMs` after its send, when an earlier
  // message (of any campaign) to the same recipient had a delivered/read/played status.
  if (query.blockInference) {
    const now = (query.now ?? new Date()).getTime();
    for (const s of states) {
      if (!s.pending || now - s.m.at.getTime() < query.blockInference.afterMs) continue;
      const earlierDelivered = events.some(
        (e) =>
          e.kind === 'outbound' &&
          samePerson(e.recipientId, s.m.recipientId) &&
          e.at.getTime() < s.m.at.getTime() &&
          hasStatus(e.messageId, 'delivered', 'read', 'played'),
      );
      if (earlierDelivered) s.blocked = true;
    }
  }

  const summarize = (list: State[], refusedHere: typeof refused, campaignOnly: typeof campaignLevel) => {
    const count = (f: (s: State) => boolean) => list.filter(f).length;
    const sent = list.length;
    const delivered = count((s) => s.delivered);
    const messageMicros = list.reduce((sum, s) => sum + s.micros, 0);
    const campaignOnlyMicros = campaignOnly.reduce((sum, c) => sum + c.micros, 0);
    const messageRevenue = messageMicros / 1e6;
    const revenue = (messageMicros + campaignOnlyMicros) / 1e6;
    const currencyTotals = new Map<string, number>();
    const addCurrency = (code: string, micros: number) =>
      currencyTotals.set(code, (currencyTotals.get(code) ?? 0) + micros);
    for (const s of list) for (const [code, micros] of s.microsByCurrency) addCurrency(code, micros);
    for (const c of campaignOnly) if (c.micros !== 0) addCurrency(c.currency, c.micros);
    const revenueByCurrency = Object.fromEntries(
      [...currencyTotals.entries()]
        .filter(([, micros]) => micros !== 0)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([code, micros]) => [code, micros / 1e6]),
    );
    let cost: number | null = null;
    if (query.rateCard) {
      const perCategory = new Map<string, number>();
      for (const s of list)
        if (s.billable) perCategory.set(s.category ?? '', (perCategory.get(s.category ?? '') ?? 0) + 1);
      cost = 0;
      for (const category of [...perCategory.keys()].sort())
        cost += perCategory.get(category)! * (query.rateCard[category] ?? 0);
    }
    const failures = new Map<number | null, number>();
    for (const s of list) if (s.failed) failures.set(s.code, (failures.get(s.code) ?? 0) + 1);
    const withCode = (code: number) =>
      refusedHere.filter((r) => r.errorCode === code).length + count((s) => s.failed && s.code === code);
    return {
      sent,
      rejected: refusedHere.length,
      delivered,
      read: count((s) => s.read),
      failed: count((s) => s.failed),
      pending: count((s) => s.pending),
      clicked: count((s) => s.clicks > 0),
      clicks: list.reduce((sum, s) => sum + s.clicks, 0),
      replied: count((s) => s.replied),
      optedOut: count((s) => s.optedOut),
      alreadyOptedOut: withCode(131050),
      limitedByMeta: withCode(131049),
      blocked: count((s) => s.blocked),
      converted: count((s) => s.converted),
      deliveryRate: ratio(delivered, sent),
      readRate: ratio(
        count((s) => s.read),
        delivered,
      ),
      clickThroughRate: ratio(
        count((s) => s.clicks > 0),
        delivered,
      ),
      replyRate: ratio(
        count((s) => s.replied),
        delivered,
      ),
      optOutRate: ratio(
        count((s) => s.optedOut),
        delivered,
      ),
      blockRate: ratio(
        count((s) => s.blocked),
        sent,
      ),
      failureRate: ratio(
        count((s) => s.failed),
        sent,
      ),
      conversionRate: ratio(
        count((s) => s.converted),
        delivered,
      ),
      revenue,
      revenueByCurrency,
      campaignOnlyConversions: campaignOnly.length,
      campaignOnlyRevenue: campaignOnlyMicros / 1e6,
      revenuePerRecipient: ratio(messageRevenue, delivered),
      conversionsPerClick: ratio(
        count((s) => s.clicks > 0 && s.converted),
        count((s) => s.clicks > 0),
      ),
      revenuePerClick: ratio(
        messageRevenue,
        count((s) => s.clicks > 0),
      ),
      cost,
      returnOnSpend: cost ? revenue / cost : null,
      failuresByCode: [...failures.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] === null ? 1 : b[0] === null ? -1 : a[0] - b[0]))
        .map(([code, n]) => ({ code, count: n })),
    };
  };
  const result: Record<string, unknown> = summarize(states, refused, campaignLevel);
  if (query.groupBy) {
    const by = query.groupBy;
    const fallback = query.timeZone ?? 'UTC';
    const keys = new Map<object, string>();
    const keyOf = (e: Outbound | (typeof refused)[number]): string => {
      let key = keys.get(e);
      if (key === undefined) {
        key = computeKey(e);
        keys.set(e, key);
      }
      return key;
    };
    const computeKey = (e: Outbound | (typeof refused)[number]): string => {
      switch (by) {
        case 'variant':
        case 'segment':
          return e[by] ?? '(none)';
        case 'template':
          return (e.kind === 'outbound' ? e.templateName : undefined) ?? '(none)';
        case 'country':
          return naiveCountry(e.recipientId);
        default: {
          const record = e.kind === 'outbound' ? e.metadata?.timeZone : undefined;
          return naiveLocalKey(by, naiveZone(e.recipientId, e.at, record, fallback), e.at);
        }
      }
    };
    const groupKeys = new Set<string>();
    for (const s of states) groupKeys.add(keyOf(s.m));
    for (const r of refused) groupKeys.add(keyOf(r));
    result.groups = [...groupKeys].sort().map((key) => ({
      key,
      metrics: summarize(
        states.filter((s) => keyOf(s.m) === key),
        refused.filter((r) => keyOf(r) === key),
        by === 'variant' ? campaignLevel.filter((c) => c.variant === key) : [],
      ),
    }));
  }
  return result;
}

/** Conversion values in micros per currency code (upper-cased; `(none)` without one). */
function microsPerCurrency(conversions: readonly StoredEvent[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const e of conversions) {
    if (e.kind !== 'conversion' || e.value === undefined) continue;
    const code = e.currency?.trim().toUpperCase() || '(none)';
    sums.set(code, (sums.get(code) ?? 0) + Math.round(e.value * 1e6));
  }
  return sums;
}
