import { createRequire } from 'node:module';
import express5 from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { captureRawBody, createExpressWebhookHandler } from '../../src/webhooks/frameworks/express.js';
import type { WebhookEvent } from '../../src/webhooks/index.js';
import { signWebhookPayload } from '../../src/webhooks/index.js';
import { fixtureText, messagesEnvelope } from './helpers.js';

// The peer range is `express >=4`: the same cases run on Express 5 (`express`) and Express 4
// (the dev dependency alias `express4` = `npm:express@^4`).
const require = createRequire(import.meta.url);
const express4 = require('express4') as typeof express5;
const FRAMEWORKS = [
  { name: 'Express 5', express: express5, version: require('express/package.json').version as string },
  { name: 'Express 4', express: express4, version: require('express4/package.json').version as string },
];

const appSecret = 'express-versions-secret';
const verifyToken = 'express-versions-token';
const body = fixtureText('notes/reaction.json'); // non-ASCII: exact bytes matter

/** The body-parser limit docs/webhooks.md recommends: Meta's maximum webhook size. */
const LIMIT = '3mb';

/** A valid, signed-able payload of about `bytes` bytes made of distinct `read` statuses. */
function largePayload(bytes: number): { text: string; statuses: number } {
  const statuses: Record<string, unknown>[] = [];
  let text = '';
  while (text.length < bytes) {
    for (let i = 0; i < 500; i++) {
      statuses.push({
        id: `wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI${String(statuses.length).padStart(8, '0')}`,
        status: 'read',
        timestamp: '1749416390',
        recipient_id: '16505551234',
      });
    }
    text = JSON.stringify(messagesEnvelope({ statuses }));
  }
  return { text, statuses: statuses.length };
}

describe.each(FRAMEWORKS)('wacloud/express on $name', ({ name, express, version }) => {
  /** An app with `install` applied first, then the webhook on /webhook behind `routeParsers`. */
  function setup(
    install: (app: ReturnType<typeof express>) => void = () => undefined,
    routeParsers: ReturnType<typeof express.raw>[] = [],
  ) {
    const app = express();
    install(app);
    const events: WebhookEvent[] = [];
    const webhook = createExpressWebhookHandler({
      appSecret,
      verifyToken,
      onEvent: (e) => void events.push(e),
    });
    app.use('/webhook', ...routeParsers, webhook);
    return { app, webhook, events };
  }

  function postSigned(app: ReturnType<typeof express>, payload = body, secret = appSecret) {
    return request(app)
      .post('/webhook')
      .set('content-type', 'application/json')
      .set('x-hub-signature-256', signWebhookPayload(payload, secret))
      .send(payload);
  }

  it('is the major version it claims to be', () => {
    expect(version.split('.')[0]).toBe(name.slice(-1));
  });

  it('answers a signed POST with 200 and emits its events', async () => {
    const { app, webhook, events } = setup();
    const res = await postSigned(app);
    await webhook.drain();
    expect(res.status).toBe(200);
    expect(events.map((e) => e.type)).toEqual(['message']);
  });

  it('answers a wrongly signed POST with 401 and emits nothing', async () => {
    const { app, webhook, events } = setup();
    const res = await postSigned(app, body, 'not-the-app-secret');
    await webhook.drain();
    expect(res.status).toBe(401);
    expect(res.text).not.toContain(appSecret);
    expect(events).toEqual([]);
  });

  it("answers Meta's verification GET, and 403 for a wrong verify token", async () => {
    const { app } = setup();
    const ok = await request(app)
      .get('/webhook')
      .query({ 'hub.mode': 'subscribe', 'hub.verify_token': verifyToken, 'hub.challenge': '1158201444' });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('1158201444');
    const bad = await request(app)
      .get('/webhook')
      .query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1' });
    expect(bad.status).toBe(403);
  });

  it("works behind express.raw({ type: 'application/json' })", async () => {
    const { app, webhook, events } = setup((a) => a.use(express.raw({ type: 'application/json' })));
    expect((await postSigned(app)).status).toBe(200);
    await webhook.drain();
    expect(events.map((e) => e.type)).toEqual(['message']);
  });

  it('works behind express.json({ verify: captureRawBody })', async () => {
    const { app, webhook, events } = setup((a) => a.use(express.json({ verify: captureRawBody })));
    expect((await postSigned(app)).status).toBe(200);
    await webhook.drain();
    expect(events.map((e) => e.type)).toEqual(['message']);
  });

  it('explains the setup (500) behind a plain express.json()', async () => {
    const { app, events } = setup((a) => a.use(express.json()));
    const res = await postSigned(app);
    expect(res.status).toBe(500);
    expect(res.text).toMatch(/captureRawBody/);
    expect(events).toEqual([]);
  });

  describe('a signed 1.5 MB payload', () => {
    const big = largePayload(1_500_000);

    it('is refused (413) by a body parser left at its 100 KB default: the pitfall the docs warn of', async () => {
      const { app, events } = setup((a) => a.use(express.json({ verify: captureRawBody })));
      expect((await postSigned(app, big.text)).status).toBe(413);
      expect(events).toEqual([]);
    });

    it(`is accepted behind express.json({ limit: '${LIMIT}', verify: captureRawBody })`, async () => {
      const { app, webhook, events } = setup((a) =>
        a.use(express.json({ limit: LIMIT, verify: captureRawBody })),
      );
      expect(big.text.length).toBeGreaterThan(1_000_000);
      expect((await postSigned(app, big.text)).status).toBe(200);
      await webhook.drain();
      expect(events).toHaveLength(big.statuses);
      expect(events.every((e) => e.type === 'status')).toBe(true);
    });

    it(`is accepted behind express.raw({ type: 'application/json', limit: '${LIMIT}' }) on the route`, async () => {
      const { app, webhook, events } = setup(undefined, [
        express.raw({ type: 'application/json', limit: LIMIT }),
      ]);
      expect((await postSigned(app, big.text)).status).toBe(200);
      await webhook.drain();
      expect(events).toHaveLength(big.statuses);
    });

    it('is accepted with no body parser (the handler reads up to 3 MB itself)', async () => {
      const { app, webhook, events } = setup();
      expect((await postSigned(app, big.text)).status).toBe(200);
      await webhook.drain();
      expect(events).toHaveLength(big.statuses);
    });
  });
});
