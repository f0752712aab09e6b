import { afterEach, describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../src/client/index.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { createLinkTracker } from '../../src/tracking/link-tracker.js';
import { parseWebhook, toStoredEvents } from '../../src/webhooks/index.js';
import { APP_SECRET, graph, QUIET, startReceiver, statusesOf } from './helpers.js';

let sim: Simulator | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await sim?.close();
  await receiver?.close();
  sim = undefined;
  receiver = undefined;
});

const springSale = (to: string) => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to,
  type: 'template',
  template: {
    name: 'spring_sale',
    language: { code: 'en_US' },
    components: [
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.jpg' } }] },
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Mark' },
          { type: 'text', text: 'SPRING25' },
        ],
      },
      { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'spring?c=1' }] },
    ],
  },
});

async function start(clickRate: number) {
  receiver = await startReceiver();
  sim = await startSimulator({
    appSecret: APP_SECRET,
    webhookUrl: receiver.url,
    behaviour: { ...QUIET, speed: 20, clickRate, clickUrlPattern: 'https://shop.example.com/' },
  });
  return { sim, receiver };
}

const marketing = (s: Simulator, body: unknown) =>
  graph(s, `${s.phoneNumberId}/marketing_messages`, { body });

describe('simulator: POST /{phone-number-id}/marketing_messages', () => {
  it('accepts a marketing template, prices it marketing_lite and reports its clicks as user_actions', async () => {
    const { sim, receiver } = await start(1);
    const { status, json } = await marketing(sim, {
      ...springSale('16505550001'),
      product_policy: 'STRICT',
      message_activity_sharing: true,
    });
    expect(status).toBe(200);
    expect(json.messages[0]).toMatchObject({
      id: expect.stringMatching(/^wamid\./),
      message_status: 'accepted',
    });
    await sim.flush();
    const delivered = statusesOf(receiver.received).find((s) => s.status === 'delivered');
    expect(delivered.pricing).toMatchObject({ category: 'marketing_lite', type: 'regular' });
    const actions = receiver.received
      .flatMap((w) => parseWebhook(w.body))
      .filter((e) => e.type === 'user_action');
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({
      action: 'marketing_messages_link_click',
      clickComponent: 'cta',
      clickId: expect.stringMatching(/^[0-9a-f]{32}$/),
      trackingToken: expect.any(String),
      phoneNumberId: sim.phoneNumberId,
    });
  });

  it('sends no user_actions when message_activity_sharing is false, nor for Cloud API sends', async () => {
    const { sim, receiver } = await start(1);
    await marketing(sim, { ...springSale('16505550001'), message_activity_sharing: false });
    await graph(sim, `${sim.phoneNumberId}/messages`, { body: springSale('16505550002') });
    await sim.flush();
    const actions = receiver.received
      .flatMap((w) => parseWebhook(w.body))
      .filter((e) => e.type === 'user_action');
    expect(actions).toEqual([]);
    expect(statusesOf(receiver.received).filter((s) => s.pricing?.category === 'marketing')).not.toEqual([]);
  });

  it('refuses a non-marketing template (134100), a non-template (131055) and bad options (100)', async () => {
    const { sim } = await start(0);
    const utility = await marketing(sim, {
      messaging_product: 'whatsapp',
      to: '16505550001',
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'A-1' }] }],
      },
    });
    expect(utility).toMatchObject({ status: 400, json: { error: { code: 134100 } } });
    const text = await marketing(sim, {
      messaging_product: 'whatsapp',
      to: '16505550001',
      text: { body: 'hi' },
    });
    expect(text).toMatchObject({ status: 400, json: { error: { code: 131055 } } });
    const policy = await marketing(sim, { ...springSale('16505550001'), product_policy: 'LOOSE' });
    expect(policy).toMatchObject({ status: 400, json: { error: { code: 100 } } });
  });

  it("the whole loop: sendMarketing, the tracked link opened with fbclid, Meta's click webhook, metrics", async () => {
    receiver = await startReceiver();
    sim = await startSimulator({
      appSecret: APP_SECRET,
      webhookUrl: receiver.url,
      behaviour: { ...QUIET, speed: 20, clickRate: 1, clickUrlPattern: `${receiver.origin}/r/` },
    });
    sim.templates.add({
      name: 'mm_promo',
      language: 'en_US',
      category: 'MARKETING',
      components: [
        { type: 'BODY', text: 'Our sale is on.' },
        { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Shop', url: `${receiver.origin}/r/{{1}}` }] },
      ],
    });
    const store = new MemoryEventStore();
    const tracker = createLinkTracker({
      secret: 'link-secret-0123456789',
      baseUrl: `${receiver.origin}/r`,
      store,
    });
    const wa = new WhatsAppClient({
      accessToken: 'test-token',
      phoneNumberId: sim.phoneNumberId,
      baseUrl: sim.url,
      env: {},
    });
    try {
      const to = '+16505550001';
      const token = tracker.token('https://shop.example/', { campaignId: 'mm', recipientId: to, utm: true });
      const result = await wa.messages.sendMarketing(
        {
          to,
          type: 'template',
          template: {
            name: 'mm_promo',
            language: { code: 'en_US' },
            components: [
              { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: token }] },
            ],
          },
        },
        { productPolicy: 'CLOUD_API_FALLBACK' },
      );
      await store.append([
        { kind: 'outbound', messageId: result.messageId, recipientId: to, at: new Date(0), campaignId: 'mm' },
      ]);
      await sim.flush();
      expect(sim.messages.at(-1)).toMatchObject({
        category: 'marketing_lite',
        marketingApi: { activitySharing: true },
      });
      // The user's browser opened the button's URL with Meta's click id: the redirect records it.
      const opened = receiver.requests.filter((r) => r.method === 'GET');
      expect(opened).toHaveLength(1);
      expect(opened[0]!.url).toMatch(/\?fbclid=[0-9a-f]{32}$/);
      const redirect = await tracker.handler(new Request(`${receiver.origin}${opened[0]!.url}`));
      expect(redirect.headers.get('location')).toMatch(
        /^https:\/\/shop\.example\/\?utm_source=whatsapp&utm_medium=message&utm_campaign=mm&fbclid=/,
      );
      await store.append(receiver.received.flatMap((w) => parseWebhook(w.body)).flatMap(toStoredEvents));
      const m = await computeCampaignMetrics(store, { campaignId: 'mm' });
      expect({ clicked: m.clicked, clicks: m.clicks }).toEqual({ clicked: 1, clicks: 2 });
    } finally {
      await wa.close();
    }
  });
});
