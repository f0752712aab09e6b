import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { createLinkTracker } from '../../src/tracking/link-tracker.js';
import { parseWebhook, toStoredEvents } from '../../src/webhooks/index.js';
import { fixture } from '../webhooks/helpers.js';

const SENT_AT = new Date(1753000000 * 1000 - 3600_000);

async function campaignWithOneLinkClick(clickId: string | undefined) {
  const store = new MemoryEventStore();
  await store.append([
    { kind: 'outbound', messageId: 'wamid.A', recipientId: '16505551234', at: SENT_AT, campaignId: 'mm' },
    { kind: 'outbound', messageId: 'wamid.B', recipientId: '16505550000', at: SENT_AT, campaignId: 'mm' },
  ]);
  const tracker = createLinkTracker({
    secret: 'link-secret-0123456789',
    baseUrl: 'https://t.example.com/c',
    store,
    now: () => new Date(1753000000 * 1000),
  });
  const link = tracker.wrap('https://shop.example/', { campaignId: 'mm', recipientId: '16505551234' });
  await tracker.handler(new Request(clickId === undefined ? link : `${link}?fbclid=${clickId}`));
  return store;
}

describe("Meta's clicks in the metrics", () => {
  it('a Meta click and the redirect click of one tap: the message once in clicked, both in clicks', async () => {
    // Meta's documented example carries click_id "click_id": the redirect saw the same id as fbclid.
    const store = await campaignWithOneLinkClick('click_id');
    await store.append(parseWebhook(fixture('mm-api/link-click.json')).flatMap(toStoredEvents));
    const m = await computeCampaignMetrics(store, { campaignId: 'mm' });
    expect(m.clicked).toBe(1);
    expect(m.clicks).toBe(2);
    expect(m.delivered).toBe(1);
  });

  it('a Meta click whose click id no link recorded is attributed to nothing', async () => {
    const store = await campaignWithOneLinkClick('another');
    await store.append(parseWebhook(fixture('mm-api/link-click.json')).flatMap(toStoredEvents));
    const m = await computeCampaignMetrics(store, { campaignId: 'mm' });
    expect(m.clicked).toBe(1);
    expect(m.clicks).toBe(1);
  });

  it('the generic scan path agrees with the memory push-down', async () => {
    const store = await campaignWithOneLinkClick('click_id');
    await store.append(parseWebhook(fixture('mm-api/link-click.json')).flatMap(toStoredEvents));
    const scanOnly = { append: store.append.bind(store), scan: store.scan.bind(store) };
    const viaScan = await computeCampaignMetrics(scanOnly, { campaignId: 'mm' });
    expect(viaScan).toEqual(await computeCampaignMetrics(store, { campaignId: 'mm' }));
  });
});

describe('per-click metrics', () => {
  it('conversionsPerClick counts clicked messages that converted; revenuePerClick is revenue over clicked', async () => {
    const store = await campaignWithOneLinkClick(undefined);
    const later = new Date(1753000000 * 1000 + 60_000);
    await store.append([
      { kind: 'conversion', at: later, value: 30, messageId: 'wamid.A' },
      // A conversion of the message that was not clicked: in revenue, not in conversionsPerClick.
      { kind: 'conversion', at: later, value: 10, messageId: 'wamid.B' },
      { kind: 'status', messageId: 'wamid.B', status: 'delivered', at: later },
    ]);
    const m = await computeCampaignMetrics(store, { campaignId: 'mm' });
    expect(m).toMatchObject({
      clicked: 1,
      converted: 2,
      revenue: 40,
      conversionsPerClick: 1,
      revenuePerClick: 40,
    });
    const none = await computeCampaignMetrics(new MemoryEventStore(), { campaignId: 'mm' });
    expect(none).toMatchObject({ conversionsPerClick: null, revenuePerClick: null });
  });
});
