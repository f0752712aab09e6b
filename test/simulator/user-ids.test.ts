import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { startSimulator } from '../../src/simulator/index.js';
import { StoreSuppressionList } from '../../src/tracking/store-suppression-list.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';
import { APP_SECRET, inboundOf, QUIET, send, startReceiver, statusesOf } from './helpers.js';

const template = { name: 'welcome', language: { code: 'en_US' } };

/** A loopback server passing every POST to a webhook handler writing into `store`. */
async function handlerServer(store: MemoryEventStore) {
  const handler = createWebhookHandler({ appSecret: APP_SECRET, verifyToken: 'v', store });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const response = await handler(
        new Request(`http://127.0.0.1${req.url}`, {
          method: req.method,
          headers: req.headers as Record<string, string>,
          body: Buffer.concat(chunks),
        }),
      );
      res.statusCode = response.status;
      res.end(await response.text());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    drain: () => handler.drain(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('simulator: users identified by business-scoped user id only (userIdOnlyRate)', () => {
  it('0 (the default): webhooks carry no user ids, as before 2026', async () => {
    const receiver = await startReceiver();
    const sim = await startSimulator({
      appSecret: APP_SECRET,
      webhookUrl: receiver.url,
      behaviour: { ...QUIET, replyRate: 1 },
    });
    try {
      await send(sim, { to: '16505550401', type: 'template', template });
      await sim.flush();
      expect(JSON.stringify(receiver.received.map((w) => w.body))).not.toContain('user_id');
    } finally {
      await sim.close();
      await receiver.close();
    }
  });

  it('1: replies carry only the user id; statuses carry the phone number and the user id', async () => {
    const receiver = await startReceiver();
    const sim = await startSimulator({
      appSecret: APP_SECRET,
      webhookUrl: receiver.url,
      behaviour: { ...QUIET, replyRate: 1, userIdOnlyRate: 1 },
    });
    try {
      await send(sim, { to: '+1 650 555 0402', type: 'template', template });
      await sim.flush();
      const statuses = statusesOf(receiver.received);
      expect(statuses.length).toBeGreaterThan(0);
      for (const status of statuses) {
        expect(status.recipient_id).toBe('16505550402');
        expect(status.recipient_user_id).toMatch(/^US\.\d{20}$/);
      }
      const [reply] = inboundOf(receiver.received);
      expect(reply).toMatchObject({ from: '', from_user_id: statuses[0].recipient_user_id });
    } finally {
      await sim.close();
      await receiver.close();
    }
  });

  it('the store links the ids: replies and Stop taps by user id count for, and suppress, the phone number', async () => {
    const store = new MemoryEventStore();
    const server = await handlerServer(store);
    const sim = await startSimulator({
      appSecret: APP_SECRET,
      webhookUrl: server.url,
      seed: 7,
      behaviour: { ...QUIET, replyRate: 1, userPreferencesStopRate: 1, userIdOnlyRate: 0.5 },
    });
    try {
      const phones = Array.from({ length: 8 }, (_, i) => `1650555050${i}`);
      const outbound: StoredEvent[] = [];
      for (const to of phones) {
        const { json } = await send(sim, { to, type: 'template', template });
        outbound.push({
          kind: 'outbound',
          messageId: json.messages[0].id,
          recipientId: to,
          at: new Date(Date.now() - 1000),
          campaignId: 'sim-bsuid',
        });
      }
      await store.append(outbound);
      await sim.flush();
      await server.drain();

      const inbound: StoredEvent[] = [];
      for await (const event of store.scan({ kinds: ['inbound'] })) inbound.push(event);
      const byUserIdOnly = inbound.filter((e) => e.recipientId?.startsWith('US.'));
      // Some users are known by user id only, the others by phone number too.
      expect(byUserIdOnly.length).toBeGreaterThan(0);
      expect(byUserIdOnly.length).toBeLessThan(inbound.length);

      const metrics = await computeCampaignMetrics(store, { campaignId: 'sim-bsuid' });
      expect(metrics).toMatchObject({ sent: 8, delivered: 8, replied: 8, optedOut: 8 });
      const suppression = new StoreSuppressionList({ store });
      for (const phone of phones) expect(await suppression.isSuppressed(phone)).toBe(true);
    } finally {
      await sim.close();
      await server.close();
    }
  });

  it('rejects a rate outside [0, 1]', async () => {
    await expect(startSimulator({ behaviour: { userIdOnlyRate: 2 } })).rejects.toThrow(ConfigError);
  });
});
