import { afterEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { createWebhookHandler, signWebhookPayload } from '../../src/webhooks/index.js';
import { fixtureText } from './helpers.js';

const appSecret = 'sqlite-secret';
const stores: SqliteEventStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function post(body: string): Request {
  return new Request('http://localhost/webhook', {
    method: 'POST',
    body,
    headers: { 'x-hub-signature-256': signWebhookPayload(body, appSecret) },
  });
}

describe('webhook handler with the SQLite event store', () => {
  it('stores each event once and two handlers sharing the store emit a redelivery only once', async () => {
    const store = new SqliteEventStore({ filename: ':memory:' });
    stores.push(store);
    const emitted: string[] = [];
    const make = () =>
      createWebhookHandler({
        appSecret,
        verifyToken: 't',
        store,
        onEvent: (e) => void emitted.push(e.type),
      });
    const first = make();
    const second = make(); // another instance: its own memory window, same store
    const payloads = [
      'notes/delivered-v24-billable-marketing.json',
      'notes/read.json',
      'notes/inbound-template-quick-reply.json',
      'notes/user-preferences-opt-out.json',
    ].map(fixtureText);
    for (const body of payloads) expect((await first(post(body))).status).toBe(200);
    await first.drain();
    for (const body of payloads) expect((await second(post(body))).status).toBe(200);
    await second.drain();

    expect(emitted).toEqual(['status', 'status', 'message', 'user_preferences']);
    const stored: StoredEvent[] = [];
    for await (const event of store.scan({})) stored.push(event);
    expect(stored.map((e) => e.kind).sort()).toEqual(['inbound', 'opt_out', 'opt_out', 'status', 'status']);
    expect(stored.find((e) => e.kind === 'inbound')).toMatchObject({ buttonPayload: 'STOP_PROMO' });
  });
});
