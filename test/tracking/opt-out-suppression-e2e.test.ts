import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/events/event-store.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { PostgresEventStore } from '../../src/events/stores/postgres.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { SendQueue } from '../../src/queue/index.js';
import { StoreSuppressionList } from '../../src/tracking/store-suppression-list.js';
import { createWebhookHandler } from '../../src/webhooks/frameworks/fetch.js';
import { signWebhookPayload } from '../../src/webhooks/signature.js';
import { postgresRequired, TEST_DATABASE_URL } from '../helpers/test-services.js';
import { fastRetry, graph, scriptedClient } from '../queue/helpers/scripted-client.js';
import { messagesEnvelope } from '../webhooks/helpers.js';

// Issue 11 item 3: with only `createWebhookHandler({ store })` and `new StoreSuppressionList({ store })`
// wired, every opt-out signal makes the next send to that person come back skipped / suppressed, and a
// resume or opt-in lifts it — on every store.

const APP_SECRET = 'e2e-app-secret';
const VERIFY_TOKEN = 'e2e-verify-token';
const connectionString = TEST_DATABASE_URL;
const schema = `wacloud_optout_${process.pid}_${randomBytes(3).toString('hex')}`;

const pgAvailable = await postgresRequired();
const pool = new pg.Pool({ connectionString, max: 4 });
let tables = 0;
afterAll(async () => {
  if (pgAvailable) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

const STORES: Array<{ name: string; available: boolean; open: () => EventStore }> = [
  { name: 'memory', available: true, open: () => new MemoryEventStore() },
  { name: 'SQLite', available: true, open: () => new SqliteEventStore({ filename: ':memory:' }) },
  {
    name: 'PostgreSQL',
    available: pgAvailable,
    open: () => new PostgresEventStore({ pool, schema, tableName: `events_${++tables}` }),
  },
];

/** Unix seconds, well after the sends the queue records with the real clock. */
const later = (offset: number) => String(Math.floor(Date.now() / 1000) + 60 + offset);

interface Person {
  waId: string;
  /** The message the campaign sent them (what replies quote). */
  messageId: string;
}

function inbound(person: Person, message: Record<string, unknown>, offset = 0): Record<string, unknown> {
  return messagesEnvelope({
    contacts: [{ profile: { name: 'Ayşe' }, wa_id: person.waId }],
    messages: [
      {
        from: person.waId,
        id: `wamid.in.${randomBytes(4).toString('hex')}`,
        timestamp: later(offset),
        context: { from: '15550783881', id: person.messageId },
        ...message,
      },
    ],
  });
}

function preference(person: Person, value: 'stop' | 'resume', offset: number): Record<string, unknown> {
  return messagesEnvelope(
    {
      user_preferences: [
        {
          wa_id: person.waId,
          detail: 'User requested to stop marketing messages',
          category: 'marketing_messages',
          value,
          timestamp: Number(later(offset)),
        },
      ],
    },
    'user_preferences',
  );
}

function failed131050(person: Person): Record<string, unknown> {
  return messagesEnvelope({
    statuses: [
      {
        id: person.messageId,
        status: 'failed',
        timestamp: later(0),
        recipient_id: person.waId,
        errors: [{ code: 131050, title: 'Unable to deliver the message.' }],
      },
    ],
  });
}

const text = (body: string) => ({ type: 'text', text: { body } });

/** One opt-out signal: the webhook that carries it (none when it comes back from the send itself). */
interface Signal {
  name: string;
  webhook?: (person: Person) => Record<string, unknown>;
  /** The first send is refused with this Graph error code. */
  refuseFirstSendWith?: number;
  handlerOptions?: Record<string, unknown>;
}

const SIGNALS: Signal[] = [
  { name: 'STOP keyword in Turkish ("İptal")', webhook: (p) => inbound(p, text('İptal')) },
  { name: 'STOP keyword in Cyrillic ("СТОП")', webhook: (p) => inbound(p, text('СТОП')) },
  { name: 'STOP keyword in Chinese ("退订")', webhook: (p) => inbound(p, text('退订')) },
  {
    name: 'template STOP quick reply (default payload)',
    webhook: (p) => inbound(p, { type: 'button', button: { payload: 'STOP_PROMO', text: 'Bitte nicht' } }),
  },
  {
    name: 'configured STOP button payload',
    handlerOptions: { optOut: { quickReplyPayloads: ['NO_MORE_OFFERS'] } },
    webhook: (p) =>
      inbound(p, {
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'NO_MORE_OFFERS', title: 'Hayır' } },
      }),
  },
  { name: 'Stop tap (user_preferences stop)', webhook: (p) => preference(p, 'stop', 0) },
  { name: '131050 by a failed status webhook', webhook: failed131050 },
  { name: '131050 when the send is refused', refuseFirstSendWith: 131050 },
];

async function post(handler: ReturnType<typeof createWebhookHandler>, payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  const response = await handler(
    new Request('http://127.0.0.1/webhook', {
      method: 'POST',
      body,
      headers: { 'x-hub-signature-256': signWebhookPayload(body, APP_SECRET) },
    }),
  );
  expect(response.status).toBe(200);
  await handler.drain();
}

function setup(store: EventStore, signal: Signal) {
  const { client, calls } = scriptedClient((_to, attempt) =>
    attempt === 1 && signal.refuseFirstSendWith !== undefined ? graph(signal.refuseFirstSendWith) : undefined,
  );
  const handler = createWebhookHandler({
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    store,
    ...signal.handlerOptions,
  });
  const suppression = new StoreSuppressionList({ store });
  const queue = new SendQueue({
    client,
    store,
    suppression,
    perRecipientIntervalMs: 0,
    retry: fastRetry,
    storeFlushMs: 5,
  });
  const send = (to: string) =>
    queue.enqueue({ to: `+${to}`, type: 'template', template: { name: 'promo', language: { code: 'tr' } } });
  return { handler, queue, send, calls };
}

for (const backend of STORES) {
  describe.runIf(backend.available)(`every opt-out signal suppresses the next send (${backend.name})`, () => {
    for (const signal of SIGNALS) {
      it(`${signal.name}: skipped as suppressed, then sent again after a resume`, async () => {
        const store = backend.open();
        const { handler, queue, send, calls } = setup(store, signal);
        const waId = `9053${randomBytes(4).readUInt32BE(0)}`.slice(0, 12);
        const first = await send(waId);
        expect(first.status).toBe(signal.refuseFirstSendWith === undefined ? 'sent' : 'failed');
        await queue.onIdle();
        const person: Person = { waId, messageId: first.messageId ?? 'wamid.none' };
        if (signal.webhook) await post(handler, signal.webhook(person));

        const second = await send(waId);
        expect(second).toMatchObject({ status: 'skipped', reason: 'suppressed', attempts: 0 });
        // A fresh list (another process) reads the same verdict from the store alone.
        expect(await new StoreSuppressionList({ store }).isSuppressed(waId)).toBe(true);

        await post(handler, preference(person, 'resume', 30));
        const third = await send(waId);
        expect(third.status).toBe('sent');
        expect(calls.filter((c) => c.to === `+${waId}`)).toHaveLength(2);
        await queue.close();
      });
    }

    it('an opt_in recorded by the app lifts a STOP keyword', async () => {
      const store = backend.open();
      const { handler, queue, send } = setup(store, SIGNALS[0] as Signal);
      const waId = '905321234567';
      const first = await send(waId);
      await post(handler, inbound({ waId, messageId: first.messageId as string }, text('退订')));
      expect((await send(waId)).reason).toBe('suppressed');
      await store.append([
        { kind: 'opt_in', recipientId: waId, at: new Date(Number(later(45)) * 1000), source: 'app' },
      ]);
      expect((await send(waId)).status).toBe('sent');
      await queue.close();
    });

    it('a STOP keyword stores an opt_out naming the message it answers; 131050 stores none', async () => {
      const store = backend.open();
      const { handler, queue, send } = setup(store, SIGNALS[0] as Signal);
      const first = await send('905320000001');
      await post(
        handler,
        inbound({ waId: '905320000001', messageId: first.messageId as string }, text('СТОП')),
      );
      await post(handler, failed131050({ waId: '905320000002', messageId: 'wamid.other' }));
      await queue.close();
      const optOuts = [];
      for await (const event of store.scan({ kinds: ['opt_out'] })) optOuts.push(event);
      expect(optOuts).toEqual([
        expect.objectContaining({
          kind: 'opt_out',
          recipientId: '905320000001',
          source: 'keyword',
          messageId: first.messageId,
        }),
      ]);
    });

    it('a Stop tap by user id only suppresses sends to the user id and, once linked, to the phone number', async () => {
      const store = backend.open();
      const { handler, queue, send } = setup(store, SIGNALS[0] as Signal);
      const phone = '905329990001';
      const userId = `TR.${randomBytes(6).readUIntBE(0, 6)}`;
      const first = await send(phone);
      // Meta reports the phone number and the user id on the status of a send to the number…
      await post(
        handler,
        messagesEnvelope({
          statuses: [
            {
              id: first.messageId,
              status: 'delivered',
              timestamp: later(0),
              recipient_id: phone,
              recipient_user_id: userId,
            },
          ],
        }),
      );
      // …and only the user id when the user taps Stop.
      const stop = preference({ waId: '', messageId: '' }, 'stop', 10) as {
        entry: Array<{ changes: Array<{ value: { user_preferences: Array<Record<string, unknown>> } }> }>;
      };
      Object.assign(stop.entry[0]!.changes[0]!.value.user_preferences[0]!, { wa_id: '', user_id: userId });
      await post(handler, stop);
      const byUserId = () =>
        queue.enqueue({
          recipient: userId,
          type: 'template',
          template: { name: 'promo', language: { code: 'tr' } },
        });
      expect(await byUserId()).toMatchObject({
        status: 'skipped',
        reason: 'suppressed',
        recipientId: userId,
      });
      expect(await send(phone)).toMatchObject({ status: 'skipped', reason: 'suppressed' });
      await post(handler, preference({ waId: phone, messageId: '' }, 'resume', 30));
      expect((await byUserId()).status).toBe('sent');
      expect((await send(phone)).status).toBe('sent');
      await queue.close();
    });

    it('a send refused with 131050 is on record as send_failed only, and that alone suppresses', async () => {
      const store = backend.open();
      const { queue, send } = setup(store, { name: 'refused', refuseFirstSendWith: 131050 });
      expect((await send('905320000003')).status).toBe('failed');
      await queue.close();
      const kinds = [];
      for await (const event of store.scan({ recipientIds: ['905320000003'] })) kinds.push(event.kind);
      expect(kinds).toEqual(['send_failed']);
      expect(await new StoreSuppressionList({ store }).status('+90 532 000 0003')).toMatchObject({
        suppressed: true,
        reason: 'error_131050',
      });
    });
  });
}
