import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/index.js';
import { parseWebhook, verifyWebhookSignature } from '../../src/webhooks/index.js';
import {
  APP_SECRET,
  graph,
  inboundOf,
  QUIET,
  type ReceivedWebhook,
  send,
  startReceiver,
  statusesOf,
} from './helpers.js';

let sim: Simulator | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await sim?.close();
  await receiver?.close();
  sim = undefined;
  receiver = undefined;
});

const T0 = Date.UTC(2026, 5, 1, 12);

async function start(
  behaviour: SimulatorOptions['behaviour'],
  extra: Partial<SimulatorOptions> = {},
  statuses: number[] = [],
) {
  receiver = await startReceiver(statuses);
  sim = await startSimulator({
    appSecret: APP_SECRET,
    webhookUrl: receiver.url,
    now: () => T0,
    ...extra,
    behaviour: { ...QUIET, ...behaviour },
  });
  return { sim, receiver };
}

const orderUpdate = (to: string, extra: Record<string, unknown> = {}) => ({
  to,
  type: 'template',
  template: {
    name: 'order_update',
    language: { code: 'en_US' },
    components: [{ type: 'body', parameters: [{ type: 'text', text: 'A-1' }] }],
  },
  ...extra,
});

const springSale = (to: string, quickReplyPayload?: string) => ({
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
      ...(quickReplyPayload
        ? [
            {
              type: 'button',
              sub_type: 'quick_reply',
              index: '0',
              parameters: [{ type: 'payload', payload: quickReplyPayload }],
            },
          ]
        : []),
      { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'spring?c=1' }] },
    ],
  },
});

function expectSigned(webhook: ReceivedWebhook) {
  const expected = `sha256=${createHmac('sha256', APP_SECRET).update(webhook.raw).digest('hex')}`;
  expect(webhook.headers['x-hub-signature-256']).toBe(expected);
  expect(webhook.headers['content-type']).toBe('application/json');
}

describe('status webhooks', () => {
  it('are signed, in Meta’s shape, and progress sent → delivered → read', async () => {
    const { sim, receiver } = await start({
      speed: 20,
      latencyMs: { sent: [1000, 1000], delivered: [2000, 2000], read: [2000, 2000] },
    });
    const ids: string[] = [];
    for (const to of ['16505550001', '16505550002', '16505550003']) {
      const { json } = await send(sim, orderUpdate(to, { biz_opaque_callback_data: `campaign=42;to=${to}` }));
      ids.push(json.messages[0].id);
    }
    await sim.flush();
    expect(receiver.received.length).toBe(9);
    for (const webhook of receiver.received) {
      expectSigned(webhook);
      expect(webhook.body).toEqual({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: sim.businessAccountId,
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550783881', phone_number_id: sim.phoneNumberId },
                  statuses: expect.any(Array),
                },
              },
            ],
          },
        ],
      });
    }
    const statuses = statusesOf(receiver.received);
    for (const [i, id] of ids.entries()) {
      const mine = statuses.filter((s) => s.id === id);
      expect(mine.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
      for (const s of mine) {
        expect(s.recipient_id).toBe(`1650555000${i + 1}`);
        expect(s.timestamp).toMatch(/^\d+$/);
        expect(s.biz_opaque_callback_data).toBe(`campaign=42;to=1650555000${i + 1}`);
      }
      expect(mine.map((s) => Number(s.timestamp) - Math.floor(T0 / 1000))).toEqual([1, 3, 5]);
      const pricing = { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' };
      expect(mine[0].pricing).toEqual(pricing);
      expect(mine[1].pricing).toEqual(pricing);
      expect(mine[2].pricing).toBeUndefined();
    }
    expect(sim.stats()).toMatchObject({ statuses: 9, webhooksPosted: 9, webhooksRetried: 0 });
  });

  it('carry the metadata of the number that sent the message', async () => {
    const { sim, receiver } = await start(
      {},
      { phoneNumbers: [{ id: '111' }, { id: '222', displayPhoneNumber: '15550001111' }] },
    );
    await graph(sim, '222/messages', {
      body: { messaging_product: 'whatsapp', ...orderUpdate('16505550001') },
    });
    await sim.flush();
    for (const webhook of receiver.received) {
      expect(webhook.body.entry[0].changes[0].value.metadata).toEqual({
        display_phone_number: '15550001111',
        phone_number_id: '222',
      });
    }
    expect(receiver.received).toHaveLength(3);
  });

  it('prices a service message inside the window as free_customer_service', async () => {
    const { sim, receiver } = await start({});
    sim.inbound('16505550009', 'hello');
    await send(sim, { to: '16505550009', type: 'text', text: { body: 'Hi! How can we help?' } });
    await sim.flush();
    const sent = statusesOf(receiver.received).find((s) => s.status === 'sent');
    expect(sent.pricing).toEqual({
      billable: false,
      pricing_model: 'PMP',
      type: 'free_customer_service',
      category: 'service',
    });
  });

  it('posts only read (with the pricing) when the user had the chat open', async () => {
    const { sim, receiver } = await start({ readWithoutDeliveredRate: 1 });
    await send(sim, orderUpdate('16505550001'));
    await sim.flush();
    const statuses = statusesOf(receiver.received);
    expect(statuses.map((s) => s.status).sort()).toEqual(['read', 'sent']);
    expect(statuses.find((s) => s.status === 'read').pricing).toMatchObject({
      category: 'utility',
      billable: true,
    });
  });

  it('fails messages with Meta’s webhook error objects', async () => {
    const { sim, receiver } = await start({ failedRate: 1, failureCodes: [131049] });
    await send(sim, springSale('16505550001'));
    await send(sim, orderUpdate('16505550002'));
    await sim.flush();
    const statuses = statusesOf(receiver.received);
    expect(statuses.map((s) => s.status)).toEqual(['failed', 'failed']);
    expect(statuses[0].errors).toEqual([
      {
        code: 131049,
        title: 'This message was not delivered to maintain healthy ecosystem engagement.',
        message: 'This message was not delivered to maintain healthy ecosystem engagement.',
        error_data: {
          details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
        },
        href: '/documentation/business-messaging/whatsapp/support/error-codes',
      },
    ]);
    // 131049 is a marketing-only cap: the utility template fails as undeliverable instead.
    expect(statuses[1].errors[0].code).toBe(131026);
  });

  it('duplicates every status and posts read before delivered when configured', async () => {
    const { sim, receiver } = await start({
      duplicateRate: 1,
      outOfOrderRate: 1,
      latencyMs: { sent: [1, 1], delivered: [50, 50], read: [100, 100] },
    });
    const { json } = await send(sim, orderUpdate('16505550001'));
    await sim.flush();
    const statuses = statusesOf(receiver.received).filter((s) => s.id === json.messages[0].id);
    expect(statuses).toHaveLength(6);
    const firstArrival = statuses.map((s) => s.status).filter((s, i, all) => all.indexOf(s) === i);
    expect(firstArrival).toEqual(['sent', 'read', 'delivered']);
    const read = statuses.find((s) => s.status === 'read');
    const delivered = statuses.find((s) => s.status === 'delivered');
    expect(Number(read.timestamp)).toBeGreaterThanOrEqual(Number(delivered.timestamp));
  });

  it('batches statuses falling due together into one POST', async () => {
    const { sim, receiver } = await start({
      batchWindowMs: 50,
      latencyMs: { sent: [1, 1], delivered: [200, 200], read: [200, 200] },
    });
    await Promise.all([0, 1, 2, 3, 4].map((i) => send(sim, orderUpdate(`1650555000${i}`))));
    await sim.flush();
    const sizes = receiver.received.map((w) => w.body.entry[0].changes[0].value.statuses.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(15);
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    expect(receiver.received.length).toBeLessThan(15);
  });
});

describe('retries', () => {
  it('redelivers the same signed bytes after the receiver answers 500 once', async () => {
    const { sim, receiver } = await start({}, {}, [500]);
    await send(sim, orderUpdate('16505550001'));
    await sim.flush();
    expect(receiver.received).toHaveLength(4);
    const first = receiver.received[0]?.raw;
    expect(receiver.received.filter((w) => w.raw === first)).toHaveLength(2);
    for (const webhook of receiver.received) expectSigned(webhook);
    expect(sim.stats()).toMatchObject({ webhooksPosted: 3, webhooksRetried: 1, webhooksFailed: 0 });
  });

  it('gives up after maxAttempts', async () => {
    const { sim, receiver } = await start(
      { latencyMs: { sent: [1, 1], delivered: [1, 1], read: [1, 1] } },
      {},
      [503, 503, 503],
    );
    sim.inbound('16505550001', 'hi');
    await sim.flush();
    expect(receiver.received).toHaveLength(3);
    expect(sim.stats()).toMatchObject({ webhooksPosted: 0, webhooksRetried: 2, webhooksFailed: 1 });
  });
});

describe('simulated users', () => {
  it('inbound() posts a text message with Meta’s escaping of non-ASCII characters', async () => {
    const { sim, receiver } = await start({});
    const id = sim.inbound('+90 555 000 1122', 'ARRÊT 👍', { name: 'Aylin Yılmaz' });
    await sim.flush();
    const webhook = receiver.received[0] as ReceivedWebhook;
    expectSigned(webhook);
    expect(webhook.raw).toContain('ARR\\u00caT \\ud83d\\udc4d');
    expect(/[^\x00-\x7e]/.test(webhook.raw)).toBe(false);
    const value = webhook.body.entry[0].changes[0].value;
    expect(value.contacts).toEqual([{ profile: { name: 'Aylin Yılmaz' }, wa_id: '905550001122' }]);
    expect(value.messages).toEqual([
      {
        from: '905550001122',
        id,
        timestamp: String(Math.floor(T0 / 1000)),
        type: 'text',
        text: { body: 'ARRÊT 👍' },
      },
    ]);
  });

  it('quick-reply taps arrive as button messages with the payload and the message as context', async () => {
    const { sim, receiver } = await start({ quickReplyRate: 1 });
    const withPayload = (await send(sim, springSale('16505550001', 'STOP_PROMO'))).json.messages[0].id;
    const withoutPayload = (await send(sim, springSale('16505550002'))).json.messages[0].id;
    await sim.flush();
    const taps = inboundOf(receiver.received);
    expect(taps).toHaveLength(2);
    const tap1 = taps.find((m) => m.context.id === withPayload);
    expect(tap1).toMatchObject({
      type: 'button',
      from: '16505550001',
      context: { from: '15550783881', id: withPayload },
      button: { payload: 'STOP_PROMO', text: 'Stop promotions' },
    });
    const tap2 = taps.find((m) => m.context.id === withoutPayload);
    expect(tap2.button).toEqual({ payload: 'Stop promotions', text: 'Stop promotions' });
  });

  it('STOP replies are STOP-like texts, and replies open the service window', async () => {
    const { sim, receiver } = await start({ stopReplyRate: 1 });
    await send(sim, orderUpdate('16505550001'));
    await sim.flush();
    const [reply] = inboundOf(receiver.received);
    expect(['STOP', 'stop', 'Stop', 'unsubscribe', 'Durdur', 'ARRÊT', 'PARAR', 'BAJA']).toContain(
      reply.text.body,
    );
    expect((await send(sim, { to: '16505550001', text: { body: 'Done, unsubscribed.' } })).status).toBe(200);
  });

  it('opens tracked links on loopback that match clickUrlPattern', async () => {
    receiver = await startReceiver();
    sim = await startSimulator({
      appSecret: APP_SECRET,
      webhookUrl: receiver.url,
      behaviour: { ...QUIET, speed: 20, clickRate: 1, clickUrlPattern: `${receiver.origin}/r/` },
    });
    sim.inbound('16505550001', 'hi');
    await send(sim, {
      to: '16505550001',
      text: { body: `See ${receiver.origin}/r/abc123 and https://example.com/x` },
    });
    await sim.flush();
    expect(receiver.requests.filter((r) => r.method === 'GET').map((r) => r.url)).toEqual(['/r/abc123']);
    expect(sim.stats().clicks).toBe(1);
  });

  it('a user_preferences stop makes later marketing sends to that user fail with 131050', async () => {
    let now = T0;
    const { sim, receiver } = await start({ userPreferencesStopRate: 1, speed: 20 }, { now: () => now });
    await send(sim, springSale('16505550001'));
    await sim.flush();
    const prefs = receiver.received.find((w) => w.body.entry[0].changes[0].field === 'user_preferences');
    expect(prefs?.body.entry[0].changes[0].value.user_preferences[0]).toMatchObject({
      wa_id: '16505550001',
      category: 'marketing_messages',
      value: 'stop',
    });
    now += 60 * 60 * 1000;
    const { json } = await send(sim, springSale('16505550001'));
    await sim.flush();
    const failed = statusesOf(receiver.received).find((s) => s.id === json.messages[0].id);
    expect(failed).toMatchObject({ status: 'failed', errors: [expect.objectContaining({ code: 131050 })] });
  });
});

describe('reproducibility', () => {
  const lively = {
    failedRate: 0.15,
    deliveredRate: 0.8,
    readRate: 0.6,
    replyRate: 0.3,
    stopReplyRate: 0.1,
    quickReplyRate: 0.5,
    duplicateRate: 0.2,
    outOfOrderRate: 0.3,
    speed: 20,
  };

  async function run(seed: number) {
    const { sim, receiver } = await start(lively, { seed });
    for (let i = 0; i < 20; i++) {
      await send(
        sim,
        i % 2
          ? springSale(`165055510${String(i).padStart(2, '0')}`)
          : orderUpdate(`165055510${String(i).padStart(2, '0')}`),
      );
    }
    await sim.flush();
    const events = receiver.received.flatMap((w) =>
      // biome-ignore lint/suspicious/noExplicitAny: Meta's JSON
      w.body.entry.flatMap((e: any) => e.changes.map((c: any) => JSON.stringify(c))),
    );
    await sim.close();
    await receiver.close();
    return events.sort();
  }

  it('the same seed gives the same webhooks; another seed does not', async () => {
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    expect(a.length).toBeGreaterThan(20);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
});

describe('with wacloud’s own webhook module', () => {
  it('every simulated webhook verifies and parses into known events', async () => {
    const { sim, receiver } = await start({
      speed: 20,
      failedRate: 0.2,
      replyRate: 0.5,
      quickReplyRate: 0.5,
      duplicateRate: 0.2,
      userPreferencesStopRate: 0.3,
      batchWindowMs: 20,
    });
    sim.inbound('16505550100', 'Merhaba, ürün hâlâ var mı? 🙂');
    for (let i = 0; i < 10; i++) await send(sim, springSale(`165055502${i}0`));
    await sim.flush();
    const types = new Set<string>();
    for (const webhook of receiver.received) {
      expect(
        verifyWebhookSignature(webhook.raw, webhook.headers['x-hub-signature-256'] as string, APP_SECRET),
      ).toBe(true);
      for (const event of parseWebhook(JSON.parse(webhook.raw))) types.add(event.type);
    }
    expect(types.has('unknown')).toBe(false);
    expect([...types].sort()).toEqual(['message', 'status', 'user_preferences']);
  });
});
