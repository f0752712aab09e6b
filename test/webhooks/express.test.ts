import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { captureRawBody, createExpressWebhookHandler } from '../../src/webhooks/frameworks/express.js';
import type { WebhookEvent } from '../../src/webhooks/index.js';
import { signWebhookPayload } from '../../src/webhooks/index.js';
import { rawHttp } from '../helpers/raw-http.js';
import { fixtureText } from './helpers.js';

const appSecret = 'express-secret';
const verifyToken = 'express-token';
const body = fixtureText('notes/reaction.json'); // non-ASCII: exercises exact byte handling

function setup(install: (app: express.Express) => void = () => undefined) {
  const app = express();
  install(app);
  const events: WebhookEvent[] = [];
  const webhook = createExpressWebhookHandler({
    appSecret,
    verifyToken,
    onEvent: (e) => void events.push(e),
  });
  app.use('/webhook', webhook);
  return { app, webhook, events };
}

async function postSigned(app: express.Express, payload = body) {
  return request(app)
    .post('/webhook')
    .set('content-type', 'application/json')
    .set('x-hub-signature-256', signWebhookPayload(payload, appSecret))
    .send(payload);
}

describe('wacloud/express', () => {
  it('reads the raw body itself when no body parser is installed', async () => {
    const { app, webhook, events } = setup();
    const res = await postSigned(app);
    await webhook.drain();
    expect(res.status).toBe(200);
    expect(events.map((e) => e.type)).toEqual(['message']);
  });

  it("uses req.body when express.raw({ type: 'application/json' }) ran", async () => {
    const { app, webhook, events } = setup((a) => a.use(express.raw({ type: 'application/json' })));
    expect((await postSigned(app)).status).toBe(200);
    await webhook.drain();
    expect(events).toHaveLength(1);
  });

  it('uses req.rawBody when express.json({ verify: captureRawBody }) ran', async () => {
    const { app, webhook, events } = setup((a) => a.use(express.json({ verify: captureRawBody })));
    expect((await postSigned(app)).status).toBe(200);
    await webhook.drain();
    expect(events).toHaveLength(1);
  });

  it('explains how to fix the setup when express.json() already parsed the body', async () => {
    const { app, events } = setup((a) => a.use(express.json()));
    const res = await postSigned(app);
    expect(res.status).toBe(500);
    expect(res.text).toMatch(/before express\.json\(\).*express\.raw/s);
    expect(res.text).not.toContain(appSecret);
    expect(events).toHaveLength(0);
  });

  it('answers the verification GET', async () => {
    const { app } = setup();
    const ok = await request(app).get('/webhook').query({
      'hub.mode': 'subscribe',
      'hub.verify_token': verifyToken,
      'hub.challenge': 'abc123',
    });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('abc123');
    const bad = await request(app)
      .get('/webhook')
      .query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'x', 'hub.challenge': '1' });
    expect(bad.status).toBe(403);
  });

  it('401 on a bad signature and 413 on an oversized body', async () => {
    const { app } = setup();
    const bad = await request(app)
      .post('/webhook')
      .set('content-type', 'application/json')
      .set('x-hub-signature-256', signWebhookPayload(body, 'wrong'))
      .send(body);
    expect(bad.status).toBe(401);

    const small = express();
    small.use('/webhook', createExpressWebhookHandler({ appSecret, verifyToken, maxBodyBytes: 100 }));
    const big = await postSigned(small, JSON.stringify({ pad: 'x'.repeat(1000) }));
    expect(big.status).toBe(413);
  });

  it('a malformed Host header gets no 500 and no stack trace', async () => {
    const { app } = setup();
    const server: Server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      for (const host of ['a<b>', 'x:99999', '[::1', 'a b']) {
        const exchange = await rawHttp(port, [
          `GET /webhook?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=7 HTTP/1.1\r\n` +
            `Host: ${host}\r\nConnection: close\r\n\r\n`,
        ]);
        expect(exchange.status).toBe(200);
        expect(exchange.response.endsWith('\r\n\r\n7')).toBe(true);
        expect(exchange.response).not.toMatch(/ at |TypeError/);
      }
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
