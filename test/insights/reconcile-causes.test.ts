import { describe, expect, it } from 'vitest';
import type { TemplateAnalyticsDataPoint, WhatsAppClient } from '../../src/client/index.js';
import { MemoryEventStore, type StoredEvent } from '../../src/events/index.js';
import { reconcileCampaign } from '../../src/insights/index.js';

const DAY = 86_400_000;
const SENT_AT = Date.UTC(2026, 10, 2, 9);
const TEMPLATE_ID = '920070352646140';

/** Four messages of `spring_sale`: all delivered, two read, one clicked once. */
function campaignEvents(): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (let i = 0; i < 4; i++) {
    const messageId = `wamid.${i}`;
    const at = new Date(SENT_AT + i * 1000);
    events.push({
      kind: 'outbound',
      messageId,
      recipientId: `1650555000${i}`,
      at,
      campaignId: 'c',
      templateName: 'spring_sale',
    });
    events.push({ kind: 'status', messageId, status: 'delivered', at: new Date(at.getTime() + 500) });
    if (i < 2) events.push({ kind: 'status', messageId, status: 'read', at: new Date(at.getTime() + 900) });
  }
  events.push({
    kind: 'click',
    at: new Date(SENT_AT + 5000),
    messageId: 'wamid.0',
    campaignId: 'c',
    url: 'u',
  });
  return events;
}

/** A client whose template analytics answer `points` and whose other reads answer nothing. */
function fakeClient(points: TemplateAnalyticsDataPoint[]) {
  const asked: unknown[] = [];
  const client = {
    insights: {
      async *templateAnalytics(query: unknown) {
        asked.push(query);
        yield* points;
      },
      async *pricingAnalytics() {},
    },
    templates: {
      async *list() {
        yield { id: TEMPLATE_ID, name: 'spring_sale', language: 'en_US' };
      },
    },
  } as unknown as Pick<WhatsAppClient, 'insights' | 'templates'>;
  return { client, asked };
}

function metaPoint(counts: { sent: number; delivered: number; read: number; urlClicks: number }) {
  const start = Math.floor(SENT_AT / DAY) * 86_400;
  return {
    template_id: TEMPLATE_ID,
    start,
    end: start + 86_400,
    sent: counts.sent,
    delivered: counts.delivered,
    read: counts.read,
    clicked: [
      { type: 'url_button', button_content: 'Shop now', count: counts.urlClicks },
      { type: 'quick_reply_button', button_content: 'Stop promotions', count: 5 },
    ],
  };
}

async function reconcile(points: TemplateAnalyticsDataPoint[], nowMs: number) {
  const store = new MemoryEventStore();
  await store.append(campaignEvents());
  const { client, asked } = fakeClient(points);
  const result = await reconcileCampaign(store, client, { campaignId: 'c', now: new Date(nowMs) });
  return { result, asked };
}

describe('reconcileCampaign causes', () => {
  it('a read gap alone on a settled day is read receipts; URL clicks apart are click tracking', async () => {
    const { result, asked } = await reconcile(
      [metaPoint({ sent: 4, delivered: 4, read: 3, urlClicks: 2 })],
      SENT_AT + 10 * DAY,
    );
    expect(asked).toMatchObject([{ templateIds: [TEMPLATE_ID] }]);
    expect(result.cells).toEqual([
      expect.objectContaining({
        day: '2026-11-02',
        templateName: 'spring_sale',
        ours: { sent: 4, delivered: 4, read: 2, clicks: 1 },
        meta: { sent: 4, delivered: 4, read: 3, clicks: 2 },
        difference: { sent: 0, delivered: 0, read: 1, clicks: 1 },
        causes: ['read_receipts_off', 'click_tracking_differs'],
      }),
    ]);
  });

  it('within 7 days a read gap is Meta still counting, not read receipts', async () => {
    const { result } = await reconcile(
      [metaPoint({ sent: 4, delivered: 4, read: 3, urlClicks: 1 })],
      SENT_AT + 2 * DAY,
    );
    expect(result.cells[0]?.causes).toEqual(['meta_still_counting']);
  });

  it('counts that agree have no cause', async () => {
    const { result } = await reconcile(
      [metaPoint({ sent: 4, delivered: 4, read: 2, urlClicks: 1 })],
      SENT_AT + 10 * DAY,
    );
    expect(result.cells[0]?.difference).toEqual({ sent: 0, delivered: 0, read: 0, clicks: 0 });
    expect(result.causes).toEqual([]);
  });

  it('no template analytics at all: analytics unavailable, no Meta counts', async () => {
    const { result } = await reconcile([], SENT_AT + 10 * DAY);
    expect(result.cells[0]).toMatchObject({
      meta: null,
      difference: null,
      causes: ['analytics_unavailable'],
    });
    expect(result.totals.meta).toBeNull();
    expect(result.cost).toEqual({ ours: null, metaAccount: null });
  });
});
