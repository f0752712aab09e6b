import { afterEach, describe, expect, it } from 'vitest';
import { type SendableMessage, tierProgress, WhatsAppClient } from '../../src/client/index.js';
import { GraphApiError, RateLimitError, ReadBudgetExhaustedError } from '../../src/errors/index.js';
import { SIMULATED_PRICES, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { APP_SECRET, inboundOf, startReceiver, statusesOf } from './helpers.js';

const DAY = 86_400_000;
const ORDER_UPDATE = '1689556908129832'; // utility, one body parameter
const SPRING_SALE = '920070352646140'; // marketing, image header, quick reply + URL button

let sim: Simulator | undefined;
let wa: WhatsAppClient | undefined;
afterEach(async () => {
  await wa?.close();
  await sim?.close();
  wa = undefined;
  sim = undefined;
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function orderUpdate(to: string) {
  return {
    to,
    type: 'template' as const,
    template: {
      name: 'order_update',
      language: { code: 'en_US' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: '#1234' }] }],
    },
  };
}

function springSale(to: string) {
  return {
    to,
    type: 'template' as const,
    template: {
      name: 'spring_sale',
      language: { code: 'en_US' },
      components: [
        {
          type: 'header',
          parameters: [{ type: 'image', image: { link: 'https://shop.example.com/a.jpg' } }],
        },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Ana' },
            { type: 'text', text: 'SPRING25' },
          ],
        },
        { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'spring?c=1' }] },
      ],
    },
  };
}

const MARKETS = ['+1650555', '+5511955', '+9198765'];

describe('wa.insights against the simulator', () => {
  it("Meta's analytics equal what the simulator delivered, per day and template", {
    timeout: 60_000,
  }, async () => {
    const receiver = await startReceiver();
    try {
      const day1 = Date.UTC(2026, 10, 2, 9);
      let now = day1;
      sim = await startSimulator({
        appSecret: APP_SECRET,
        webhookUrl: receiver.url,
        now: () => now,
        seed: 7,
        behaviour: {
          speed: 1000,
          pairLimit: false,
          deliveredRate: 0.85,
          readRate: 0.6,
          failedRate: 0.1,
          quickReplyRate: 0.3,
          clickRate: 0.4,
          clickUrlPattern: 'shop.example.com',
        },
      });
      wa = new WhatsAppClient({
        accessToken: 'test-token',
        phoneNumberId: sim.phoneNumberId,
        businessAccountId: sim.businessAccountId,
        baseUrl: sim.url,
        env: {},
      });
      const sent: Array<{ id: string; template: string; day: number }> = [];
      const send = async (template: string, body: SendableMessage) => {
        const { messageId } = await wa!.messages.send(body);
        sent.push({ id: messageId, template, day: Math.floor(now / DAY) * 86_400 });
        now += 50;
      };
      for (let i = 0; i < 40; i++) {
        const to = `${MARKETS[i % 3]}${String(1000 + i)}`;
        await send(i % 2 ? SPRING_SALE : ORDER_UPDATE, i % 2 ? springSale(to) : orderUpdate(to));
      }
      now = day1 + DAY;
      for (let i = 0; i < 30; i++) {
        await send(ORDER_UPDATE, orderUpdate(`${MARKETS[i % 3]}${String(2000 + i)}`));
      }
      await sim.flush();
      now = day1 + 2 * DAY;

      // What the receiver got: folded state per message, and billable pricing.
      const statuses = new Map<string, Set<string>>();
      const billable = new Map<string, string>();
      for (const status of statusesOf(receiver.received)) {
        const set = statuses.get(status.id) ?? new Set<string>();
        set.add(status.status);
        statuses.set(status.id, set);
        if (status.pricing?.billable) billable.set(status.id, status.pricing.category);
      }
      const fold = (id: string) => {
        const s = statuses.get(id) ?? new Set();
        const read = s.has('read');
        const delivered = read || s.has('delivered');
        return { sent: delivered || (s.has('sent') && !s.has('failed')), delivered, read };
      };
      const expected = new Map<string, { sent: number; delivered: number; read: number }>();
      for (const m of sent) {
        const key = `${m.template}|${m.day}`;
        const row = expected.get(key) ?? { sent: 0, delivered: 0, read: 0 };
        const f = fold(m.id);
        row.sent += Number(f.sent);
        row.delivered += Number(f.delivered);
        row.read += Number(f.read);
        expected.set(key, row);
      }
      // The data has variety: some failed, some not delivered, some not read.
      const totals = [...expected.values()].reduce((a, r) => ({
        sent: a.sent + r.sent,
        delivered: a.delivered + r.delivered,
        read: a.read + r.read,
      }));
      expect(totals.sent).toBeLessThan(70);
      expect(totals.delivered).toBeLessThan(totals.sent);
      expect(totals.read).toBeLessThan(totals.delivered);

      const query = {
        templateIds: [ORDER_UPDATE, SPRING_SALE],
        start: '2026-11-02',
        end: '2026-11-04',
        limit: 1,
      };
      // Not enabled yet: Meta's error, and the SDK never enables it by itself.
      await expect(collect(wa.insights.templateAnalytics(query))).rejects.toBeInstanceOf(GraphApiError);
      expect(await wa.insights.templateAnalyticsEnabled()).toBe(false);
      await wa.insights.enableTemplateAnalytics({ irreversible: true });
      expect(await wa.insights.templateAnalyticsEnabled()).toBe(true);

      const points = await collect(wa.insights.templateAnalytics(query));
      expect(points).toHaveLength(3); // limit 1: three pages followed
      const got = new Map(points.map((p) => [`${p.template_id}|${p.start}`, p]));
      expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [key, row] of expected) {
        const point = got.get(key)!;
        expect({ sent: point.sent, delivered: point.delivered, read: point.read }, key).toEqual(row);
        expect(point.end - point.start).toBe(86_400);
        expect(point.product_type).toBe('cloud_api');
      }
      // Clicks: quick-reply taps are the inbound button messages; URL clicks are what the users opened.
      const springIds = new Set(sent.filter((m) => m.template === SPRING_SALE).map((m) => m.id));
      const taps = inboundOf(receiver.received).filter(
        (m) => m.type === 'button' && springIds.has(m.context?.id),
      ).length;
      const urlClicks = sim.messages
        .filter((m) => springIds.has(m.id))
        .flatMap((m) => m.events.filter((e) => e.kind === 'click')).length;
      expect(taps + urlClicks).toBeGreaterThan(0);
      const spring = points.find((p) => p.template_id === SPRING_SALE)!;
      const clicked = (type: string) => spring.clicked?.find((c) => c.type === type)?.count ?? 0;
      expect(clicked('quick_reply_button')).toBe(taps);
      expect(clicked('url_button')).toBe(urlClicks);
      if (urlClicks > 0) {
        expect(spring.clicked?.find((c) => c.type === 'url_button')?.button_content).toBe('Shop now');
      }
      const springSpent =
        [...springIds].filter((id) => fold(id).delivered).length * SIMULATED_PRICES.marketing!;
      expect(spring.cost?.find((c) => c.type === 'amount_spent')?.value).toBeCloseTo(springSpent, 6);

      // Pricing analytics: delivered volume and cost by category, and tiers for utility.
      const pricing = await collect(
        wa.insights.pricingAnalytics({
          start: '2026-11-01',
          end: '2026-12-01',
          granularity: 'MONTHLY',
          dimensions: ['PRICING_CATEGORY', 'PRICING_TYPE', 'COUNTRY', 'TIER'],
        }),
      );
      const deliveredIds = sent.filter((m) => fold(m.id).delivered).map((m) => m.id);
      expect(pricing.reduce((n, p) => n + (p.volume ?? 0), 0)).toBe(deliveredIds.length);
      const expectedCost = deliveredIds.reduce(
        (sum, id) => sum + (billable.has(id) ? SIMULATED_PRICES[billable.get(id)!]! : 0),
        0,
      );
      expect(pricing.reduce((sum, p) => sum + (p.cost ?? 0), 0)).toBeCloseTo(expectedCost, 6);
      const utility = pricing.filter((p) => p.pricing_category === 'UTILITY');
      expect(utility.length).toBeGreaterThan(0);
      for (const p of utility) expect(p.tierRange).toEqual({ lower: 0, upper: 100000 });
      const progress = tierProgress(utility);
      for (const row of progress) expect(row.messagesToNextTier).toBe(100000 - row.volume);

      // Messaging analytics: sent and delivered per day.
      const daily = await collect(
        wa.insights.messagingAnalytics({ start: '2026-11-02', end: '2026-11-04', granularity: 'DAY' }),
      );
      const byDay = (day: number, what: 'sent' | 'delivered') =>
        sent.filter((m) => m.day === day && fold(m.id)[what]).length;
      expect(daily.map((p) => [p.start, p.sent, p.delivered])).toEqual(
        [...new Set(sent.map((m) => m.day))].map((day) => [day, byDay(day, 'sent'), byDay(day, 'delivered')]),
      );

      // Message history: every message with the statuses its webhooks carried, over several pages.
      const history = await collect(wa.insights.messageHistory({ limit: 25 }));
      expect(history.map((h) => h.message_id)).toEqual(sent.map((m) => m.id));
      for (const entry of history) {
        const webhookStatuses = [...(statuses.get(entry.message_id) ?? [])]
          .map((s) => s.toUpperCase())
          .sort();
        const events = entry.events?.data ?? [];
        expect(events.map((e) => e.delivery_status).sort()).toEqual(webhookStatuses);
        for (const event of events) expect(event.webhook_update_state).toBe('DELIVERED');
      }
      const one = await collect(wa.insights.messageHistory({ messageId: sent[5]!.id }));
      expect(one.map((h) => h.message_id)).toEqual([sent[5]!.id]);
      // The events edge of a read message: every occurrence, and the status filter.
      const readEntry = history.find((h) => statuses.get(h.message_id)?.has('read'))!;
      const occurrences = await collect(wa.insights.messageHistoryEvents(readEntry.id, { limit: 1 }));
      expect(occurrences.map((e) => e.node.delivery_status).sort()).toEqual(
        [...statuses.get(readEntry.message_id)!].map((s) => s.toUpperCase()).sort(),
      );
      const onlyRead = await collect(wa.insights.messageHistoryEvents(readEntry.id, { status: 'READ' }));
      expect(onlyRead.map((e) => e.node.delivery_status)).toEqual(['READ']);
    } finally {
      await receiver.close();
    }
  });

  it("honours the simulator's 80007: a typed error with the wait, no request while blocked", async () => {
    sim = await startSimulator({ insights: { enabled: true, readsPerHour: 2 } });
    wa = new WhatsAppClient({
      accessToken: 'test-token',
      businessAccountId: sim.businessAccountId,
      baseUrl: sim.url,
      env: {},
    });
    const query = { start: '2026-11-01', end: '2026-11-02', granularity: 'DAY' as const };
    await collect(wa.insights.messagingAnalytics(query));
    await collect(wa.insights.messagingAnalytics(query));
    const error = await collect(wa.insights.messagingAnalytics(query)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadBudgetExhaustedError);
    expect((error as Error).cause).toBeInstanceOf(RateLimitError);
    expect(((error as Error).cause as RateLimitError).code).toBe(80007);
    // Two reads went out in the last hour: the budget frees when the first one ages out.
    expect((error as ReadBudgetExhaustedError).retryAfterMs).toBeGreaterThan(59 * 60_000);
    const requests = sim.stats().requests;
    await expect(collect(wa.insights.messagingAnalytics(query))).rejects.toBeInstanceOf(
      ReadBudgetExhaustedError,
    );
    expect(sim.stats().requests).toBe(requests);
  });
});
