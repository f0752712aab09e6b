import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../src/client/index.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { template } from '../../src/messages/builders/template-builders.js';
import { SendQueue } from '../../src/queue/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import { StoreSuppressionList } from '../../src/tracking/store-suppression-list.js';
import { createWebhookHandler } from '../../src/webhooks/index.js';

const APP_SECRET = 'optout-sim-secret';

// The whole loop on loopback, as a user wires it: the real client sends through the simulator, whose
// users answer STOP in several languages ("STOP", "Durdur", "ARRÊT", "BAJA"...) by signed webhook to
// createWebhookHandler({ store }); the next campaign skips every one of them before any request.
describe('STOP replies through the simulator suppress the next campaign', () => {
  it('sends once, then skips every recipient who wrote STOP (reason suppressed), with no request', async () => {
    const store = new SqliteEventStore({ filename: ':memory:' });
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
    const sim = await startSimulator({
      appSecret: APP_SECRET,
      webhookUrl: `http://127.0.0.1:${port}/webhook`,
      seed: 11,
      behaviour: {
        deliveredRate: 1,
        readRate: 1,
        failedRate: 0,
        stopReplyRate: 1,
        userPreferencesStopRate: 0,
        quickReplyRate: 0,
        duplicateRate: 0,
        latencyMs: { sent: [1, 5], delivered: [5, 10], read: [10, 20], reply: [5, 10] },
        batchWindowMs: 0,
      },
    });
    const client = new WhatsAppClient({
      accessToken: 'test-token',
      phoneNumberId: sim.phoneNumberId,
      baseUrl: sim.url,
    });
    const queue = new SendQueue({
      client,
      store,
      suppression: new StoreSuppressionList({ store }),
      perRecipientIntervalMs: 0,
    });
    const recipients = Array.from({ length: 12 }, (_, i) => `+90532555${String(1000 + i)}`);
    try {
      const first = await queue.sendCampaign({
        campaignId: 'spring',
        recipients,
        build: (to) => template(to, 'welcome', 'en_US'),
      }).done;
      expect(first).toMatchObject({ sent: 12, skipped: 0 });
      await queue.onIdle();
      await sim.flush();
      await handler.drain();
      const accepted = sim.stats().accepted;

      const second = await queue.sendCampaign({
        campaignId: 'summer',
        recipients,
        build: (to) => template(to, 'welcome', 'en_US'),
      }).done;
      expect(second).toMatchObject({ sent: 0, skipped: 12 });
      const outcome = await queue.enqueue(template(recipients[0] as string, 'welcome', 'en_US'));
      expect(outcome).toMatchObject({ status: 'skipped', reason: 'suppressed', attempts: 0 });
      expect(sim.stats().accepted).toBe(accepted);
      // Each STOP reply was stored with the opt_out that suppresses its sender.
      const optOuts = [];
      for await (const event of store.scan({ kinds: ['opt_out'] })) optOuts.push(event);
      expect(optOuts).toHaveLength(12);
      expect(new Set(optOuts.map((e) => (e.kind === 'opt_out' ? e.source : e.kind)))).toEqual(
        new Set(['keyword']),
      );
    } finally {
      await queue.close();
      await sim.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    }
  });
});
