import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/errors/index.js';
import type { EventFilter } from '../../../../src/events/event-store.js';
import type { StoredEvent } from '../../../../src/events/stored-event.js';
import { MemoryEventStore } from '../../../../src/events/stores/memory.js';
import { computeCampaignMetrics } from '../../../../src/metrics/compute-campaign-metrics.js';
import type { CampaignFacts } from '../../../../src/metrics/message-facts.js';
import type { CampaignMetrics, MetricsQuery } from '../../../../src/metrics/metrics-types.js';
import { generateCampaign } from '../../../metrics/generate-campaign.js';
import { generateCampaignStream, seededRandom } from './campaign-stream.js';
import { referenceFacts } from './reference-facts.js';

/** What the SQL-store behaviour tests need from a store. */
export interface SqlStoreUnderTest {
  append(events: StoredEvent[]): Promise<void>;
  appendNew(events: StoredEvent[]): Promise<StoredEvent[]>;
  scan(filter: EventFilter): AsyncIterable<StoredEvent>;
  campaignFacts(query: MetricsQuery): Promise<CampaignFacts>;
  aggregate(query: MetricsQuery): Promise<CampaignMetrics>;
  close(): Promise<void>;
}

async function collect(store: SqlStoreUnderTest, filter: EventFilter = {}): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const event of store.scan(filter)) events.push(event);
  return events;
}

const t = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);

/** Every shape of event with every optional field set, and one with none. */
const FULL_EVENTS: StoredEvent[] = [
  {
    kind: 'outbound',
    messageId: 'wamid.1',
    recipientId: '+1 (650) 555-1234',
    at: t(1),
    campaignId: 'c1',
    variant: 'A',
    segment: 'vip',
    templateName: 'promo',
    phoneNumberId: '106540352242922',
    metadata: { order: 42, tags: ['x', 'y'], nested: { ok: true, none: null } },
  },
  { kind: 'outbound', messageId: 'wamid.2', recipientId: '16505550000', at: t(1) },
  {
    kind: 'send_failed',
    recipientId: '16505559999',
    at: t(2),
    campaignId: 'c1',
    variant: 'B',
    segment: 'new',
    errorCode: 131030,
    idempotencyKey: 'k-1',
  },
  {
    kind: 'status',
    messageId: 'wamid.1',
    status: 'delivered',
    at: t(3),
    recipientId: '16505551234',
    pricing: { category: 'marketing', type: 'regular', billable: true },
  },
  { kind: 'status', messageId: 'wamid.1', status: 'failed', at: t(4), errorCode: 131026, pricing: {} },
  {
    kind: 'inbound',
    messageId: 'wamid.in.1',
    recipientId: '16505551234',
    at: t(5),
    contextMessageId: 'wamid.1',
    messageType: 'button',
    text: 'Stop promotions',
    buttonPayload: 'STOP_PROMO',
  },
  {
    kind: 'click',
    at: t(6),
    messageId: 'wamid.1',
    recipientId: '16505551234',
    campaignId: 'c1',
    url: 'https://x.test/?a="b"\\',
  },
  { kind: 'click', at: t(6) },
  { kind: 'opt_out', recipientId: '16505551234', at: t(7), source: 'keyword', messageId: 'wamid.1' },
  { kind: 'opt_in', recipientId: '16505551234', at: t(8) },
  { kind: 'block', recipientId: 'US.13491208655302741918', at: t(9), source: 'app' },
  {
    kind: 'conversion',
    at: t(10),
    value: 19.99,
    currency: 'EUR',
    messageId: 'wamid.1',
    recipientId: '1650',
    campaignId: 'c1',
  },
  { kind: 'conversion', at: t(10) },
];

/**
 * Behaviour every SQL store must show beyond the shared conformance suite: exact round trips, identity
 * deduplication, `appendNew`, filters, atomic validation, big batches, and SQL-folded campaign facts
 * equal to the generic fold.
 */
export function describeSqlStoreBehaviour(name: string, makeStore: () => Promise<SqlStoreUnderTest>): void {
  describe(`${name}: SQL store behaviour`, () => {
    it('gives back exactly the events appended: Dates, nested JSON, optional fields absent', async () => {
      const store = await makeStore();
      await store.append(FULL_EVENTS);
      const events = await collect(store);
      expect(events).toEqual(FULL_EVENTS);
      for (const event of events) {
        expect(event.at).toBeInstanceOf(Date);
        expect(Object.values(event)).not.toContain(null);
        expect(Object.values(event)).not.toContain(undefined);
      }
      expect(Object.keys(events[1] as object).sort()).toEqual(['at', 'kind', 'messageId', 'recipientId']);
      await store.close();
    });

    it('scans in ascending `at`, ties in append order', async () => {
      const store = await makeStore();
      const events: StoredEvent[] = [
        { kind: 'opt_in', recipientId: 'b', at: t(5) },
        { kind: 'opt_in', recipientId: 'a', at: t(1) },
        { kind: 'opt_in', recipientId: 'c', at: t(5) },
        { kind: 'opt_in', recipientId: 'd', at: t(3) },
      ];
      await store.append(events);
      await store.append([{ kind: 'opt_in', recipientId: 'e', at: t(1) }]);
      const order = (await collect(store)).map((e) => (e.kind === 'opt_in' ? e.recipientId : ''));
      expect(order).toEqual(['a', 'e', 'd', 'b', 'c']);
      await store.close();
    });

    it('stores a repeated event once, even with different content under the same identity', async () => {
      const store = await makeStore();
      const first: StoredEvent = { kind: 'status', messageId: 'm', status: 'delivered', at: t(1) };
      await store.append([first, { ...first }]);
      await store.append([{ ...first, at: t(9), recipientId: 'other' }]);
      expect(await collect(store)).toEqual([first]);
      await store.close();
    });

    it('appendNew returns only events not stored before, in input order, first of in-batch repeats', async () => {
      const store = await makeStore();
      const a: StoredEvent = { kind: 'status', messageId: 'm1', status: 'sent', at: t(1) };
      const b: StoredEvent = { kind: 'status', messageId: 'm1', status: 'read', at: t(2) };
      const c: StoredEvent = { kind: 'inbound', messageId: 'in', recipientId: 'r', at: t(3) };
      expect(await store.appendNew([a])).toEqual([a]);
      const fresh = await store.appendNew([c, a, b, { ...c }, { ...b }]);
      expect(fresh).toEqual([c, b]);
      expect(fresh[0]).toBe(c);
      expect(await store.appendNew([a, b, c])).toEqual([]);
      expect(await store.appendNew([])).toEqual([]);
      await store.close();
    });

    it('filters by campaign, kinds, time range, message ids (incl. reply context) and normalized recipients', async () => {
      const store = await makeStore();
      await store.append(FULL_EVENTS);
      const kinds = async (filter: EventFilter) => (await collect(store, filter)).map((e) => e.kind);
      expect(await kinds({ campaignId: 'c1' })).toEqual(['outbound', 'send_failed', 'click', 'conversion']);
      expect(await kinds({ kinds: ['opt_in', 'block'] })).toEqual(['opt_in', 'block']);
      expect(await kinds({ from: t(7), to: t(9) })).toEqual(['opt_out', 'opt_in']);
      expect(await kinds({ messageIds: ['wamid.1'] })).toEqual([
        'outbound',
        'status',
        'status',
        'inbound',
        'click',
        'opt_out',
        'conversion',
      ]);
      expect(await kinds({ recipientIds: ['+16505551234'], kinds: ['outbound', 'opt_in'] })).toEqual([
        'outbound',
        'opt_in',
      ]);
      expect(await kinds({ recipientIds: ['US.13491208655302741918'] })).toEqual(['block']);
      expect(await kinds({ messageIds: [], campaignId: 'c1' })).toEqual([]);
      await store.close();
    });

    it('rejects an event without a valid Date and writes nothing of that batch', async () => {
      const store = await makeStore();
      const good: StoredEvent = { kind: 'opt_in', recipientId: 'r', at: t(1) };
      const bad = { kind: 'opt_in', recipientId: 'r2', at: new Date(Number.NaN) } as StoredEvent;
      await expect(store.append([good, bad])).rejects.toBeInstanceOf(ValidationError);
      expect(await collect(store)).toEqual([]);
      await store.close();
    });

    it('ingests a 20,000-event batch with repeats and streams it back in pages', async () => {
      const store = await makeStore();
      const events: StoredEvent[] = [];
      for (let i = 0; i < 20_000; i++) {
        events.push({
          kind: 'status',
          messageId: `m${i % 10_000}`,
          status: i < 10_000 ? 'sent' : 'delivered',
          at: t(i),
        });
      }
      await store.append([...events, ...events.slice(0, 500)]);
      let count = 0;
      let last = 0;
      for await (const event of store.scan({ kinds: ['status'] })) {
        expect(event.at.getTime()).toBeGreaterThanOrEqual(last);
        last = event.at.getTime();
        count++;
      }
      expect(count).toBe(20_000);
      expect(await store.appendNew(events.slice(19_990))).toEqual([]);
      await store.close();
    });

    it('folds campaign facts in SQL exactly as the generic fold does (repeats, disorder, options)', async () => {
      const store = await makeStore();
      const events = generateCampaignStream({ messages: 3000, seed: 11 });
      await store.append(events);
      const queries: MetricsQuery[] = [
        { campaignId: 'spring' },
        { campaignId: 'spring', attributionWindowMs: 2 * 3_600_000 },
        {
          campaignId: 'spring',
          from: new Date(Date.UTC(2026, 2, 1, 8, 0, 20)),
          to: new Date(Date.UTC(2026, 2, 1, 8, 1)),
        },
        { campaignId: 'other', optOut: { keywords: ['thanks!'], quickReplyPayloads: ['YES'] } },
        { campaignId: 'spring', blockInference: { afterMs: 60_000 }, now: new Date(Date.UTC(2026, 3, 1)) },
        { campaignId: 'nobody' },
      ];
      for (const query of queries) {
        const facts = await store.campaignFacts(query);
        expect(facts).toEqual(referenceFacts(events, query));
      }
      const all = await store.campaignFacts({ campaignId: 'spring' });
      expect(all.messages.length).toBeGreaterThan(2800);
      expect(all.messages.some((m) => m.failed && m.alreadyOptedOut && !m.optedOut)).toBe(true);
      expect(all.messages.some((m) => m.billable && m.pricingCategory === 'utility')).toBe(true);
      expect(all.rejections.length).toBeGreaterThan(0);
      await store.close();
    });

    it('keeps its status rollup exact when statuses arrive over many appends, repeated, concurrently and out of order', async () => {
      const store = await makeStore();
      const events = generateCampaignStream({ messages: 1200, seed: 29 });
      const random = seededRandom(31);
      const chunks: StoredEvent[][] = [];
      for (let i = 0; i < events.length; ) {
        const size = 1 + Math.floor(random() * 150);
        chunks.push(events.slice(i, i + size));
        i += size;
      }
      // Three appends at a time (`append` and `appendNew`), each chunk possibly followed by a repeat of an
      // earlier one, so one message's statuses are merged into its rollup row by several appends, some
      // of them racing.
      for (let i = 0; i < chunks.length; i += 3) {
        const wave = chunks.slice(i, i + 3);
        if (random() < 0.5) wave.push(chunks[Math.floor(random() * (i + 1))] as StoredEvent[]);
        await Promise.all(wave.map((chunk, j) => (j % 2 ? store.appendNew(chunk) : store.append(chunk))));
      }
      for (const query of [
        { campaignId: 'spring' },
        { campaignId: 'spring', blockInference: { afterMs: 60_000 }, now: new Date(Date.UTC(2026, 3, 1)) },
      ] satisfies MetricsQuery[]) {
        expect(await store.campaignFacts(query)).toEqual(referenceFacts(events, query));
      }
      const facts = await store.campaignFacts({ campaignId: 'spring' });
      expect(facts.messages.some((m) => m.read)).toBe(true);
      expect(facts.messages.some((m) => m.failed && m.errorCode !== undefined)).toBe(true);
      await store.close();
    });

    it('folds a campaign that is most of the table (engagement read without a membership test) correctly', async () => {
      const store = await makeStore();
      const events = generateCampaignStream({ messages: 800, seed: 3 }).filter(
        (e) => e.kind !== 'status' && !(e.kind === 'outbound' && e.campaignId === 'other'),
      );
      await store.append(events);
      const query: MetricsQuery = { campaignId: 'spring', attributionWindowMs: 24 * 3_600_000 };
      const facts = await store.campaignFacts(query);
      expect(facts).toEqual(referenceFacts(events, query));
      expect(facts.messages.filter((m) => m.replied || m.clicked || m.converted).length).toBeGreaterThan(50);
      await store.close();
    });

    it("folds the shared generator's stream (played, system messages, STOP in many languages) like the generic fold", async () => {
      const store = await makeStore();
      const events = generateCampaign({ messages: 1500, seed: 5, shuffle: true });
      await store.append(events);
      const queries: MetricsQuery[] = [
        { campaignId: 'launch' },
        { campaignId: 'followup', attributionWindowMs: 6 * 3_600_000 },
        { campaignId: 'launch', blockInference: { afterMs: 3_600_000 }, now: new Date(Date.UTC(2026, 5, 1)) },
        // Groupings that also read each send's template name and record time zone from `extra`.
        { campaignId: 'launch', groupBy: 'template' },
      ];
      for (const query of queries)
        expect(await store.campaignFacts(query)).toEqual(referenceFacts(events, query));
      await store.close();
    });

    it('computes the same metrics as the memory store and the generic scan path, to the last digit', async () => {
      const store = await makeStore();
      const events = generateCampaignStream({ messages: 2000, seed: 23 });
      await store.append(events);
      const memory = new MemoryEventStore();
      await memory.append(events);
      const scanOnly = {
        append: (e: StoredEvent[]) => store.append(e),
        scan: (f: EventFilter) => store.scan(f),
      };
      const rateCard = { marketing: 0.0613, utility: 0.008, authentication: 0.0135 };
      const queries: MetricsQuery[] = [
        { campaignId: 'spring', rateCard },
        { campaignId: 'spring', groupBy: 'variant', rateCard, attributionWindowMs: 24 * 3_600_000 },
        { campaignId: 'spring', groupBy: 'segment', from: new Date(Date.UTC(2026, 2, 1, 8, 0, 10)) },
        {
          campaignId: 'spring',
          groupBy: 'day',
          timeZone: 'America/Sao_Paulo',
          rateCard: { marketing: 0.0625 },
        },
        {
          campaignId: 'other',
          optOut: { keywords: [] },
          blockInference: { afterMs: 1 },
          now: new Date(Date.UTC(2027, 0)),
        },
      ];
      for (const query of queries) {
        const expected = await computeCampaignMetrics(memory, query);
        expect(await computeCampaignMetrics(store, query)).toEqual(expected);
        expect(await computeCampaignMetrics(scanOnly, query)).toEqual(expected);
      }
      const headline = await store.aggregate({ campaignId: 'spring', rateCard });
      expect(headline.sent).toBeGreaterThan(1800);
      expect(headline.revenue).toBeGreaterThan(0);
      expect(headline.cost).toBeGreaterThan(0);
      await store.close();
    });
  });
}
