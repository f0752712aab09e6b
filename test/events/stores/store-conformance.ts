/**
 * The behaviour every EventStore must have. Run it for a store with
 * `describeEventStoreConformance('SqliteEventStore', async () => new SqliteEventStore({ ... }))`.
 * Each test gets a fresh store from `makeStore` and closes it afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors/index.js';
import type { EventFilter, EventStore } from '../../../src/events/event-store.js';
import type { StoredEvent } from '../../../src/events/stored-event.js';
import { computeCampaignMetrics } from '../../../src/metrics/compute-campaign-metrics.js';
import type { CampaignMetrics, MetricsQuery } from '../../../src/metrics/metrics-types.js';
import { generateCampaign } from '../../metrics/generate-campaign.js';
import { type NaiveQuery, naiveCampaignMetrics } from '../../metrics/naive-metrics.js';

/** A store under test, with an optional `close` called after each test. */
export type ConformanceStore = EventStore & { close?(): Promise<void> };

const T0 = Date.UTC(2026, 0, 5, 10);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

async function collect(store: EventStore, filter: EventFilter = {}): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const event of store.scan(filter)) out.push(event);
  return out;
}

/** The metrics without failure-code titles, which the naive recomputation does not know. */
function withoutTitles(metrics: CampaignMetrics): unknown {
  const { failuresByCode, groups, ...rest } = metrics;
  const out: Record<string, unknown> = {
    ...rest,
    failuresByCode: failuresByCode.map(({ code, count }) => ({ code, count })),
  };
  if (groups) out.groups = groups.map((g) => ({ key: g.key, metrics: withoutTitles(g.metrics) }));
  return out;
}

/** Strips `undefined` members so stores that drop absent columns compare equal. */
function plain(events: StoredEvent[]): unknown[] {
  return events.map((event) => JSON.parse(JSON.stringify({ ...event, at: event.at.toISOString() })));
}

const FIXTURE: StoredEvent[] = [
  {
    kind: 'outbound',
    messageId: 'wamid.1',
    recipientId: '+49 1512 0000001',
    at: at(0),
    campaignId: 'spring',
    variant: 'A',
    segment: 'vip',
    templateName: 'spring_sale',
    phoneNumberId: '106540352242922',
    metadata: { order: 7, tags: ['x'] },
  },
  {
    kind: 'outbound',
    messageId: 'wamid.2',
    recipientId: '4915120000002',
    at: at(1),
    campaignId: 'spring',
    variant: 'B',
  },
  { kind: 'outbound', messageId: 'wamid.3', recipientId: '4915120000003', at: at(1), campaignId: 'autumn' },
  {
    kind: 'send_failed',
    recipientId: '4915120000004',
    at: at(2),
    campaignId: 'spring',
    errorCode: 131030,
    idempotencyKey: 'k4',
  },
  {
    kind: 'status',
    messageId: 'wamid.1',
    status: 'delivered',
    at: at(3),
    recipientId: '4915120000001',
    pricing: { category: 'marketing', type: 'regular', billable: true },
  },
  { kind: 'status', messageId: 'wamid.1', status: 'read', at: at(4), recipientId: '4915120000001' },
  {
    kind: 'status',
    messageId: 'wamid.2',
    status: 'failed',
    at: at(4),
    recipientId: '4915120000002',
    errorCode: 131026,
  },
  {
    kind: 'inbound',
    messageId: 'wamid.in.1',
    recipientId: '4915120000001',
    at: at(5),
    contextMessageId: 'wamid.1',
    messageType: 'button',
    text: 'Stop promotions',
    buttonPayload: 'STOP_PROMO',
  },
  { kind: 'click', at: at(6), messageId: 'wamid.1', url: 'https://shop.example/a' },
  {
    kind: 'click',
    at: at(6),
    campaignId: 'spring',
    recipientId: '4915120000002',
    url: 'https://shop.example/b',
  },
  { kind: 'opt_out', recipientId: '4915120000002', at: at(7), source: 'user_preferences' },
  { kind: 'opt_in', recipientId: '4915120000002', at: at(8), source: 'user_preferences' },
  { kind: 'block', recipientId: '4915120000003', at: at(9), source: 'app', messageId: 'wamid.3' },
  { kind: 'conversion', at: at(10), value: 49.9, currency: 'EUR', messageId: 'wamid.1' },
  {
    kind: 'conversion',
    at: at(11),
    value: 12,
    currency: 'EUR',
    recipientId: '4915120000002',
    campaignId: 'spring',
  },
  { kind: 'resolved', recipientId: '+49 1512 0000003', at: at(12), source: 'helpdesk' },
];

/** Registers the conformance suite for one EventStore implementation. */
export function describeEventStoreConformance(
  name: string,
  makeStore: () => Promise<ConformanceStore>,
): void {
  describe(`EventStore conformance: ${name}`, () => {
    const open: ConformanceStore[] = [];
    const fresh = async () => {
      const store = await makeStore();
      open.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close?.();
    });

    it('stores every kind and gives it back with the same fields', async () => {
      const store = await fresh();
      await store.append(FIXTURE);
      const back = await collect(store);
      expect(back).toHaveLength(FIXTURE.length);
      for (const event of back) expect(event.at).toBeInstanceOf(Date);
      const sortedFixture = [...FIXTURE].sort((a, b) => a.at.getTime() - b.at.getTime());
      expect(plain(back)).toEqual(plain(sortedFixture));
    });

    it("keeps a consent record's category, source and agreed text", async () => {
      const store = await fresh();
      const consent: StoredEvent = {
        kind: 'opt_in',
        recipientId: '4915120000009',
        at: at(1),
        category: 'marketing',
        source: 'web_form',
        text: 'Yes, send me offers (weekly at most)',
      };
      await store.append([consent, { ...consent, category: 'utility' }, consent]);
      expect(plain(await collect(store))).toEqual(plain([consent, { ...consent, category: 'utility' }]));
    });

    it('scans in ascending time, ties in append order, whatever the append order', async () => {
      const store = await fresh();
      const events: StoredEvent[] = [
        { kind: 'status', messageId: 'm', status: 'read', at: at(30) },
        { kind: 'status', messageId: 'm', status: 'sent', at: at(10) },
        { kind: 'status', messageId: 'x', status: 'sent', at: at(20) },
        { kind: 'status', messageId: 'm', status: 'delivered', at: at(20) },
      ];
      await store.append(events.slice(0, 2));
      await store.append(events.slice(2));
      const order = (await collect(store)).map((e) =>
        e.kind === 'status' ? `${e.messageId}:${e.status}` : '',
      );
      expect(order).toEqual(['m:sent', 'x:sent', 'm:delivered', 'm:read']);
    });

    it('is idempotent: repeats across and within batches are stored once', async () => {
      const store = await fresh();
      await store.append(FIXTURE);
      await store.append(
        FIXTURE.map((event) => ({ ...event, at: new Date(event.at.getTime()) }) as StoredEvent),
      );
      await store.append([FIXTURE[4]!, FIXTURE[4]!]);
      expect(await collect(store)).toHaveLength(FIXTURE.length);
    });

    it('keys a status by message and status: a second `delivered` with another time is a repeat', async () => {
      const store = await fresh();
      await store.append([
        { kind: 'status', messageId: 'm', status: 'delivered', at: at(1) },
        { kind: 'status', messageId: 'm', status: 'delivered', at: at(2) },
        { kind: 'status', messageId: 'm', status: 'read', at: at(3) },
        { kind: 'inbound', messageId: 'in', recipientId: '1', at: at(4), text: 'a' },
        { kind: 'inbound', messageId: 'in', recipientId: '1', at: at(5), text: 'a' },
      ]);
      const back = await collect(store);
      expect(back.map((e) => e.at.getTime())).toEqual([at(1), at(3), at(4)].map((d) => d.getTime()));
    });

    it('keeps a status filled from history, and drops the later webhook of the same status', async () => {
      const store = await fresh();
      await store.append([
        { kind: 'status', messageId: 'h', status: 'delivered', at: at(1), source: 'history' },
      ]);
      await store.append([
        { kind: 'status', messageId: 'h', status: 'delivered', at: at(2), source: 'webhook' },
      ]);
      expect(plain(await collect(store))).toEqual(
        plain([{ kind: 'status', messageId: 'h', status: 'delivered', at: at(1), source: 'history' }]),
      );
    });

    it('appendNew returns only the events not stored before, in input order', async (ctx) => {
      const store = await fresh();
      if (!store.appendNew) {
        ctx.skip();
        return;
      }
      const first = await store.appendNew(FIXTURE.slice(0, 5));
      expect(first).toHaveLength(5);
      const second = await store.appendNew([FIXTURE[6]!, FIXTURE[4]!, FIXTURE[6]!, FIXTURE[5]!]);
      expect(plain(second)).toEqual(plain([FIXTURE[6]!, FIXTURE[5]!]));
      expect(await collect(store)).toHaveLength(7);
    });

    it('rejects an invalid event with ValidationError and stores nothing of that batch', async () => {
      const store = await fresh();
      const bad = [FIXTURE[0]!, { kind: 'status', messageId: '', status: 'sent', at: new Date('nope') }];
      await expect(store.append(bad as StoredEvent[])).rejects.toBeInstanceOf(ValidationError);
      expect(await collect(store)).toHaveLength(0);
    });

    it('filters by campaign, kinds and a [from, to) time range', async () => {
      const store = await fresh();
      await store.append(FIXTURE);
      const spring = await collect(store, { campaignId: 'spring' });
      expect(spring.map((e) => e.kind)).toEqual([
        'outbound',
        'outbound',
        'send_failed',
        'click',
        'conversion',
      ]);
      const statuses = await collect(store, { kinds: ['status'] });
      expect(statuses).toHaveLength(3);
      const window = await collect(store, { from: at(4), to: at(6) });
      expect(window.map((e) => e.at.getTime())).toEqual([at(4), at(4), at(5)].map((d) => d.getTime()));
      const sends = await collect(store, { campaignId: 'spring', kinds: ['outbound'], from: at(1) });
      expect(sends.map((e) => (e.kind === 'outbound' ? e.messageId : ''))).toEqual(['wamid.2']);
    });

    it('filters by message ids, including the message an inbound reply answers', async () => {
      const store = await fresh();
      await store.append(FIXTURE);
      const aboutOne = await collect(store, { messageIds: ['wamid.1'] });
      expect(aboutOne.map((e) => e.kind)).toEqual([
        'outbound',
        'status',
        'status',
        'inbound',
        'click',
        'conversion',
      ]);
      const replyItself = await collect(store, { messageIds: ['wamid.in.1', 'wamid.1'], kinds: ['inbound'] });
      expect(replyItself).toHaveLength(1);
      expect(await collect(store, { messageIds: [] })).toEqual([]);
    });

    it('filters by recipient ids, matching phone numbers in any common format', async () => {
      const store = await fresh();
      await store.append(FIXTURE);
      const one = await collect(store, { recipientIds: ['4915120000001'] });
      expect(one.map((e) => e.kind)).toEqual(['outbound', 'status', 'status', 'inbound']);
      const two = await collect(store, {
        recipientIds: ['+49 (1512) 000-0002'],
        kinds: ['opt_out', 'opt_in'],
      });
      expect(two.map((e) => e.kind)).toEqual(['opt_out', 'opt_in']);
      const resolved = await collect(store, { recipientIds: ['4915120000003'], kinds: ['resolved'] });
      expect(resolved).toEqual([
        { kind: 'resolved', recipientId: '+49 1512 0000003', at: at(12), source: 'helpdesk' },
      ]);
      expect(await collect(store, { recipientIds: [] })).toEqual([]);
    });

    it('ingests a large batch in one append and counts it exactly', async () => {
      const store = await fresh();
      const events: StoredEvent[] = [];
      for (let i = 0; i < 20_000; i++) {
        events.push({
          kind: 'status',
          messageId: `m${i % 10_000}`,
          status: i < 10_000 ? 'sent' : 'delivered',
          at: at(i % 97),
        });
      }
      await store.append(events);
      await store.append(events.slice(0, 5_000));
      let count = 0;
      let last = Number.NEGATIVE_INFINITY;
      for await (const event of store.scan({ kinds: ['status'] })) {
        expect(event.at.getTime()).toBeGreaterThanOrEqual(last);
        last = event.at.getTime();
        count++;
      }
      expect(count).toBe(20_000);
    });

    it('computes the campaign metrics an independent naive recomputation gives, on a stream with repeats and disorder', async () => {
      const events = generateCampaign({ messages: 1_500, seed: 11 });
      const store = await fresh();
      for (let i = 0; i < events.length; i += 700) await store.append(events.slice(i, i + 700));
      const queries: MetricsQuery[] = [
        { campaignId: 'launch', rateCard: { marketing: 0.0613, utility: 0.008 } },
        { campaignId: 'launch', groupBy: 'variant', attributionWindowMs: 24 * 3_600_000 },
        { campaignId: 'followup', groupBy: 'segment', from: new Date(Date.UTC(2026, 2, 3, 9, 1)) },
        { campaignId: 'nobody' },
      ];
      for (const query of queries) {
        const expected = naiveCampaignMetrics(events, query as NaiveQuery);
        expect(withoutTitles(await computeCampaignMetrics(store, query))).toEqual(expected);
      }
    });

    it('groups by day in the query time zone: totals as the naive recomputation, sends counted per local day', async () => {
      // The sends straddle midnight in India (18:30 UTC).
      const events = generateCampaign({
        messages: 1_500,
        seed: 11,
        startMs: Date.UTC(2026, 2, 2, 18, 29, 50),
      });
      const store = await fresh();
      await store.append(events);
      const timeZone = 'Asia/Kolkata';
      const metrics = await computeCampaignMetrics(store, { campaignId: 'launch', groupBy: 'day', timeZone });
      const { groups, ...totals } = withoutTitles(metrics) as Record<string, unknown>;
      expect(totals).toEqual(naiveCampaignMetrics(events, { campaignId: 'launch' }));
      const localDay = new Intl.DateTimeFormat('en-CA', { timeZone });
      const sentPerDay = new Map<string, Set<string>>();
      for (const event of events) {
        if (event.kind !== 'outbound' || event.campaignId !== 'launch') continue;
        const day = localDay.format(event.at);
        sentPerDay.set(day, (sentPerDay.get(day) ?? new Set()).add(event.messageId));
      }
      const expectedSent = [...sentPerDay].map(([day, ids]) => [day, ids.size]).sort();
      expect(expectedSent.length).toBeGreaterThan(1);
      expect(metrics.groups?.filter((g) => g.metrics.sent > 0).map((g) => [g.key, g.metrics.sent])).toEqual(
        expectedSent,
      );
    });
  });
}
