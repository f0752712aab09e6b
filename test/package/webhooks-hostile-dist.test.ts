/**
 * Hostile input against the BUILT package (`dist/`, as users import it): malformed requests on a real
 * `http.createServer` driven through raw sockets, slow and huge bodies, NUL bytes and lone surrogates
 * on every store, message types named like `Object.prototype` members, and broken user callbacks.
 * Needs `npm run build` first (the import helper refuses a missing or stale build).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as PostgresEntry from '../../src/events/stores/postgres.js';
import type * as SqliteEntry from '../../src/events/stores/sqlite.js';
import type * as RootEntry from '../../src/index.js';
import type * as ExpressEntry from '../../src/webhooks/frameworks/express.js';
import type * as NextEntry from '../../src/webhooks/frameworks/next.js';
import { importBuiltPackage } from '../helpers/built-package.js';
import { rawHttp } from '../helpers/raw-http.js';
import { postgresRequired, TEST_DATABASE_URL } from '../helpers/test-services.js';

const root = await importBuiltPackage<typeof RootEntry>('index.js');
const next = await importBuiltPackage<typeof NextEntry>('next.js');
const expressEntry = await importBuiltPackage<typeof ExpressEntry>('express.js');
const sqlite = await importBuiltPackage<typeof SqliteEntry>('sqlite.js');
const postgres = await importBuiltPackage<typeof PostgresEntry>('postgres.js');

const appSecret = 'dist-hostile-secret';
const verifyToken = 'dist-token';
const CHALLENGE = `/webhook?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=99`;
const BAD_HOSTS = ['a b', 'a<b>', 'x:99999', '[::1'];

const servers: Server[] = [];
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
  vi.restoreAllMocks();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function listen(listener: RequestListener): Promise<number> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function get(target: string, host: string): string {
  return `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
}

function signedPostText(body: string, host = '127.0.0.1'): string {
  return (
    `POST /webhook HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Hub-Signature-256: ${root.signWebhookPayload(body, appSecret)}\r\n\r\n${body}`
  );
}

function envelope(value: Record<string, unknown>): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

describe('built package: malformed requests on a plain http.createServer', () => {
  it('Next Pages handler: bad Host headers and forbidden methods get answers, nothing rejects', async () => {
    const port = await listen(next.createNextPagesHandler({ appSecret, verifyToken }) as never);
    for (const host of BAD_HOSTS) {
      const exchange = await rawHttp(port, [get(CHALLENGE, host)]);
      expect(exchange.status).toBe(200);
      expect(exchange.response.endsWith('\r\n\r\n99')).toBe(true);
    }
    const trace = await rawHttp(port, ['TRACE /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(trace.status).toBe(405);
    const absolute = await rawHttp(port, [get('http://[::1/webhook', 'x')]);
    expect(absolute.status).toBe(400);
    const signed = await rawHttp(port, [signedPostText(JSON.stringify(envelope({ statuses: [] })), 'a b')]);
    expect(signed.status).toBe(200);
    expect(unhandled).toEqual([]);
  });

  it('Express adapter: bad Host headers get no 500 and no stack trace', async () => {
    const app = express();
    app.use('/webhook', expressEntry.createExpressWebhookHandler({ appSecret, verifyToken }));
    const port = await listen(app);
    for (const host of BAD_HOSTS) {
      const exchange = await rawHttp(port, [get(CHALLENGE, host)]);
      expect(exchange.status).toBe(200);
      expect(exchange.response).not.toMatch(/ at |TypeError/);
    }
  });

  it('a slow body gets 408 and the socket is closed; a huge one 413', async () => {
    const port = await listen(
      next.createNextPagesHandler({ appSecret, verifyToken, bodyTimeoutMs: 200 }) as never,
    );
    const slow = await rawHttp(
      port,
      ['POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n', '{', '"'],
      { gapMs: 50 },
    );
    expect(slow.status).toBe(408);
    expect(slow.closedByServer).toBe(true);

    const declared = await rawHttp(port, [
      `POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: ${4 * 1024 * 1024}\r\n\r\n{`,
    ]);
    expect(declared.status).toBe(413);
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const streamed = await rawHttp(port, [
      'POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n',
      ...Array.from({ length: 4 }, () =>
        Buffer.concat([Buffer.from('100000\r\n'), chunk, Buffer.from('\r\n')]),
      ),
    ]);
    expect(streamed.status).toBe(413);
    expect(unhandled).toEqual([]);
  });
});

const connectionString = TEST_DATABASE_URL;
const schema = `wacloud_test_dist_${process.pid}_${randomBytes(3).toString('hex')}`;
const pool = new pg.Pool({ connectionString, max: 2 });
const withPostgres = await postgresRequired();
afterAll(async () => {
  if (withPostgres) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

/** One good status, an inbound text with a NUL, and a button reply with half an emoji. */
const hostileText = JSON.stringify(
  envelope({
    statuses: [{ id: 'wamid.out', status: 'read', timestamp: '1700000000', recipient_id: '16505551234' }],
    messages: [
      {
        id: 'wamid.1',
        from: '16505551234',
        timestamp: '1700000001',
        type: 'text',
        text: { body: 'a\u0000b' },
      },
      {
        id: 'wamid.2',
        from: '16505551234',
        timestamp: '1700000002',
        type: 'button',
        button: { text: '\ud83d', payload: 'p' },
      },
    ],
  }),
);

describe('built package: text no store can hold as is', () => {
  const stores: Record<string, () => RootEntry.EventStore> = {
    memory: () => new root.MemoryEventStore(),
    sqlite: () => new sqlite.SqliteEventStore({ filename: ':memory:' }),
  };
  if (withPostgres) {
    stores.postgres = () => new postgres.PostgresEventStore({ pool, schema, tableName: 'events' });
  }
  for (const [name, makeStore] of Object.entries(stores)) {
    it(`${name}: over a real server, every event is stored with U+FFFD, with and without awaitProcessing`, async () => {
      for (const awaitProcessing of [true, false]) {
        const store = makeStore();
        const onError = vi.fn();
        const handler = next.createNextPagesHandler({
          appSecret,
          verifyToken,
          store,
          onError,
          awaitProcessing,
        });
        const port = await listen(handler as never);
        const exchange = await rawHttp(port, [signedPostText(hostileText)]);
        expect(exchange.status).toBe(200);
        await handler.drain();
        expect(onError).not.toHaveBeenCalled();
        const stored: RootEntry.StoredEvent[] = [];
        for await (const event of store.scan({})) stored.push(event);
        expect(stored.map((e) => [e.kind, 'text' in e ? e.text : undefined])).toEqual([
          ['status', undefined],
          ['inbound', 'a\uFFFDb'],
          ['inbound', '\uFFFD'],
        ]);
        if (name === 'postgres')
          await pool.query(`TRUNCATE "${schema}".events, "${schema}".events_status_rollup`);
        if (name === 'sqlite') await (store as InstanceType<typeof sqlite.SqliteEventStore>).close();
      }
    });
  }
});

describe('built package: parser and callbacks', () => {
  it('message types named like Object.prototype members lose no neighbour', () => {
    for (const name of ['__proto__', 'constructor', 'valueOf', 'toString', 'hasOwnProperty']) {
      const odd = JSON.parse(
        `{"id":"wamid.odd","from":"1","timestamp":"1","type":"${name}","${name}":{}}`,
      ) as Record<string, unknown>;
      const good = { id: 'wamid.good', from: '1', timestamp: '1', type: 'text', text: { body: 'hi' } };
      const events = root.parseWebhook(envelope({ messages: [odd, good] }));
      expect(events.map((e) => (e.type === 'message' ? e.messageId : e.type))).toEqual([
        'wamid.odd',
        'wamid.good',
      ]);
    }
  });

  it('a throwing onError and throwing listeners neither crash nor drop events', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const seen: string[] = [];
    const handler = next.createNextPagesHandler({
      appSecret,
      verifyToken,
      onEvent: async (event) => {
        seen.push(event.type);
        throw new Error('listener broken');
      },
      onError: () => {
        throw new Error('onError broken');
      },
    });
    handler.processor.on('status', () => {
      throw new Error('sync listener broken');
    });
    const port = await listen(handler as never);
    const exchange = await rawHttp(port, [signedPostText(hostileText)]);
    expect(exchange.status).toBe(200);
    await handler.drain();
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['status', 'message', 'message']);
    expect(unhandled).toEqual([]);
  });
});
