import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createNextPagesHandler, createNextRouteHandlers } from '../../src/webhooks/frameworks/next.js';
import type { WebhookEvent } from '../../src/webhooks/index.js';
import { signWebhookPayload } from '../../src/webhooks/index.js';
import { fixtureText } from './helpers.js';

const appSecret = 'next-secret';
const verifyToken = 'next-token';
const body = fixtureText('spec/interactive-button-reply-message.json');
const headers = {
  'content-type': 'application/json',
  'x-hub-signature-256': signWebhookPayload(body, appSecret),
};

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(handler: (req: never, res: never) => unknown): Promise<string> {
  const created = createServer((req, res) => void handler(req as never, res as never));
  server = created;
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(created.address() as AddressInfo).port}/api/webhook`;
}

describe('wacloud/next App Router', () => {
  it('GET answers the challenge and POST processes a signed Request', async () => {
    const events: WebhookEvent[] = [];
    const { GET, POST, drain } = createNextRouteHandlers({
      appSecret,
      verifyToken,
      onEvent: (e) => void events.push(e),
    });
    const challenge = await GET(
      new Request(
        `http://localhost/api/webhook?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=77`,
      ),
    );
    expect(await challenge.text()).toBe('77');
    const res = await POST(new Request('http://localhost/api/webhook', { method: 'POST', body, headers }));
    expect(res.status).toBe(200);
    await drain();
    expect(events).toMatchObject([{ type: 'message', contextMessageId: expect.any(String) }]);
  });
});

describe('wacloud/next Pages Router', () => {
  it('reads the raw stream (bodyParser: false) over a real loopback server', async () => {
    const handler = createNextPagesHandler({ appSecret, verifyToken });
    const events: WebhookEvent[] = [];
    handler.processor.on('message.interactive', (e) => {
      events.push(e);
    });
    const url = await listen(handler);
    const res = await fetch(url, { method: 'POST', body, headers });
    expect(res.status).toBe(200);
    await handler.drain();
    expect(events).toHaveLength(1);
  });

  it('explains bodyParser: false when Next already parsed the body', async () => {
    const handler = createNextPagesHandler({ appSecret, verifyToken });
    const url = await listen(
      async (req: { body?: unknown; on: (e: string, f: () => void) => void }, res: never) => {
        // Simulate Next's default body parser: consume the stream and set req.body to an object.
        const chunks: Buffer[] = [];
        (req as unknown as NodeJS.ReadableStream).on('data', (c: Buffer) => chunks.push(c));
        await new Promise<void>((resolve) => req.on('end', resolve));
        req.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        await handler(req as never, res);
      },
    );
    const res = await fetch(url, { method: 'POST', body, headers });
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/bodyParser: false/);
  });
});
