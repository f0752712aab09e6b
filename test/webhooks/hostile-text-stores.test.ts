import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { EventStore } from '../../src/events/event-store.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { PostgresEventStore } from '../../src/events/stores/postgres.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { createWebhookHandler, signWebhookPayload } from '../../src/webhooks/index.js';
import { postgresRequired, TEST_DATABASE_URL } from '../helpers/test-services.js';

const appSecret = 'hostile-text-secret';
const connectionString = TEST_DATABASE_URL;
const schema = `wacloud_test_text_${process.pid}_${randomBytes(3).toString('hex')}`;

const withPostgres = await postgresRequired();
const pool = new pg.Pool({ connectionString, max: 2 });
const closers: Array<() => Promise<void>> = [];
let tables = 0;
afterAll(async () => {
  for (const close of closers) await close();
  if (withPostgres) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

const STORES: Record<string, () => EventStore> = {
  memory: () => new MemoryEventStore(),
  sqlite: () => {
    const store = new SqliteEventStore({ filename: ':memory:' });
    closers.push(() => store.close());
    return store;
  },
};
if (withPostgres) {
  STORES.postgres = () => new PostgresEventStore({ pool, schema, tableName: `events_${++tables}` });
}

/**
 * A raw webhook body (JSON text, escapes kept as Meta sends them): one good status and two inbound
 * texts, one with a NUL and one with half an emoji (a lone surrogate), plus a NUL in a message id.
 */
const body = JSON.stringify({
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
            statuses: [
              { id: 'wamid.out', status: 'delivered', timestamp: '1700000000', recipient_id: '16505551234' },
            ],
            messages: [
              {
                id: 'wamid.nul',
                from: '16505551234',
                timestamp: '1700000001',
                type: 'text',
                text: { body: 'stop\u0000now' },
              },
              {
                id: 'wamid.half\u0000emoji',
                from: '16505551234',
                timestamp: '1700000002',
                type: 'button',
                button: { text: 'yes \ud83d', payload: '\udc4d' },
              },
            ],
          },
        },
      ],
    },
  ],
});

function signedPost(): Request {
  return new Request('http://localhost/webhook', {
    method: 'POST',
    body,
    headers: { 'x-hub-signature-256': signWebhookPayload(body, appSecret) },
  });
}

async function scanAll(store: EventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const event of store.scan({})) events.push(event);
  return events;
}

const EXPECTED: StoredEvent[] = [
  {
    kind: 'status',
    messageId: 'wamid.out',
    status: 'delivered',
    at: new Date(1_700_000_000_000),
    recipientId: '16505551234',
  },
  {
    kind: 'inbound',
    messageId: 'wamid.nul',
    recipientId: '16505551234',
    at: new Date(1_700_000_001_000),
    messageType: 'text',
    text: 'stop\uFFFDnow',
  },
  {
    kind: 'inbound',
    messageId: 'wamid.half\uFFFDemoji',
    recipientId: '16505551234',
    at: new Date(1_700_000_002_000),
    messageType: 'button',
    text: 'yes \uFFFD',
    buttonPayload: '\uFFFD',
  },
];

describe('webhook text no store can hold as is (NUL, lone surrogates)', () => {
  for (const [name, makeStore] of Object.entries(STORES)) {
    for (const awaitProcessing of [false, true]) {
      it(`${name}, awaitProcessing ${awaitProcessing}: 200, every event stored, text stored the same`, async () => {
        const store = makeStore();
        const onError = vi.fn();
        const emitted: string[] = [];
        const handler = createWebhookHandler({
          appSecret,
          verifyToken: 'v',
          store,
          awaitProcessing,
          onError,
          onEvent: (event) => {
            if (event.type === 'status' || event.type === 'message') emitted.push(event.messageId);
          },
        });
        const response = await handler(signedPost());
        expect(response.status).toBe(200);
        await handler.drain();
        expect(onError).not.toHaveBeenCalled();
        expect(await scanAll(store)).toEqual(EXPECTED);
        // Listeners see the text as Meta sent it; only the stored copy is made storable.
        expect(emitted).toEqual(['wamid.out', 'wamid.nul', 'wamid.half\u0000emoji']);

        // A redelivery is recognised as a repeat by the store (a new handler: empty memory window).
        const again = createWebhookHandler({ appSecret, verifyToken: 'v', store, awaitProcessing });
        const duplicates: string[] = [];
        again.processor.on('duplicate', (event) => {
          duplicates.push(event.type);
        });
        expect((await again(signedPost())).status).toBe(200);
        await again.drain();
        expect(duplicates).toEqual(['status', 'message', 'message']);
        expect(await scanAll(store)).toHaveLength(3);
      });
    }
  }

  it('the stores agree with each other on raw appends too (metadata keys and values)', async () => {
    const event: StoredEvent = {
      kind: 'outbound',
      messageId: 'wamid.meta',
      recipientId: '1',
      at: new Date(5),
      campaignId: 'c\u0000',
      metadata: { 'k\uD800': 'v\u0000', list: ['\uDC00'] },
    };
    const results: StoredEvent[][] = [];
    for (const makeStore of Object.values(STORES)) {
      const store = makeStore();
      await store.append([event]);
      results.push(await scanAll(store));
    }
    for (const result of results) {
      expect(result).toEqual([
        { ...event, campaignId: 'c\uFFFD', metadata: { 'k\uFFFD': 'v\uFFFD', list: ['\uFFFD'] } },
      ]);
    }
  });
});
