import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import { createWebhookHandler, type WebhookEvent } from '../../src/webhooks/index.js';
import { APP_SECRET, QUIET, send } from './helpers.js';

describe('simulator → createWebhookHandler', () => {
  it('every webhook is accepted (200) and duplicates are dropped by the handler', async () => {
    const events: WebhookEvent[] = [];
    const handler = createWebhookHandler({
      appSecret: APP_SECRET,
      verifyToken: 'v',
      onEvent: (event) => {
        events.push(event);
      },
    });
    const codes: number[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const request = new Request(`http://127.0.0.1${req.url}`, {
          method: req.method,
          headers: req.headers as Record<string, string>,
          body: Buffer.concat(chunks),
        });
        const response = await handler(request);
        codes.push(response.status);
        res.statusCode = response.status;
        res.end(await response.text());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const sim = await startSimulator({
      appSecret: APP_SECRET,
      webhookUrl: `http://127.0.0.1:${port}/webhook`,
      behaviour: { ...QUIET, duplicateRate: 1 },
    });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { json } = await send(sim, {
          to: `1650555030${i}`,
          type: 'template',
          template: { name: 'welcome', language: { code: 'en_US' } },
        });
        ids.push(json.messages[0].id);
      }
      sim.inbound('16505550300', 'Çok teşekkürler 🙏');
      await sim.flush();
      await handler.drain?.();
      expect(codes.length).toBe(sim.stats().webhooksPosted);
      expect(codes.every((c) => c === 200)).toBe(true);
      const statusEvents = events.filter((e) => e.type === 'status');
      expect(statusEvents).toHaveLength(9);
      const message = events.find((e) => e.type === 'message');
      expect(
        message?.type === 'message' && message.message.type === 'text' && message.message.text.body,
      ).toBe('Çok teşekkürler 🙏');
      expect(new Set(statusEvents.map((e) => (e.type === 'status' ? e.messageId : '')))).toEqual(
        new Set(ids),
      );
    } finally {
      await sim.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
