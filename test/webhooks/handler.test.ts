import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import type { WebhookEvent } from '../../src/webhooks/index.js';
import { createWebhookHandler, signWebhookPayload, WebhookProcessor } from '../../src/webhooks/index.js';
import { fakeStore } from './fake-store.js';
import { fixtureText } from './helpers.js';

const APP_SECRET = 'handler-secret-123';
const VERIFY_TOKEN = 'verify-me';
const URL_BASE = 'http://localhost/webhook';

function post(body: string | Uint8Array, headers: Record<string, string> = {}): Request {
  return new Request(URL_BASE, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signWebhookPayload(body, APP_SECRET),
      ...headers,
    },
  });
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createWebhookHandler: GET verification', () => {
  const handler = createWebhookHandler({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });

  it('answers 200 with the raw challenge when mode and token match', async () => {
    const res = await handler(
      new Request(`${URL_BASE}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('1158201444');
  });

  it.each([
    ['a wrong token', `hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`],
    ['a wrong mode', `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`],
    ['no challenge', `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`],
    ['nothing', ''],
  ])('answers 403 for %s', async (_name, query) => {
    const res = await handler(new Request(`${URL_BASE}?${query}`));
    expect(res.status).toBe(403);
  });

  it('answers 405 to other methods', async () => {
    const res = await handler(new Request(URL_BASE, { method: 'PUT', body: 'x' }));
    expect(res.status).toBe(405);
  });
});

describe('createWebhookHandler: POST', () => {
  it('verifies, answers 200, then emits every event; drain() awaits processing', async () => {
    const events: WebhookEvent[] = [];
    const handler = createWebhookHandler({
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      onEvent: (e) => {
        events.push(e);
      },
    });
    const res = await handler(post(fixtureText('notes/delivered-v24-billable-marketing.json')));
    expect(res.status).toBe(200);
    await handler.drain();
    expect(events.map((e) => e.type)).toEqual(['status']);
  });

  it('answers before a slow listener finishes', async () => {
    const handler = createWebhookHandler({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let finished = false;
    handler.processor.on('status', async () => {
      await gate;
      finished = true;
    });
    const res = await handler(post(fixtureText('notes/read.json')));
    expect(res.status).toBe(200);
    expect(finished).toBe(false);
    release();
    await handler.drain();
    expect(finished).toBe(true);
  });

  it('runs even synchronous listeners only after the response is returned', async () => {
    const handler = createWebhookHandler({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
    const listener = vi.fn();
    handler.processor.on('status', listener);
    const res = await handler(post(fixtureText('notes/read.json')));
    expect(res.status).toBe(200);
    expect(listener).not.toHaveBeenCalled();
    await handler.drain();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('a throwing listener is reported on error and the answer is still 200', async () => {
    const processor = new WebhookProcessor();
    const errors: string[] = [];
    processor.on('error', (e) => {
      errors.push(e.message);
    });
    processor.on('message', () => {
      throw new Error('handler bug');
    });
    const handler = createWebhookHandler({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, processor });
    const res = await handler(post(fixtureText('spec/text-message.json')));
    await handler.drain();
    expect(res.status).toBe(200);
    expect(errors).toEqual(['handler bug']);
  });

  it('401 on a bad or missing signature, with a helpful body that leaks no secret', async () => {
    const handler = createWebhookHandler({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
    const body = fixtureText('notes/read.json');
    const bad = await handler(post(body, { 'x-hub-signature-256': signWebhookPayload(body, 'wrong') }));
    const missing = await handler(new Request(URL_BASE, { method: 'POST', body }));
    expect(bad.status).toBe(401);
    const text = await bad.text();
    expect(text).toMatch(/raw bytes/);
    expect(text).not.toContain(APP_SECRET);
    expect(missing.status).toBe(401);
    expect(await missing.text()).toMatch(/X-Hub-Signature-256/);
  });

  it('explains an "[object Object]" body', async () => {
    const handler = createWebhookHandler({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
    const res = await handler(
      post('[object Object]', { 'x-hub-signature-256': signWebhookPayload('{"a":1}', APP_SECRET) }),
    );
    expect(res.status).toBe(401);
    expect(await res.text()).toMatch(/\[object Object\].*parsed into an object/);
  });

  it("accepts a non-ASCII body signed in Meta's escaped-unicode form", async () => {
    const handler = createWebhookHandler({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
    const body = fixtureText('notes/reaction.json');
    const escaped = body.replace(
      /[^\x00-\x7e]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    const res = await handler(post(body, { 'x-hub-signature-256': signWebhookPayload(escaped, APP_SECRET) }));
    expect(res.status).toBe(200);
  });

  it('400 when the body stream fails mid-way', async () => {
    const handler = createWebhookHandler({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(10));
        controller.error(new Error('socket hang up'));
      },
    });
    const res = await handler(
      new Request(URL_BASE, { method: 'POST', body: stream, duplex: 'half' } as RequestInit & {
        duplex: 'half';
      }),
    );
    expect(res.status).toBe(400);
  });

  it('awaitProcessing runs async listeners before answering', async () => {
    const handler = createWebhookHandler({
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      awaitProcessing: true,
    });
    let done = false;
    handler.processor.on('status', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      done = true;
    });
    expect((await handler(post(fixtureText('notes/read.json')))).status).toBe(200);
    expect(done).toBe(true);
  });

  it('400 for a signed body that is not a WhatsApp envelope', async () => {
    const handler = createWebhookHandler({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
    const res = await handler(post('{"object":"page","entry":[]}'));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/whatsapp_business_account/);
  });

  it('413 from Content-Length before reading, and while streaming past the limit', async () => {
    const handler = createWebhookHandler({
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      maxBodyBytes: 1000,
    });
    const declared = await handler(post('{}', { 'content-length': '5000' }));
    expect(declared.status).toBe(413);

    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(400));
        if (pulled > 100) controller.close();
      },
    });
    const streamed = await handler(
      new Request(URL_BASE, { method: 'POST', body: stream, duplex: 'half' } as RequestInit & {
        duplex: 'half';
      }),
    );
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });

  it('408 when the body stalls past bodyTimeoutMs, and the stream is cancelled', async () => {
    const handler = createWebhookHandler({
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      bodyTimeoutMs: 50,
    });
    let cancelled = false;
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"object"'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const response = await handler(
      new Request(URL_BASE, { method: 'POST', body: stalled, duplex: 'half' } as RequestInit & {
        duplex: 'half';
      }),
    );
    expect(response.status).toBe(408);
    expect(cancelled).toBe(true);
  });

  it('persists to the store and drops a redelivery', async () => {
    const store = fakeStore();
    const seen = vi.fn();
    const handler = createWebhookHandler({
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      store,
      onEvent: seen,
    });
    const body = fixtureText('notes/failed-131050-marketing-opt-out.json');
    await handler(post(body));
    await handler(post(body));
    await handler.drain();
    expect(seen).toHaveBeenCalledTimes(1);
    expect(store.events).toMatchObject([{ kind: 'status', status: 'failed', errorCode: 131050 }]);
  });

  it('awaitProcessing answers 500 when the store fails (so Meta retries) and waitUntil gets the work', async () => {
    const store = fakeStore({ failing: true });
    const onError = vi.fn();
    const handler = createWebhookHandler({
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      store,
      onError,
      awaitProcessing: true,
    });
    const res = await handler(post(fixtureText('notes/read.json')));
    expect(res.status).toBe(500);
    expect(onError).toHaveBeenCalledTimes(1);

    const waitUntil = vi.fn();
    const background = createWebhookHandler({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, waitUntil });
    expect((await background(post(fixtureText('notes/read.json')))).status).toBe(200);
    expect(waitUntil).toHaveBeenCalledWith(expect.any(Promise));
  });

  it('reads appSecret and verifyToken from the environment', async () => {
    vi.stubEnv('WHATSAPP_APP_SECRET', APP_SECRET);
    vi.stubEnv('WHATSAPP_VERIFY_TOKEN', VERIFY_TOKEN);
    const handler = createWebhookHandler();
    expect((await handler(post(fixtureText('notes/read.json')))).status).toBe(200);
    const challenge = await handler(
      new Request(`${URL_BASE}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=42`),
    );
    expect(await challenge.text()).toBe('42');
  });

  it('rejects missing secrets, unknown options and conflicting options with ConfigError', () => {
    vi.stubEnv('WHATSAPP_APP_SECRET', '');
    vi.stubEnv('WHATSAPP_VERIFY_TOKEN', '');
    expect(() => createWebhookHandler({ verifyToken: 'x' })).toThrow(ConfigError);
    expect(() => createWebhookHandler({ appSecret: 'x' })).toThrow(ConfigError);
    expect(() => createWebhookHandler({ appSecret: 'x', verifyToken: 'y', secret: 'z' } as never)).toThrow(
      /createWebhookHandler: unknown option "secret" \(known: appSecret, /,
    );
    expect(() =>
      createWebhookHandler({
        appSecret: 'x',
        verifyToken: 'y',
        processor: new WebhookProcessor(),
        store: fakeStore(),
      }),
    ).toThrow(ConfigError);
  });
});
