import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebhookHandlerOptions } from '../../src/webhooks/frameworks/fetch.js';
import { createNextPagesHandler } from '../../src/webhooks/frameworks/next.js';
import { createNodeWebhookHandler } from '../../src/webhooks/frameworks/node.js';
import { signWebhookPayload } from '../../src/webhooks/signature.js';
import { rawHttp } from '../helpers/raw-http.js';
import { messagesEnvelope } from './helpers.js';

const appSecret = 'node-secret';
const verifyToken = 'node-token';
const CHALLENGE = '/webhook?hub.mode=subscribe&hub.verify_token=node-token&hub.challenge=42';

let server: Server | undefined;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A plain `http.createServer(handler)` on loopback, exactly as a user would write it. */
async function listen(options: WebhookHandlerOptions = {}, pages = false): Promise<number> {
  const handler = (pages ? createNextPagesHandler : createNodeWebhookHandler)({
    appSecret,
    verifyToken,
    ...options,
  });
  // The handler's promise is dropped, as `http.createServer(handler)` does: it must never reject.
  const created = createServer(handler as never);
  server = created;
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  return (created.address() as AddressInfo).port;
}

function get(target: string, host: string): string {
  return `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
}

describe('node webhook handler on a real server: malformed requests', () => {
  for (const host of ['a b', 'a<b>', 'x:99999', '[::1', '']) {
    it(`Host ${JSON.stringify(host)} is ignored: the challenge is answered and nothing rejects`, async () => {
      const port = await listen({}, true);
      const exchange = await rawHttp(port, [get(CHALLENGE, host)]);
      expect(exchange.status).toBe(200);
      expect(exchange.response.endsWith('\r\n\r\n42')).toBe(true);
      expect(unhandled).toEqual([]);
    });
  }

  it('an absolute-form target keeps its path and query', async () => {
    const port = await listen();
    const exchange = await rawHttp(port, [get(`http://[::1${CHALLENGE}`, 'x')]);
    // `http://[::1/...` is not a URL: 400, and the server goes on serving.
    expect(exchange.status).toBe(400);
    const good = await rawHttp(port, [get(`http://example.com${CHALLENGE}`, 'x')]);
    expect(good.status).toBe(200);
    expect(good.response.endsWith('42')).toBe(true);
  });

  it('methods other than GET and POST get 405, including ones fetch forbids (TRACE)', async () => {
    const port = await listen();
    for (const method of ['TRACE', 'PUT', 'DELETE', 'OPTIONS']) {
      const exchange = await rawHttp(port, [
        `${method} /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      ]);
      expect(exchange.status).toBe(405);
      expect(exchange.response).toMatch(/allow: GET, POST/i);
    }
    expect(unhandled).toEqual([]);
  });

  it('a client that aborts mid-body leaves the server serving', async () => {
    const port = await listen();
    const aborted = await rawHttp(
      port,
      ['POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"obj'],
      { waitMs: 200 },
    );
    expect(aborted.status).toBe(0);
    const next = await rawHttp(port, [get(CHALLENGE, 'x')]);
    expect(next.status).toBe(200);
    expect(unhandled).toEqual([]);
  });
});

describe('node webhook handler: body time and size limits', () => {
  it('a body slower than bodyTimeoutMs gets 408 and the connection is closed', async () => {
    const port = await listen({ bodyTimeoutMs: 200 });
    const exchange = await rawHttp(
      port,
      ['POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n', '{', '"'],
      { gapMs: 50 },
    );
    expect(exchange.status).toBe(408);
    expect(exchange.closedByServer).toBe(true);
  });

  it('a chunked body streaming past maxBodyBytes gets 413', async () => {
    const port = await listen({ maxBodyBytes: 1000 });
    const chunk = 'x'.repeat(600);
    const exchange = await rawHttp(port, [
      'POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n',
      `${(600).toString(16)}\r\n${chunk}\r\n`,
      `${(600).toString(16)}\r\n${chunk}\r\n`,
    ]);
    expect(exchange.status).toBe(413);
    expect(exchange.closedByServer).toBe(true);
  });

  it('the default limits let a normal signed POST through', async () => {
    const port = await listen();
    const body = JSON.stringify(messagesEnvelope({ statuses: [] }));
    const exchange = await rawHttp(port, [
      `POST /webhook HTTP/1.1\r\nHost: a b\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Hub-Signature-256: ${signWebhookPayload(body, appSecret)}\r\n\r\n${body}`,
    ]);
    expect(exchange.status).toBe(200);
  });

  it('rejects a bodyTimeoutMs that is not a positive integer a timer can hold', () => {
    for (const bodyTimeoutMs of [0, -1, 1.5, 2 ** 31, Number.NaN]) {
      expect(() => createNodeWebhookHandler({ appSecret, verifyToken, bodyTimeoutMs })).toThrow(
        /^createWebhookHandler: option "bodyTimeoutMs" must be /,
      );
    }
  });

  it('an unexpected failure answers a plain 500 without a stack', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const handler = createNodeWebhookHandler({ appSecret, verifyToken });
    const created = createServer((req, res) => {
      // A throwing getter stands in for any bug below the handler.
      Object.defineProperty(req, 'rawBody', {
        get() {
          throw new Error('secret detail');
        },
      });
      void handler(req, res);
    });
    server = created;
    await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
    const port = (created.address() as AddressInfo).port;
    const exchange = await rawHttp(port, [
      'POST /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}',
    ]);
    expect(exchange.status).toBe(500);
    expect(exchange.response).not.toContain('secret detail');
    expect(exchange.response).not.toContain(' at ');
    vi.restoreAllMocks();
  });
});
