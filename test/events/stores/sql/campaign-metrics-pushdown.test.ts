import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../../src/events/stored-event.js';
import { MemoryEventStore } from '../../../../src/events/stores/memory.js';
import { perMessageFoldReason } from '../../../../src/events/stores/sql/campaign-metrics-sql.js';
import { computeCampaignMetrics } from '../../../../src/metrics/compute-campaign-metrics.js';
import { resolveMetricsQuery } from '../../../../src/metrics/metrics-query.js';
import type { MetricsQuery } from '../../../../src/metrics/metrics-types.js';
import { threeStores } from '../../../helpers/three-stores.js';
import { generateCampaignStream } from './campaign-stream.js';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 2, 1, 8);
const RATE_CARD = { marketing: 0.0613, utility: 0.008 };

/** The generated campaign, plus sends carrying template names and issued codes, and conversions naming them. */
function campaignEvents(): StoredEvent[] {
  const events = generateCampaignStream({ messages: 1500, seed: 15, startMs: START });
  const extra: StoredEvent[] = [];
  for (let i = 0; i < 40; i++) {
    const messageId = `wamid.coded.${i}`;
    const at = new Date(START + 20 * HOUR + i * 60_000);
    extra.push({
      kind: 'outbound',
      messageId,
      recipientId: `+90555000${String(i % 30).padStart(4, '0')}`,
      campaignId: 'spring',
      variant: i % 2 === 0 ? 'A' : 'B',
      templateName: i % 3 === 0 ? 'spring_sale' : 'spring_reminder',
      metadata: { discountCode: i < 30 ? `CODE${i}` : 'SHARED' },
      at,
    });
    if (i % 4 === 0)
      extra.push({ kind: 'status', messageId, status: 'delivered', at: new Date(at.getTime() + 5000) });
  }
  for (let i = 0; i < 30; i += 3) {
    extra.push({
      kind: 'conversion',
      code: `CODE${i}`,
      value: 10 + i,
      currency: 'EUR',
      at: new Date(START + 30 * HOUR),
    });
  }
  extra.push({ kind: 'conversion', code: 'SHARED', value: 5, at: new Date(START + 31 * HOUR) });
  extra.push({ kind: 'conversion', campaignId: 'spring', value: 7, at: new Date(START + 32 * HOUR) });
  // A campaign nobody engaged with, but for conversions naming only it: dated by its first send.
  for (let i = 0; i < 3; i++) {
    const at = new Date(START + (i + 1) * HOUR);
    const messageId = `wamid.quiet.${i}`;
    extra.push({ kind: 'outbound', messageId, recipientId: `+9055510000${i}`, campaignId: 'quiet', at });
    extra.push({ kind: 'status', messageId, status: 'read', at: new Date(at.getTime() + 9000) });
  }
  extra.push({ kind: 'conversion', campaignId: 'quiet', value: 3, at: new Date(START + 1.5 * HOUR) });
  extra.push({ kind: 'conversion', campaignId: 'quiet', value: 4, at: new Date(START + 0.5 * HOUR) });
  return [...events, ...extra];
}

const QUERIES: MetricsQuery[] = [
  { campaignId: 'spring', rateCard: RATE_CARD },
  { campaignId: 'spring', groupBy: 'variant' },
  { campaignId: 'spring', groupBy: 'segment', rateCard: RATE_CARD },
  { campaignId: 'spring', groupBy: 'day', timeZone: 'Asia/Kolkata' },
  { campaignId: 'spring', groupBy: 'day', timeZone: 'America/New_York' },
  { campaignId: 'spring', groupBy: 'template' },
  { campaignId: 'spring', from: new Date(START + 2 * HOUR), to: new Date(START + 30 * HOUR) },
  { campaignId: 'spring', attributionWindowFrom: 'click', attributionWindowMs: 6 * HOUR },
  { campaignId: 'other', groupBy: 'variant' },
  { campaignId: 'quiet', groupBy: 'day' },
  { campaignId: 'nothing-sent' },
];

describe('SQL stores count a campaign in SQL, to the memory store’s last digit', async () => {
  const sqlStores = (await threeStores('pushdown')).filter((s) => s.name !== 'memory');
  const events = campaignEvents();
  const memory = new MemoryEventStore();
  await memory.append(events);

  it('takes the counting path for these queries, the per-message fold for the others', () => {
    for (const query of QUERIES)
      expect(perMessageFoldReason(resolveMetricsQuery(query), false)).toBeUndefined();
    const resolved = (query: MetricsQuery) => resolveMetricsQuery(query);
    expect(perMessageFoldReason(resolved({ campaignId: 'spring' }), true)).toBe('identity links');
    expect(perMessageFoldReason(resolved({ campaignId: 'spring', groupBy: 'country' }), false)).toBe(
      'groupBy country',
    );
    expect(
      perMessageFoldReason(resolved({ campaignId: 'spring', blockInference: { afterMs: HOUR } }), false),
    ).toBe('block inference');
  });

  for (const storeCase of sqlStores) {
    it(`${storeCase.name}: every query equals the memory store's metrics`, async () => {
      const store = await storeCase.make();
      try {
        for (let i = 0; i < events.length; i += 500) await store.append(events.slice(i, i + 500));
        for (const query of QUERIES) {
          const expected = await computeCampaignMetrics(memory, query);
          const actual = await computeCampaignMetrics(store, query);
          expect({ query, metrics: actual }).toEqual({ query, metrics: expected });
        }
        const spring = await computeCampaignMetrics(store, { campaignId: 'spring' });
        expect(spring.sent).toBeGreaterThan(1500);
        expect(spring.campaignOnlyConversions).toBeGreaterThan(0);
        expect(spring.converted).toBeGreaterThan(0);
        const quiet = await computeCampaignMetrics(store, { campaignId: 'quiet' });
        expect([quiet.campaignOnlyConversions, quiet.campaignOnlyRevenue, quiet.read]).toEqual([1, 3, 3]);
      } finally {
        await store.close?.();
      }
    });
  }
});
