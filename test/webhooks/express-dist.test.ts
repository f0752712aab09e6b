/**
 * The built `wacloud/express` (dist/, run `npm run build` first), loaded the way apps load it — ESM
 * `import` and CommonJS `require` — on Express 4 and 5, served on 127.0.0.1 with the setup
 * docs/webhooks.md recommends for apps that parse JSON globally.
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type express5 from 'express';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as ExpressEntry from '../../src/webhooks/frameworks/express.js';
import type { WebhookEvent } from '../../src/webhooks/index.js';
import { signWebhookPayload } from '../../src/webhooks/index.js';
import { messagesEnvelope } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const appSecret = 'express-dist-secret';
const verifyToken = 'express-dist-token';

const EXPRESS = [
  { name: 'Express 5', load: () => require('express') as typeof express5 },
  { name: 'Express 4', load: () => require('express4') as typeof express5 },
];
const FORMATS = [
  {
    name: 'ESM dist/express.js',
    load: async () =>
      (await import(pathToFileURL(join(root, 'dist', 'express.js')).href)) as typeof ExpressEntry,
  },
  {
    name: 'CommonJS dist/express.cjs',
    load: async () => require(join(root, 'dist', 'express.cjs')) as typeof ExpressEntry,
  },
];
const CASES = EXPRESS.flatMap((e) => FORMATS.map((f) => ({ name: `${f.name} on ${e.name}`, e, f })));

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'express.cjs'))) {
    throw new Error('dist/express.cjs is missing: run `npm run build` before this test');
  }
});

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A signed-able payload of `count` distinct `read` statuses (12,000 are about 1.5 MB). */
function statusesPayload(count: number): string {
  const statuses = Array.from({ length: count }, (_, i) => ({
    id: `wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI${String(i).padStart(8, '0')}`,
    status: 'read',
    timestamp: '1749416390',
    recipient_id: '16505551234',
  }));
  return JSON.stringify(messagesEnvelope({ statuses }));
}

describe.each(CASES)('built wacloud/express: $name', ({ e, f }) => {
  async function start() {
    const express = e.load();
    const { captureRawBody, createExpressWebhookHandler } = await f.load();
    const app = express();
    app.use(express.json({ limit: '3mb', verify: captureRawBody })); // as docs/webhooks.md shows
    const events: WebhookEvent[] = [];
    const webhook = createExpressWebhookHandler({
      appSecret,
      verifyToken,
      onEvent: (event) => void events.push(event),
    });
    app.use('/webhook', webhook);
    const listening = app.listen(0, '127.0.0.1');
    server = listening;
    await new Promise((resolve) => listening.once('listening', resolve));
    const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/webhook`;
    return { url, webhook, events };
  }

  it("answers Meta's verification GET", async () => {
    const { url } = await start();
    const res = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=987`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('987');
  });

  it('accepts a signed 1.5 MB webhook and emits every status; refuses a bad signature', async () => {
    const { url, webhook, events } = await start();
    const body = statusesPayload(12_000);
    expect(body.length).toBeGreaterThan(1_400_000);
    const post = (secret: string) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signWebhookPayload(body, secret),
        },
        body,
      });
    expect((await post('not-the-app-secret')).status).toBe(401);
    expect((await post(appSecret)).status).toBe(200);
    await webhook.drain();
    expect(events).toHaveLength(12_000);
  });
});
