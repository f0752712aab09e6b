/**
 * A second, deliberately naive implementation of the campaign metrics, written from docs/metrics.md
 * without the production code (no CampaignFactsBuilder, eventKey or summarize), to cross-check it.
 * Quadratic in places; for test-sized streams only.
 */

import type { StoredEvent } from '../../src/metrics/stored-event.js';
import { isOptOutText } from '../../src/tracking/opt-out-keywords.js';

/** The subset of MetricsQuery the naive implementation understands. */
export interface NaiveQuery {
  campaignId: string;
  from?: Date;
  to?: Date;
  attributionWindowMs?: number;
  rateCard?: Record<string, number>;
  groupBy?: 'variant' | 'segment';
}

type Outbound = Extract<StoredEvent, { kind: 'outbound' }>;

function canon(id: string): string {
  return /^[+\d\s().-]+$/.test(id) ? id.replace(/[^0-9]/g, '') : id;
}

function ratio(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

const STOP_PAYLOADS = ['STOP', 'STOP_PROMO', 'STOP_PROMOTIONS', 'UNSUBSCRIBE', 'OPT_OUT'];

/** Campaign metrics recomputed the slow, obvious way (failuresByCode without titles). */
export function naiveCampaignMetrics(all: StoredEvent[], query: NaiveQuery): Record<string, unknown> {
  const window = query.attributionWindowMs ?? 72 * 3600 * 1000;
  // Drop exact repeats (the generator repeats events verbatim).
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
    (e) => e.kind === 'send_failed' && e.campaignId === query.campaignId && inRange(e.at),
  );

  const latestMessage = (recipient: string, at: Date, windowed: boolean): Outbound | undefined => {
    let best: Outbound | undefined;
    for (const m of messages) {
      if (canon(m.recipientId) !== canon(recipient)) continue;
      if (m.at.getTime() > at.getTime()) continue;
      if (windowed && at.getTime() - m.at.getTime() > window) continue;
      if (
        !best ||
        m.at.getTime() > best.at.getTime() ||
        (m.at.getTime() === best.at.getTime() && m.messageId > best.messageId)
      ) {
        best = m;
      }
    }
    return best;
  };

  interface State {
    m: Outbound;
    delivered: boolean;
    read: boolean;
    failed: boolean;
    code: number | null;
    billable: boolean;
    category: string | undefined;
    clicked: boolean;
    replied: boolean;
    optedOut: boolean;
    blocked: boolean;
    converted: boolean;
    micros: number;
  }
  const states = new Map<string, State>();
  for (const m of messages) {
    const statuses = events.filter((e) => e.kind === 'status' && e.messageId === m.messageId);
    const has = (...names: string[]) => statuses.some((s) => s.kind === 'status' && names.includes(s.status));
    const read = has('read', 'played');
    const delivered = read || has('delivered');
    const failedStatuses = statuses.filter((s) => s.kind === 'status' && s.status === 'failed');
    const failed = failedStatuses.length > 0 && !delivered;
    const codes = failedStatuses
      .map((s) => (s.kind === 'status' ? s.errorCode : undefined))
      .filter((c) => c !== undefined);
    const priced = statuses.filter(
      (s) =>
        s.kind === 'status' &&
        ['sent', 'delivered', 'read', 'played'].includes(s.status) &&
        s.pricing &&
        (s.pricing.billable === true || s.pricing.type === 'regular'),
    );
    // The category of a delivered/read pricing wins over a sent one; among equals, the alphabetically first.
    const categories = priced
      .filter((s) => s.kind === 'status' && s.pricing?.category !== undefined)
      .map((s) =>
        s.kind === 'status' ? { late: s.status !== 'sent', category: s.pricing!.category! } : null,
      )
      .filter((x) => x !== null);
    const late = categories.filter((c) => c.late);
    const pool = (late.length ? late : categories).map((c) => c.category).sort();
    states.set(m.messageId, {
      m,
      delivered,
      read,
      failed,
      code: codes.length ? Math.min(...codes) : null,
      billable: priced.length > 0 && !failed,
      category: pool[0],
      clicked: false,
      replied: false,
      optedOut: codes.includes(131050),
      blocked: false,
      converted: false,
      micros: 0,
    });
  }
  const named = (id: string | undefined) => (id === undefined ? undefined : states.get(id));
  const viaRecipient = (recipient: string | undefined, at: Date, windowed: boolean) => {
    if (recipient === undefined) return undefined;
    const m = latestMessage(recipient, at, windowed);
    return m ? states.get(m.messageId) : undefined;
  };
  for (const e of events) {
    if (e.kind === 'click') {
      const s =
        e.messageId !== undefined
          ? named(e.messageId)
          : e.campaignId === query.campaignId
            ? viaRecipient(e.recipientId, e.at, false)
            : e.campaignId === undefined
              ? viaRecipient(e.recipientId, e.at, true)
              : undefined;
      if (s) s.clicked = true;
    } else if (e.kind === 'inbound') {
      const s =
        e.contextMessageId !== undefined
          ? named(e.contextMessageId)
          : viaRecipient(e.recipientId, e.at, true);
      if (!s) continue;
      const stop =
        (e.buttonPayload !== undefined && STOP_PAYLOADS.includes(e.buttonPayload.trim().toUpperCase())) ||
        (e.text !== undefined && isOptOutText(e.text));
      if (stop) s.optedOut = true;
      else if (e.messageType !== 'system') s.replied = true;
    } else if (e.kind === 'opt_out' || e.kind === 'block') {
      const s = e.messageId !== undefined ? named(e.messageId) : viaRecipient(e.recipientId, e.at, true);
      if (s && e.kind === 'opt_out') s.optedOut = true;
      if (s && e.kind === 'block') s.blocked = true;
    } else if (e.kind === 'conversion') {
      const s =
        e.messageId !== undefined
          ? named(e.messageId)
          : e.campaignId === undefined || e.campaignId === query.campaignId
            ? viaRecipient(e.recipientId, e.at, true)
            : undefined;
      if (!s) continue;
      s.converted = true;
      s.micros += Math.round((e.value ?? 0) * 1e6);
    }
  }

  const summarize = (list: State[], rejected: number) => {
    const count = (f: (s: State) => boolean) => list.filter(f).length;
    const sent = list.length;
    const delivered = count((s) => s.delivered);
    const revenue = list.reduce((sum, s) => sum + s.micros, 0) / 1e6;
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
    return {
      sent,
      rejected,
      delivered,
      read: count((s) => s.read),
      failed: count((s) => s.failed),
      clicked: count((s) => s.clicked),
      replied: count((s) => s.replied),
      optedOut: count((s) => s.optedOut),
      blocked: count((s) => s.blocked),
      converted: count((s) => s.converted),
      deliveryRate: ratio(delivered, sent),
      readRate: ratio(
        count((s) => s.read),
        delivered,
      ),
      clickThroughRate: ratio(
        count((s) => s.clicked),
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
        delivered,
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
      revenuePerRecipient: ratio(revenue, delivered),
      cost,
      returnOnSpend: cost ? revenue / cost : null,
      failuresByCode: [...failures.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] === null ? 1 : b[0] === null ? -1 : a[0] - b[0]))
        .map(([code, n]) => ({ code, count: n })),
    };
  };
  const all_ = [...states.values()];
  const result: Record<string, unknown> = summarize(all_, refused.length);
  if (query.groupBy) {
    const field = query.groupBy;
    const keys = new Set<string>();
    for (const s of all_) keys.add(s.m[field] ?? '(none)');
    for (const r of refused) if (r.kind === 'send_failed') keys.add(r[field] ?? '(none)');
    result.groups = [...keys].sort().map((key) => ({
      key,
      metrics: summarize(
        all_.filter((s) => (s.m[field] ?? '(none)') === key),
        refused.filter((r) => r.kind === 'send_failed' && (r[field] ?? '(none)') === key).length,
      ),
    }));
  }
  return result;
}
