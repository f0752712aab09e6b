import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWebhookHandler } from '../../src/webhooks/frameworks/fetch.js';
import { parseWebhook } from '../../src/webhooks/parse.js';
import { WebhookProcessor } from '../../src/webhooks/processor.js';
import { signWebhookPayload } from '../../src/webhooks/signature.js';
import { messagesEnvelope } from './helpers.js';

const APP_SECRET = 'test-app-secret';

function statuses(count: number): Record<string, unknown> {
  return messagesEnvelope({
    statuses: Array.from({ length: count }, (_, i) => ({
      id: `wamid.${i}`,
      status: 'delivered',
      timestamp: '1700000000',
      recipient_id: '16505551234',
    })),
  });
}

function signedPost(payload: unknown): Request {
  const body = JSON.stringify(payload);
  return new Request('http://localhost/webhook', {
    method: 'POST',
    headers: { 'x-hub-signature-256': signWebhookPayload(body, APP_SECRET) },
    body,
  });
}

/** Lets every pending microtask and a few macrotasks run, so unhandled rejections get reported. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('user callbacks in the webhook path never escape', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    vi.restoreAllMocks();
  });

  it('a throwing onError does not drop the rest of the batch', async () => {
    const seen: string[] = [];
    const processor = new WebhookProcessor({
      onError: () => {
        throw new Error('onError is broken');
      },
    });
    processor.on('status', (e) => {
      seen.push(e.messageId);
      throw new Error('listener is broken');
    });
    await processor.process(parseWebhook(statuses(3)));
    expect(seen).toEqual(['wamid.0', 'wamid.1', 'wamid.2']);
    expect(console.error).toHaveBeenCalledTimes(3);
  });

  it('a throwing onError after a rejecting listener causes no unhandled rejection', async () => {
    const onError = vi.fn(() => {
      throw new Error('onError is broken');
    });
    const processor = new WebhookProcessor({ onError });
    processor.on('status', async () => {
      throw new Error('async listener is broken');
    });
    await processor.process(parseWebhook(statuses(2)));
    await processor.idle();
    await settle();
    expect(onError).toHaveBeenCalledTimes(2);
    expect(unhandled).toEqual([]);
  });

  it('a rejecting error listener causes no unhandled rejection', async () => {
    const processor = new WebhookProcessor();
    // A plain function, not vi.fn: the spy would attach its own handler to the returned promise.
    let calls = 0;
    processor.on('error', async () => {
      calls++;
      throw new Error('error listener is broken');
    });
    processor.on('status', () => {
      throw new Error('listener is broken');
    });
    await processor.process(parseWebhook(statuses(2)));
    await settle();
    expect(calls).toBe(2);
    expect(unhandled).toEqual([]);
  });

  it('through the handler: 200, every event reaches onEvent, nothing unhandled', async () => {
    const seen: string[] = [];
    const handler = createWebhookHandler({
      appSecret: APP_SECRET,
      verifyToken: 'v',
      onEvent: async (event) => {
        if (event.type === 'status') seen.push(event.messageId);
        throw new Error('onEvent is broken');
      },
      onError: () => {
        throw new Error('onError is broken');
      },
    });
    const response = await handler(signedPost(statuses(3)));
    expect(response.status).toBe(200);
    await handler.drain();
    await settle();
    expect(seen).toEqual(['wamid.0', 'wamid.1', 'wamid.2']);
    expect(unhandled).toEqual([]);
  });

  it('a throwing waitUntil still answers 200 and the events are processed', async () => {
    const seen: string[] = [];
    const handler = createWebhookHandler({
      appSecret: APP_SECRET,
      verifyToken: 'v',
      onEvent: (event) => {
        if (event.type === 'status') seen.push(event.messageId);
      },
      waitUntil: () => {
        throw new Error('no waitUntil here');
      },
    });
    const response = await handler(signedPost(statuses(2)));
    expect(response.status).toBe(200);
    await handler.drain();
    expect(seen).toEqual(['wamid.0', 'wamid.1']);
  });
});
