import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { LiveCampaignFold } from '../../src/metrics/live-campaign-fold.js';
import { createLinkTracker } from '../../src/tracking/link-tracker.js';
import { threeStores } from '../helpers/three-stores.js';

const T0 = Date.UTC(2026, 4, 1, 9);
const HOUR = 3600_000;
const at = (hours: number) => new Date(T0 + hours * HOUR);

/** Four messages of campaign `spring`: two of variant A (shared code), one unique code, one plain. */
function sends(): StoredEvent[] {
  const outbound = (n: number, variant: string, code?: string): StoredEvent[] => [
    {
      kind: 'outbound',
      messageId: `wamid.${n}`,
      recipientId: `1650555000${n}`,
      at: at(0),
      campaignId: 'spring',
      variant,
      ...(code === undefined ? {} : { metadata: { discountCode: code } }),
    },
    { kind: 'status', messageId: `wamid.${n}`, status: 'delivered', at: at(0.1) },
    {
      kind: 'status',
      messageId: `wamid.${n}`,
      status: 'sent',
      at: at(0),
      pricing: { category: 'marketing', type: 'regular', billable: true },
    },
  ];
  return [
    ...outbound(1, 'A', 'SPRING10'),
    ...outbound(2, 'A', 'SPRING10'),
    ...outbound(3, 'B', 'K7M2QX9P'),
    ...outbound(4, 'B'),
  ];
}

const stores = await threeStores('attr');

describe.each(stores)('conversions by the most specific key ($name)', ({ make }) => {
  it('a unique code credits its message; a shared code counts for the variant, in no message', async () => {
    const store = await make();
    await store.append([
      ...sends(),
      { kind: 'conversion', at: at(30), value: 50, code: 'K7M2QX9P' },
      { kind: 'conversion', at: at(2), value: 20, code: 'SPRING10' },
      { kind: 'conversion', at: at(3), value: 5, code: 'SPRING10', currency: 'EUR' },
    ]);
    const m = await computeCampaignMetrics(store, {
      campaignId: 'spring',
      groupBy: 'variant',
      rateCard: { marketing: 1 },
    });
    expect(m).toMatchObject({
      converted: 1,
      conversionRate: 0.25,
      revenue: 75,
      campaignOnlyConversions: 2,
      campaignOnlyRevenue: 25,
      // Per-message rates leave the campaign-level revenue out; return on spend has it all.
      revenuePerRecipient: 50 / 4,
      returnOnSpend: 75 / 4,
    });
    const groups = Object.fromEntries((m.groups ?? []).map((g) => [g.key, g.metrics]));
    expect(groups.A).toMatchObject({ converted: 0, revenue: 25, campaignOnlyConversions: 2 });
    expect(groups.B).toMatchObject({ converted: 1, revenue: 50, campaignOnlyConversions: 0 });
    await store.close?.();
  });

  it('a conversion naming only the campaign counts in revenue, not in any per-message rate', async () => {
    const store = await make();
    await store.append([
      ...sends(),
      { kind: 'conversion', at: at(5), value: 40, campaignId: 'spring' },
      // Another campaign's, and one before the campaign's first send: not this campaign's.
      { kind: 'conversion', at: at(5), value: 99, campaignId: 'autumn' },
      { kind: 'conversion', at: at(-1), value: 7, campaignId: 'spring' },
    ]);
    const m = await computeCampaignMetrics(store, { campaignId: 'spring', rateCard: { marketing: 2 } });
    expect(m).toMatchObject({
      converted: 0,
      conversionRate: 0,
      revenue: 40,
      campaignOnlyConversions: 1,
      revenuePerRecipient: 0,
      returnOnSpend: 5,
    });
    await store.close?.();
  });

  it('a code beats the recipient it names; an unknown code falls back to the recipient window', async () => {
    const store = await make();
    await store.append([
      ...sends(),
      // Names recipient 4 but carries message 3's code: message 3 gets it.
      { kind: 'conversion', at: at(1), value: 10, code: 'K7M2QX9P', recipientId: '16505550004' },
      // A code nobody was sent: the recipient's latest message within the window (72 h).
      { kind: 'conversion', at: at(2), value: 3, code: 'NOPE', recipientId: '16505550004' },
      // ... but not after it.
      { kind: 'conversion', at: at(100), value: 1000, code: 'NOPE', recipientId: '16505550001' },
    ]);
    const m = await computeCampaignMetrics(store, { campaignId: 'spring' });
    expect(m).toMatchObject({ converted: 2, revenue: 13, campaignOnlyConversions: 0 });
    const narrow = await computeCampaignMetrics(store, { campaignId: 'spring', attributionWindowMs: HOUR });
    expect(narrow).toMatchObject({ converted: 1, revenue: 10 });
    await store.close?.();
  });

  it('a conversion through a link token is attributed like its click: with no window', async () => {
    const store = await make();
    const tracker = createLinkTracker({
      secret: 'link-secret-0123456789',
      baseUrl: 'https://t.example.com/c',
      now: () => at(0),
    });
    const token = tracker.token('https://shop.example/', {
      campaignId: 'spring',
      recipientId: '16505550004',
    });
    const viaToken = tracker.conversion(token, { at: at(200), value: 60, currency: 'EUR' });
    expect(viaToken).toMatchObject({ campaignId: 'spring', recipientId: '16505550004', token });
    expect(tracker.conversion(`${token}x`)).toBeNull();
    await store.append([...sends(), viaToken!]);
    // 200 h after the send: past the 72 h window, which a token does not need.
    const m = await computeCampaignMetrics(store, { campaignId: 'spring' });
    expect(m).toMatchObject({ converted: 1, revenue: 60 });
    await store.close?.();
  });
});

describe('the live fold follows codes and campaign-only conversions', () => {
  it('equals a full computation after each batch, whatever arrives first', async () => {
    const store = new MemoryEventStore();
    const query = { campaignId: 'spring', groupBy: 'variant' as const };
    const fold = new LiveCampaignFold(store, query);
    const events = sends();
    // A code conversion while only one message carries the code: it is that message's.
    await store.append([
      ...events.slice(0, 3),
      { kind: 'conversion', at: at(2), value: 20, code: 'SPRING10' },
    ]);
    await fold.start();
    expect(fold.metrics()).toMatchObject({ converted: 1, revenue: 20, campaignOnlyConversions: 0 });
    expect(fold.metrics()).toEqual(await computeCampaignMetrics(store, query));
    // A second message with the code: now shared, it counts for variant A, in no message.
    await store.append(events.slice(3));
    await store.append([{ kind: 'conversion', at: at(5), value: 40, campaignId: 'spring' }]);
    await fold.update();
    expect(fold.metrics()).toMatchObject({ converted: 0, revenue: 60, campaignOnlyConversions: 2 });
    expect(fold.metrics()).toEqual(await computeCampaignMetrics(store, query));
  });
});
