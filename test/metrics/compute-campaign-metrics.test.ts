import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import type { EventFilter, EventStore } from '../../src/events/event-store.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { collectCampaignFacts, computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { summarizeMessageFacts } from '../../src/metrics/metrics-from-facts.js';
import type { CampaignMetrics, MetricsQuery } from '../../src/metrics/metrics-types.js';
import { generateCampaign, mulberry32 } from './generate-campaign.js';
import { naiveCampaignMetrics } from './naive-metrics.js';

const T0 = Date.UTC(2026, 0, 5, 10);
const HOUR = 3_600_000;
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

/** The memory store without its push-down, so computeCampaignMetrics takes the generic scan path. */
function scanOnly(store: MemoryEventStore): EventStore {
  return {
    append: (events) => store.append(events),
    scan: (filter: EventFilter) => store.scan(filter),
  };
}

async function storeOf(events: StoredEvent[]): Promise<MemoryEventStore> {
  const store = new MemoryEventStore();
  await store.append(events);
  return store;
}

function withoutTitles(metrics: CampaignMetrics): unknown {
  const { failuresByCode, groups, ...rest } = metrics;
  const out: Record<string, unknown> = {
    ...rest,
    failuresByCode: failuresByCode.map(({ code, count }) => ({ code, count })),
  };
  if (groups) out.groups = groups.map((g) => ({ key: g.key, metrics: withoutTitles(g.metrics) }));
  return out;
}

function shuffled<T>(items: T[], seed: number): T[] {
  const random = mulberry32(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

const base = (
  messageId: string,
  recipientId: string,
  minutes: number,
  extra: Partial<StoredEvent> = {},
): StoredEvent =>
  ({ kind: 'outbound', messageId, recipientId, at: at(minutes), campaignId: 'c', ...extra }) as StoredEvent;

describe('computeCampaignMetrics against an independent naive implementation', () => {
  const cases: Array<[string, Parameters<typeof generateCampaign>[0], Omit<MetricsQuery, 'campaignId'>]> = [
    ['local disorder', { messages: 2_000, seed: 1 }, { rateCard: { marketing: 0.0613, utility: 0.008 } }],
    ['full shuffle, by variant', { messages: 2_000, seed: 2, shuffle: true }, { groupBy: 'variant' }],
    [
      'many repeats, by segment, 12 h window',
      { messages: 1_500, seed: 3, repeatShare: 0.5 },
      { groupBy: 'segment', attributionWindowMs: 12 * HOUR },
    ],
    [
      'half the sends',
      { messages: 1_500, seed: 4 },
      { from: new Date(Date.UTC(2026, 2, 2, 9, 0, 15)), rateCard: { marketing: 0.05 } },
    ],
  ];
  for (const [name, generate, options] of cases) {
    it(`matches to the last digit (${name})`, async () => {
      const events = generateCampaign(generate);
      const store = await storeOf(events);
      const query = { campaignId: 'launch', ...options };
      const expected = naiveCampaignMetrics(events, query as never);
      const pushedDown = await computeCampaignMetrics(store, query);
      const scanned = await computeCampaignMetrics(scanOnly(store), query);
      expect(withoutTitles(pushedDown)).toEqual(expected);
      expect(scanned).toEqual(pushedDown);
      expect(pushedDown.sent).toBeGreaterThan(0);
      expect(pushedDown.optedOut).toBeGreaterThan(0);
      expect(pushedDown.clicked).toBeGreaterThan(0);
    });
  }

  it('takes the indexed path for a small campaign in a big store, with the same result', async () => {
    const events = generateCampaign({ messages: 2_000, seed: 6 });
    const store = await storeOf(events);
    const query: MetricsQuery = {
      campaignId: 'followup',
      groupBy: 'variant',
      rateCard: { marketing: 0.0613 },
    };
    const expected = naiveCampaignMetrics(events, query as never);
    const pushedDown = await computeCampaignMetrics(store, query);
    expect(withoutTitles(pushedDown)).toEqual(expected);
    expect(await computeCampaignMetrics(scanOnly(store), query)).toEqual(pushedDown);
    expect(pushedDown.sent).toBeGreaterThan(300);
  });

  it('scans more than one chunk of ids (over 10,000 messages) on the generic path', async () => {
    const store = await storeOf(generateCampaign({ messages: 11_000, seed: 8 }));
    const query: MetricsQuery = {
      campaignId: 'launch',
      blockInference: { afterMs: 3_600_000 },
      now: new Date(Date.UTC(2026, 3, 1)),
    };
    const generic = await computeCampaignMetrics(scanOnly(store), query);
    expect(generic.sent).toBeGreaterThan(10_000);
    expect(generic.blocked).toBeGreaterThan(0);
    expect(generic).toEqual(await computeCampaignMetrics(store, query));
  });

  it('gives identical results whatever the order and batching of appends', async () => {
    const events = generateCampaign({ messages: 1_000, seed: 9 });
    const query: MetricsQuery = {
      campaignId: 'launch',
      groupBy: 'day',
      rateCard: { marketing: 0.0613 },
      timeZone: 'America/New_York',
    };
    const first = await computeCampaignMetrics(await storeOf(events), query);
    for (const seed of [1, 2, 3]) {
      const store = new MemoryEventStore();
      const order = shuffled(events, seed);
      for (let i = 0; i < order.length; i += 333) await store.append(order.slice(i, i + 333));
      expect(await computeCampaignMetrics(store, query)).toEqual(first);
      expect(await computeCampaignMetrics(scanOnly(store), query)).toEqual(first);
    }
  });

  it('summarizes facts to the same numbers in any order', async () => {
    const store = await storeOf(generateCampaign({ messages: 800, seed: 5 }));
    const facts = await collectCampaignFacts(store, { campaignId: 'launch' });
    const options = { groupBy: 'variant' as const, rateCard: { marketing: 0.0613, utility: 0.0113 } };
    const reversed = { messages: [...facts.messages].reverse(), rejections: [...facts.rejections].reverse() };
    expect(summarizeMessageFacts(reversed, options)).toEqual(summarizeMessageFacts(facts, options));
  });
});

describe('folding a message state', () => {
  it('read implies delivered implies sent; failed counts only without a delivery', async () => {
    const store = await storeOf([
      base('m1', '1', 0),
      base('m2', '2', 0),
      base('m3', '3', 0),
      base('m4', '4', 0),
      { kind: 'status', messageId: 'm1', status: 'read', at: at(5) },
      { kind: 'status', messageId: 'm2', status: 'failed', at: at(2), errorCode: 131026 },
      { kind: 'status', messageId: 'm2', status: 'delivered', at: at(1) },
      { kind: 'status', messageId: 'm3', status: 'failed', at: at(1), errorCode: 131026 },
      { kind: 'status', messageId: 'm4', status: 'sent', at: at(1) },
      { kind: 'status', messageId: 'unknown', status: 'read', at: at(1) },
    ]);
    const m = await computeCampaignMetrics(store, { campaignId: 'c' });
    expect(m).toMatchObject({
      sent: 4,
      delivered: 2,
      read: 1,
      failed: 1,
      deliveryRate: 0.5,
      readRate: 0.5,
      failureRate: 0.25,
    });
    expect(m.failuresByCode).toEqual([{ code: 131026, title: expect.any(String), count: 1 }]);
    expect(m.failuresByCode[0]!.title.length).toBeGreaterThan(3);
  });

  it('counts refused sends only as rejected', async () => {
    const store = await storeOf([
      base('m1', '1', 0),
      { kind: 'send_failed', recipientId: '2', at: at(0), campaignId: 'c', errorCode: 131030 },
      { kind: 'send_failed', recipientId: '3', at: at(0), campaignId: 'other' },
    ]);
    const m = await computeCampaignMetrics(store, { campaignId: 'c' });
    expect(m).toMatchObject({ sent: 1, rejected: 1, failed: 0, failureRate: 0, failuresByCode: [] });
  });

  it('has null rates, never NaN, for an empty campaign', async () => {
    const m = await computeCampaignMetrics(new MemoryEventStore(), {
      campaignId: 'none',
      rateCard: { marketing: 1 },
    });
    for (const [key, value] of Object.entries(m)) {
      if (typeof value === 'number') expect(Number.isNaN(value), key).toBe(false);
    }
    expect(m).toMatchObject({
      sent: 0,
      deliveryRate: null,
      readRate: null,
      revenuePerRecipient: null,
      cost: 0,
      returnOnSpend: null,
    });
  });
});

describe('attribution', () => {
  const sends = [
    base('m1', '+44 7700 900001', 0),
    base('m2', '447700900001', 60),
    base('x1', '447700900001', 90, { campaignId: 'other' }),
  ];

  it('credits the named message, else the latest campaign message within the window', async () => {
    const store = await storeOf([
      ...sends,
      { kind: 'status', messageId: 'm1', status: 'delivered', at: at(1) },
      { kind: 'status', messageId: 'm2', status: 'delivered', at: at(61) },
      // names m1 explicitly, although m2 is later
      {
        kind: 'inbound',
        messageId: 'r1',
        recipientId: '447700900001',
        at: at(70),
        contextMessageId: 'm1',
        text: 'hi',
      },
      // names a message of another campaign: not ours
      {
        kind: 'inbound',
        messageId: 'r2',
        recipientId: '447700900001',
        at: at(95),
        contextMessageId: 'x1',
        text: 'hey',
      },
      // unlinked: goes to m2 (the latest at or before it)
      { kind: 'conversion', at: at(120), value: 10.1, recipientId: '447700900001' },
      { kind: 'conversion', at: at(121), value: 0.2, recipientId: '447700900001' },
      // outside the 72 h window
      {
        kind: 'conversion',
        at: new Date(at(60).getTime() + 73 * HOUR),
        value: 100,
        recipientId: '447700900001',
      },
      // another campaign's conversion
      { kind: 'conversion', at: at(122), value: 5, recipientId: '447700900001', campaignId: 'other' },
    ]);
    const m = await computeCampaignMetrics(store, { campaignId: 'c', groupBy: 'variant' });
    expect(m).toMatchObject({
      sent: 2,
      delivered: 2,
      replied: 1,
      converted: 1,
      revenue: 10.3,
      revenuePerRecipient: 5.15,
    });
    const facts = await collectCampaignFacts(store, { campaignId: 'c' });
    expect(facts.messages.map((f) => [f.messageId, f.replied, f.converted, f.revenue])).toEqual([
      ['m1', true, false, 0],
      ['m2', false, true, 10.3],
    ]);
  });

  it('keeps revenue per currency, overall and per variant and segment', async () => {
    const store = await storeOf([
      base('e1', '4915100000001', 0, { variant: 'A', segment: 'de' }),
      base('e2', '4915100000002', 0, { variant: 'B', segment: 'de' }),
      base('e3', '14155550003', 0, { variant: 'B', segment: 'us' }),
      ...['e1', 'e2', 'e3'].map(
        (id): StoredEvent => ({ kind: 'status', messageId: id, status: 'delivered', at: at(1) }),
      ),
      { kind: 'conversion', at: at(10), value: 40, currency: 'EUR', messageId: 'e1' },
      { kind: 'conversion', at: at(11), value: 2.5, currency: 'eur', messageId: 'e1' },
      { kind: 'conversion', at: at(12), value: 30, currency: 'EUR', messageId: 'e2' },
      { kind: 'conversion', at: at(13), value: 12, currency: 'USD', messageId: 'e3' },
      { kind: 'conversion', at: at(14), value: 1, messageId: 'e3' },
    ]);
    const m = await computeCampaignMetrics(store, { campaignId: 'c', groupBy: 'variant' });
    expect(m.revenueByCurrency).toEqual({ '(none)': 1, EUR: 72.5, USD: 12 });
    expect(m.groups?.map((g) => [g.key, g.metrics.revenueByCurrency])).toEqual([
      ['A', { EUR: 42.5 }],
      ['B', { '(none)': 1, EUR: 30, USD: 12 }],
    ]);
    const bySegment = await computeCampaignMetrics(store, { campaignId: 'c', groupBy: 'segment' });
    expect(bySegment.groups?.map((g) => [g.key, g.metrics.revenueByCurrency])).toEqual([
      ['de', { EUR: 72.5 }],
      ['us', { '(none)': 1, USD: 12 }],
    ]);
    const facts = await collectCampaignFacts(store, { campaignId: 'c' });
    expect(facts.messages.find((f) => f.messageId === 'e3')?.revenueByCurrency).toEqual({
      '(none)': 1,
      USD: 12,
    });
  });

  it('ignores unlinked events before the first send, and honours attributionWindowMs', async () => {
    const store = await storeOf([
      ...sends,
      { kind: 'opt_out', recipientId: '447700900001', at: at(-5) },
      { kind: 'block', recipientId: '447700900001', at: at(60 + 120), source: 'app' },
    ]);
    expect(await computeCampaignMetrics(store, { campaignId: 'c' })).toMatchObject({
      optedOut: 0,
      blocked: 1,
    });
    expect(
      await computeCampaignMetrics(store, { campaignId: 'c', attributionWindowMs: 60 * 60_000 }),
    ).toMatchObject({
      blocked: 0,
    });
  });

  it('credits a campaign+recipient click token to the latest message at or before the click, without a window', async () => {
    const store = await storeOf([
      ...sends,
      { kind: 'click', at: new Date(T0 + 30 * 24 * HOUR), campaignId: 'c', recipientId: '447700900001' },
      { kind: 'click', at: at(10), messageId: 'x1' },
    ]);
    const facts = await collectCampaignFacts(store, { campaignId: 'c' });
    expect(facts.messages.map((f) => f.clicked)).toEqual([false, true]);
  });
});

describe('opt-outs and blocks', () => {
  it('counts user_preferences stop, STOP quick replies and STOP keywords, not sentences; 131050 as already opted out', async () => {
    const store = await storeOf([
      base('a', '1', 0),
      base('b', '2', 0),
      base('c', '3', 0),
      base('d', '4', 0),
      base('e', '5', 0),
      { kind: 'opt_out', recipientId: '1', at: at(5), source: 'user_preferences' },
      { kind: 'status', messageId: 'b', status: 'failed', at: at(1), errorCode: 131050 },
      {
        kind: 'inbound',
        messageId: 'r3',
        recipientId: '3',
        at: at(2),
        messageType: 'button',
        buttonPayload: 'STOP_PROMO',
      },
      { kind: 'inbound', messageId: 'r4', recipientId: '4', at: at(2), text: '  Abmelden! ' },
      { kind: 'inbound', messageId: 'r5', recipientId: '5', at: at(2), text: 'please do not stop' },
    ]);
    const m = await computeCampaignMetrics(store, { campaignId: 'c' });
    expect(m).toMatchObject({ optedOut: 3, alreadyOptedOut: 1, failed: 1, replied: 1 });
    const custom = await computeCampaignMetrics(store, {
      campaignId: 'c',
      optOut: { keywords: ['please do not stop'], quickReplyPayloads: [] },
    });
    expect(custom).toMatchObject({ optedOut: 2, alreadyOptedOut: 1, replied: 2 });
  });

  it('infers blocks only when asked: no delivery after afterMs though an earlier message was delivered', async () => {
    const events: StoredEvent[] = [
      base('early', '1', 0, { campaignId: 'welcome' }),
      { kind: 'status', messageId: 'early', status: 'delivered', at: at(1) },
      base('late', '1', 600),
      base('fresh', '2', 600),
      base('d', '3', 600),
      { kind: 'status', messageId: 'd', status: 'delivered', at: at(601) },
    ];
    const store = await storeOf(events);
    const now = new Date(at(600).getTime() + 49 * HOUR);
    expect(await computeCampaignMetrics(store, { campaignId: 'c', now })).toMatchObject({ blocked: 0 });
    const inferred = { campaignId: 'c', now, blockInference: { afterMs: 48 * HOUR } };
    expect(await computeCampaignMetrics(store, inferred)).toMatchObject({ blocked: 1 });
    expect(await computeCampaignMetrics(scanOnly(store), inferred)).toMatchObject({ blocked: 1 });
    const tooSoon = { ...inferred, now: new Date(at(600).getTime() + HOUR) };
    expect(await computeCampaignMetrics(store, tooSoon)).toMatchObject({ blocked: 0 });
  });
});

describe('cost', () => {
  it('prices each billable, non-failed message once by its category; null without a rate card', async () => {
    const regular = { category: 'marketing', type: 'regular', billable: true };
    const store = await storeOf([
      base('m1', '1', 0),
      base('m2', '2', 0),
      base('m3', '3', 0),
      base('m4', '4', 0),
      { kind: 'status', messageId: 'm1', status: 'sent', at: at(1), pricing: regular },
      { kind: 'status', messageId: 'm1', status: 'delivered', at: at(2), pricing: regular },
      {
        kind: 'status',
        messageId: 'm2',
        status: 'delivered',
        at: at(2),
        pricing: { category: 'utility', type: 'regular' },
      },
      {
        kind: 'status',
        messageId: 'm3',
        status: 'delivered',
        at: at(2),
        pricing: { category: 'service', type: 'free_customer_service', billable: false },
      },
      { kind: 'status', messageId: 'm4', status: 'sent', at: at(1), pricing: regular },
      { kind: 'status', messageId: 'm4', status: 'failed', at: at(2), errorCode: 131026 },
      { kind: 'conversion', at: at(3), messageId: 'm1', value: 1 },
    ]);
    expect((await computeCampaignMetrics(store, { campaignId: 'c' })).cost).toBeNull();
    const m = await computeCampaignMetrics(store, {
      campaignId: 'c',
      rateCard: { marketing: 0.0613, utility: 0.008 },
    });
    expect(m.cost).toBe(0.0613 + 0.008);
    expect(m.returnOnSpend).toBe(1 / (0.0613 + 0.008));
  });
});

describe('groups', () => {
  it('groups by day of sending in the requested time zone, refused sends included', async () => {
    const late = new Date(Date.UTC(2026, 0, 5, 23, 30));
    const store = await storeOf([
      { kind: 'outbound', messageId: 'm1', recipientId: '1', at: late, campaignId: 'c' },
      {
        kind: 'outbound',
        messageId: 'm2',
        recipientId: '2',
        at: new Date(Date.UTC(2026, 0, 5, 12)),
        campaignId: 'c',
      },
      { kind: 'send_failed', recipientId: '3', at: late, campaignId: 'c' },
    ]);
    const utc = await computeCampaignMetrics(store, { campaignId: 'c', groupBy: 'day' });
    expect(utc.groups?.map((g) => [g.key, g.metrics.sent, g.metrics.rejected])).toEqual([
      ['2026-01-05', 2, 1],
    ]);
    const tokyo = await computeCampaignMetrics(store, {
      campaignId: 'c',
      groupBy: 'day',
      timeZone: 'Asia/Tokyo',
    });
    expect(tokyo.groups?.map((g) => [g.key, g.metrics.sent, g.metrics.rejected])).toEqual([
      ['2026-01-05', 1, 0],
      ['2026-01-06', 1, 1],
    ]);
  });
});

describe('query validation', () => {
  it('rejects unknown keys, bad time zones and negative windows with ValidationError', async () => {
    const store = new MemoryEventStore();
    await expect(
      computeCampaignMetrics(store, { campaignId: 'c', groupby: 'day' } as never),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      computeCampaignMetrics(store, { campaignId: 'c', timeZone: 'Mars/Olympus' }),
    ).rejects.toThrow(/time zone/);
    await expect(
      computeCampaignMetrics(store, { campaignId: 'c', attributionWindowMs: -1 }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(computeCampaignMetrics(store, { campaignId: '' })).rejects.toBeInstanceOf(ValidationError);
  });
});
