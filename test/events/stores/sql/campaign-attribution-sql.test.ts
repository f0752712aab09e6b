import { describe, expect, it, vi } from 'vitest';
import type { StoredEvent } from '../../../../src/events/stored-event.js';
import { MemoryEventStore } from '../../../../src/events/stores/memory.js';
import { loadAttributedMetrics } from '../../../../src/events/stores/sql/campaign-attributed-metrics.js';
import { computeCampaignMetrics } from '../../../../src/metrics/compute-campaign-metrics.js';
import type { CampaignMetrics, MetricsQuery } from '../../../../src/metrics/metrics-types.js';
import { threeStores } from '../../../helpers/three-stores.js';
import { generateCampaignStream } from './campaign-stream.js';

// Spied on to tell that the SQL stores attributed in SQL (it resolves undefined when it hands over to Node).
vi.mock('../../../../src/events/stores/sql/campaign-attributed-metrics.js', async (original) => {
  const actual =
    await original<typeof import('../../../../src/events/stores/sql/campaign-attributed-metrics.js')>();
  return { ...actual, loadAttributedMetrics: vi.fn(actual.loadAttributedMetrics) };
});
const attributed = vi.mocked(loadAttributedMetrics);

/** Whether every call since the last check attributed in SQL (and there was one). */
async function allAttributedInSql(): Promise<boolean> {
  const results = attributed.mock.results.map((r) => r.value as Promise<CampaignMetrics | undefined>);
  attributed.mockClear();
  if (results.length === 0) return false;
  return (await Promise.all(results)).every((metrics) => metrics !== undefined);
}

const SECOND = 1000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 4, 4, 9);
const CAMPAIGN = 'edge';

function send(id: string, recipientId: string, atMs: number, variant: string): StoredEvent {
  return { kind: 'outbound', messageId: id, recipientId, campaignId: CAMPAIGN, variant, at: new Date(atMs) };
}

function status(messageId: string, s: 'delivered' | 'read' | 'failed', atMs: number): StoredEvent {
  return s === 'failed'
    ? { kind: 'status', messageId, status: s, errorCode: 131026, at: new Date(atMs) }
    : { kind: 'status', messageId, status: s, at: new Date(atMs) };
}

function reply(id: string, recipientId: string, atMs: number, contextMessageId?: string): StoredEvent {
  const event: StoredEvent = {
    kind: 'inbound',
    messageId: id,
    recipientId,
    text: 'sounds good',
    at: new Date(atMs),
  };
  if (contextMessageId !== undefined) event.contextMessageId = contextMessageId;
  return event;
}

/** Each attribution edge case sends in variants of its own, so `groupBy: 'variant'` shows each outcome. */
function edgeCases(): StoredEvent[] {
  return [
    // Latest message at or before the event: the reply goes to the first, the block to the second.
    send('wamid.latest.1', '+15550000001', T0, 'latest-a'),
    send('wamid.latest.2', '+15550000001', T0 + HOUR, 'latest-b'),
    reply('wamid.in.latest', '+15550000001', T0 + HOUR / 2),
    { kind: 'block', recipientId: '15550000001', at: new Date(T0 + 2 * HOUR) },
    // The window's edge: an opt-out exactly 72 h after the send counts, one a second later does not.
    send('wamid.window.in', '+15550000002', T0, 'window-in'),
    status('wamid.window.in', 'delivered', T0 + SECOND),
    { kind: 'opt_out', recipientId: '+15550000002', at: new Date(T0 + 72 * HOUR) },
    send('wamid.window.out', '+15550000003', T0, 'window-out'),
    status('wamid.window.out', 'delivered', T0 + SECOND),
    { kind: 'opt_out', recipientId: '+15550000003', at: new Date(T0 + 72 * HOUR + SECOND) },
    // A failed message is skipped: the reply goes to the earlier, delivered one.
    send('wamid.failed.old', '+15550000004', T0, 'failed-old'),
    status('wamid.failed.old', 'delivered', T0 + SECOND),
    send('wamid.failed.new', '+15550000004', T0 + HOUR, 'failed-new'),
    status('wamid.failed.new', 'failed', T0 + HOUR + SECOND),
    reply('wamid.in.failed', '+15550000004', T0 + 2 * HOUR),
    // ...unless an action naming it proves it was delivered: then it is the latest not failed.
    send('wamid.proved.old', '+15550000005', T0, 'proved-old'),
    status('wamid.proved.old', 'delivered', T0 + SECOND),
    send('wamid.proved.new', '+15550000005', T0 + HOUR, 'proved-new'),
    status('wamid.proved.new', 'failed', T0 + HOUR + SECOND),
    {
      kind: 'click',
      messageId: 'wamid.proved.new',
      recipientId: '+15550000005',
      at: new Date(T0 + HOUR + 60 * SECOND),
    },
    reply('wamid.in.proved', '+15550000005', T0 + 2 * HOUR),
    // The reply's context beats the latest message to the recipient.
    send('wamid.ctx.old', '+15550000006', T0, 'ctx-old'),
    send('wamid.ctx.new', '+15550000006', T0 + HOUR, 'ctx-new'),
    reply('wamid.in.ctx', '+15550000006', T0 + 2 * HOUR, 'wamid.ctx.old'),
    // Equal send times: the higher id is the later; a reply stamped in the sends' second answers them.
    send('wamid.tie.a', '+15550000007', T0 + 500, 'tie-a'),
    send('wamid.tie.b', '+15550000007', T0 + 500, 'tie-b'),
    reply('wamid.in.tie', '+15550000007', T0),
    // Before the first send to the recipient: nobody's.
    send('wamid.before', '+15550000008', T0 + HOUR, 'before'),
    reply('wamid.in.before', '+15550000008', T0),
    // Conversions by recipient, values rounded to micros, currencies kept apart (case folded).
    send('wamid.conv', '+15550000009', T0, 'conv'),
    status('wamid.conv', 'read', T0 + SECOND),
    {
      kind: 'conversion',
      recipientId: '+15550000009',
      value: 12.5,
      currency: 'EUR',
      at: new Date(T0 + HOUR),
    },
    {
      kind: 'conversion',
      recipientId: '+15550000009',
      value: 0.1000004,
      currency: 'usd',
      at: new Date(T0 + 2 * HOUR),
    },
    { kind: 'conversion', messageId: 'wamid.conv', value: 2, at: new Date(T0 + 3 * HOUR) },
    // A STOP keyword is an opt-out (and proof of delivery), not a reply; a system message is neither.
    send('wamid.stop', '+15550000010', T0, 'stop'),
    {
      kind: 'inbound',
      messageId: 'wamid.in.stop',
      recipientId: '+15550000010',
      text: ' Stop! ',
      at: new Date(T0 + HOUR),
    },
    send('wamid.system', '+15550000011', T0, 'system'),
    {
      kind: 'inbound',
      messageId: 'wamid.in.sys',
      recipientId: '+15550000011',
      messageType: 'system',
      at: new Date(T0 + HOUR),
    },
    // Clicks: a campaign-scoped token has no window; an unscoped one has; another campaign's is not ours.
    send('wamid.click', '+15550000012', T0, 'click'),
    {
      kind: 'click',
      recipientId: '+15550000012',
      campaignId: CAMPAIGN,
      url: 'https://x.test/a',
      at: new Date(T0 + 100 * HOUR),
    },
    { kind: 'click', recipientId: '+15550000012', url: 'https://x.test/b', at: new Date(T0 + 100 * HOUR) },
    {
      kind: 'click',
      recipientId: '+15550000012',
      campaignId: 'other',
      url: 'https://x.test/c',
      at: new Date(T0 + HOUR),
    },
    { kind: 'click', recipientId: '+15550000012', url: 'https://x.test/d', at: new Date(T0 + HOUR) },
    // A conversion naming only the campaign, from its first send's second on.
    { kind: 'conversion', campaignId: CAMPAIGN, value: 3, currency: 'EUR', at: new Date(T0 + HOUR) },
    { kind: 'conversion', campaignId: CAMPAIGN, value: 4, at: new Date(T0 - HOUR) },
  ];
}

type Outcome = Pick<
  CampaignMetrics,
  'delivered' | 'failed' | 'replied' | 'optedOut' | 'blocked' | 'clicks' | 'converted'
>;
const NONE: Outcome = {
  delivered: 0,
  failed: 0,
  replied: 0,
  optedOut: 0,
  blocked: 0,
  clicks: 0,
  converted: 0,
};

/** What each variant must count (fields not listed: 0). */
const EXPECTED: Record<string, Partial<Outcome>> = {
  'latest-a': { delivered: 1, replied: 1 },
  'latest-b': { blocked: 1 },
  'window-in': { delivered: 1, optedOut: 1 },
  'window-out': { delivered: 1 },
  'failed-old': { delivered: 1, replied: 1 },
  'failed-new': { failed: 1 },
  'proved-old': { delivered: 1 },
  'proved-new': { delivered: 1, replied: 1, clicks: 1 },
  'ctx-old': { delivered: 1, replied: 1 },
  'ctx-new': {},
  'tie-a': {},
  'tie-b': { delivered: 1, replied: 1 },
  before: {},
  conv: { delivered: 1, converted: 1 },
  stop: { delivered: 1, optedOut: 1 },
  system: {},
  click: { delivered: 1, clicks: 2 },
};

function outcome(metrics: CampaignMetrics): Outcome {
  const { delivered, failed, replied, optedOut, blocked, clicks, converted } = metrics;
  return { delivered, failed, replied, optedOut, blocked, clicks, converted };
}

describe('SQL attribution: the edge cases of the fold, on every store', async () => {
  const stores = await threeStores('sqlattr');
  for (const storeCase of stores) {
    it(`${storeCase.name}: each event goes to the message the fold gives it`, async () => {
      const store = await storeCase.make();
      try {
        await store.append(edgeCases());
        attributed.mockClear();
        const metrics = await computeCampaignMetrics(store, { campaignId: CAMPAIGN, groupBy: 'variant' });
        const byVariant = Object.fromEntries(metrics.groups!.map((g) => [g.key, outcome(g.metrics)]));
        const expected = Object.fromEntries(
          Object.entries(EXPECTED).map(([variant, counts]) => [variant, { ...NONE, ...counts }]),
        );
        expect(byVariant).toEqual(expected);
        expect(metrics.revenueByCurrency).toEqual({ '(none)': 2, EUR: 15.5, USD: 0.1 });
        expect(metrics.revenue).toBe(17.6);
        expect([metrics.campaignOnlyConversions, metrics.campaignOnlyRevenue]).toEqual([1, 3]);
        if (storeCase.name !== 'memory') expect(await allAttributedInSql()).toBe(true);
      } finally {
        await store.close?.();
      }
    });
  }
});

const START = Date.UTC(2026, 2, 1, 8);
const QUERIES: MetricsQuery[] = [
  { campaignId: 'spring', rateCard: { marketing: 0.0613, utility: 0.008 } },
  { campaignId: 'spring', groupBy: 'variant', attributionWindowMs: 2 * HOUR },
  {
    campaignId: 'spring',
    groupBy: 'segment',
    optOut: { keywords: ['no thanks'], quickReplyPayloads: ['NOPE'] },
  },
  { campaignId: 'spring', groupBy: 'day', timeZone: 'Asia/Kolkata' },
  { campaignId: 'spring', groupBy: 'template' },
  { campaignId: 'spring', from: new Date(START + 2 * HOUR), to: new Date(START + 30 * HOUR) },
  { campaignId: 'other', groupBy: 'variant' },
];

describe('SQL attribution on a generated campaign equals the memory store’s fold', async () => {
  const sqlStores = (await threeStores('sqlattrgen')).filter((s) => s.name !== 'memory');
  const events = generateCampaignStream({ messages: 1500, seed: 7, startMs: START });
  const memory = new MemoryEventStore();
  await memory.append(events);
  for (const storeCase of sqlStores) {
    it(`${storeCase.name}: every query, attributed in SQL`, async () => {
      const store = await storeCase.make();
      try {
        for (let i = 0; i < events.length; i += 500) await store.append(events.slice(i, i + 500));
        for (const query of QUERIES) {
          const expected = await computeCampaignMetrics(memory, query);
          attributed.mockClear();
          const actual = await computeCampaignMetrics(store, query);
          expect({ query, metrics: actual }).toEqual({ query, metrics: expected });
          expect({ query, inSql: await allAttributedInSql() }).toEqual({ query, inSql: true });
        }
        const spring = await computeCampaignMetrics(store, { campaignId: 'spring' });
        expect(spring.replied * spring.clicked * spring.optedOut * spring.converted).toBeGreaterThan(0);
      } finally {
        await store.close?.();
      }
    });
  }
});
