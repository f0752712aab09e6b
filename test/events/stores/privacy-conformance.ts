/**
 * Erasure, retention and the `held_out` kind, the same on every store. Run it for a store with
 * `describePrivacyConformance('SqliteEventStore', async (erasureKey) => new SqliteEventStore({ ..., erasureKey }))`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/index.js';
import type { EventStore } from '../../../src/events/event-store.js';
import { exportRecipientData } from '../../../src/events/recipient-export.js';
import type { StoredEvent } from '../../../src/events/stored-event.js';
import { msg } from '../../../src/messages/index.js';
import { computeCampaignMetrics } from '../../../src/metrics/compute-campaign-metrics.js';
import { SendQueue } from '../../../src/queue/index.js';
import { StoreSuppressionList } from '../../../src/tracking/store-suppression-list.js';
import { scriptedClient } from '../../queue/helpers/scripted-client.js';

/** A store under test, with an optional `close` called after each test. */
export type PrivacyStore = EventStore & { close?(): Promise<void> };

export const ERASURE_KEY = 'test-erasure-key-0123456789abcdef';

const T0 = Date.UTC(2026, 0, 5, 10);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

const PHONE = '4915120000001';
const USER = 'DE.1234567890123456789';
/** Meta's message ids carry the phone number (base64 of `…4915120000001…`). */
const WAMID = 'wamid.HBgNNDkxNTEyMDAwMDAwMRUCABEYEjE=';
const OTHER = '4915120000002';
const SECRET_TEXT = 'I live at Lindenstrasse 7';

/** Person PHONE (also known as USER) and someone else, in one campaign and some other events. */
const EVENTS: StoredEvent[] = [
  {
    kind: 'outbound',
    messageId: WAMID,
    recipientId: `+${PHONE}`,
    at: at(0),
    campaignId: 'spring',
    variant: 'A',
    templateName: 'sale',
    metadata: { idempotencyKey: `spring:${PHONE}`, timeZone: 'Europe/Berlin', name: 'Anna' },
  },
  { kind: 'outbound', messageId: 'wamid.other', recipientId: OTHER, at: at(0), campaignId: 'spring' },
  {
    kind: 'status',
    messageId: WAMID,
    status: 'delivered',
    at: at(1),
    recipientId: PHONE,
    userId: USER,
    pricing: { category: 'marketing', billable: true },
  },
  { kind: 'status', messageId: WAMID, status: 'read', at: at(2) },
  { kind: 'status', messageId: 'wamid.other', status: 'delivered', at: at(1), recipientId: OTHER },
  {
    kind: 'inbound',
    messageId: 'wamid.reply1',
    recipientId: PHONE,
    at: at(3),
    contextMessageId: WAMID,
    text: SECRET_TEXT,
    userId: USER,
    username: 'anna.k',
  },
  // A reply that names the person only by their user id, without context.
  { kind: 'inbound', messageId: 'wamid.reply2', recipientId: USER, at: at(4), text: 'call me' },
  {
    kind: 'click',
    at: at(5),
    messageId: WAMID,
    recipientId: PHONE,
    campaignId: 'spring',
    url: `https://shop.example/?who=${PHONE}`,
  },
  { kind: 'conversion', at: at(6), recipientId: PHONE, value: 40, currency: 'EUR' },
  {
    kind: 'opt_in',
    recipientId: PHONE,
    at: at(-60),
    category: 'marketing',
    source: 'web_form',
    text: 'Yes, Anna, send me offers',
  },
  {
    kind: 'send_failed',
    recipientId: PHONE,
    at: at(7),
    campaignId: 'autumn',
    errorCode: 131026,
    idempotencyKey: `autumn:${PHONE}`,
  },
  { kind: 'inbound', messageId: 'wamid.reply3', recipientId: OTHER, at: at(3), text: 'hello' },
];

async function collect(store: EventStore, filter = {}): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const event of store.scan(filter)) out.push(event);
  return out;
}

/** Registers the privacy suite for one store; `makeStore(key)` opens a fresh store with that erasure key. */
export function describePrivacyConformance(
  name: string,
  makeStore: (erasureKey: string | undefined) => Promise<PrivacyStore>,
): void {
  describe(`EventStore privacy: ${name}`, () => {
    const open: PrivacyStore[] = [];
    const fresh = async (key: string | undefined = ERASURE_KEY) => {
      const store = await makeStore(key);
      open.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close?.();
    });

    it('erases a person: nothing findable by number, user id, message id or text; metrics keep their counts', async () => {
      const store = await fresh();
      await store.append(EVENTS);
      const before = await computeCampaignMetrics(store, { campaignId: 'spring', groupBy: 'variant' });
      const otherBefore = await collect(store, { recipientIds: [OTHER] });

      const summary = await store.eraseRecipient!(`+${PHONE}`);
      expect(summary).toEqual({ ids: 2, eventsRewritten: 9, eventsDeleted: 0, tombstones: 2 });

      const all = JSON.stringify(await collect(store));
      // The change feed gives the rewritten events too.
      const feed = store.readSince ? JSON.stringify((await store.readSince(undefined, 1000)).events) : '';
      for (const secret of [PHONE, USER, WAMID, SECRET_TEXT, 'call me', 'anna', 'Anna', 'shop.example']) {
        expect(all).not.toContain(secret);
        expect(feed).not.toContain(secret);
      }
      if (store.readSince) expect(feed).toContain('erased.');
      expect(await collect(store, { recipientIds: [PHONE] })).toEqual([]);
      expect(await collect(store, { recipientIds: [USER] })).toEqual([]);
      expect(await collect(store, { messageIds: [WAMID] })).toEqual([]);
      const exported = await exportRecipientData(store, PHONE);
      expect(exported.events).toEqual([]);
      expect(exported.consent).toEqual([]);
      expect((await exportRecipientData(store, USER)).events).toEqual([]);
      if (store.identityLinks) expect((await store.identityLinks([PHONE])).aliases(PHONE)).toEqual([PHONE]);

      // The campaign's numbers (replies, clicks, reads, conversions) are as they were.
      expect(await computeCampaignMetrics(store, { campaignId: 'spring', groupBy: 'variant' })).toEqual(
        before,
      );
      expect(before.replied).toBe(2);
      expect(before.clicked).toBe(1);
      // The other person is untouched; the time zone stays for local-time metrics.
      expect(await collect(store, { recipientIds: [OTHER] })).toEqual(otherBefore);
      const outbound = (await collect(store, { campaignId: 'spring', kinds: ['outbound'] })).find(
        (event) => event.kind === 'outbound' && event.recipientId !== OTHER,
      );
      expect(outbound).toMatchObject({ metadata: { timeZone: 'Europe/Berlin' } });
      expect(outbound?.recipientId).toMatch(/^erased\./);

      expect(await store.isErased!(`+${PHONE}`)).toBe(true);
      expect(await store.isErased!(USER)).toBe(true);
      expect(await store.isErased!(OTHER)).toBe(false);
      // Erasing again changes nothing and writes no new tombstone.
      expect(await store.eraseRecipient!(PHONE)).toEqual({
        ids: 1,
        eventsRewritten: 0,
        eventsDeleted: 0,
        tombstones: 0,
      });
    });

    it('keeps the tombstone: the queue skips an erased person (reason erased) and the suppression list blocks them', async () => {
      const store = await fresh();
      await store.append(EVENTS);
      await store.eraseRecipient!(PHONE);
      const { client, calls } = scriptedClient();
      const queue = new SendQueue({ client, store, perRecipientIntervalMs: 0 });
      try {
        const outcomes = await Promise.all([
          queue.enqueue(msg.template(`+${PHONE}`, 'sale', 'en')),
          queue.enqueue(msg.text(`+${PHONE}`, 'a service reply')),
          queue.enqueue(msg.template(OTHER, 'sale', 'en')),
        ]);
        expect(outcomes.map((o) => [o.status, o.reason])).toEqual([
          ['skipped', 'erased'],
          ['skipped', 'erased'],
          ['sent', undefined],
        ]);
        expect(calls.map((call) => call.to)).toEqual([OTHER]);
      } finally {
        await queue.close();
      }
      const list = new StoreSuppressionList({ store });
      expect(await list.status(PHONE)).toMatchObject({ suppressed: true, reason: 'erased' });
      expect(await list.isSuppressed(OTHER)).toBe(false);
    });

    it('removes an event that, once anonymous, repeats another of the person (one opt-out seen under both ids)', async () => {
      const store = await fresh();
      await store.append([
        { kind: 'status', messageId: WAMID, status: 'sent', at: at(0), recipientId: PHONE, userId: USER },
        { kind: 'opt_out', recipientId: PHONE, at: at(1), source: 'keyword' },
        { kind: 'opt_out', recipientId: USER, at: at(1), source: 'keyword' },
        { kind: 'opt_out', recipientId: OTHER, at: at(1), source: 'keyword' },
      ]);
      expect(await store.eraseRecipient!(PHONE)).toEqual({
        ids: 2,
        eventsRewritten: 2,
        eventsDeleted: 1,
        tombstones: 2,
      });
      const left = await collect(store);
      expect(left.map((event) => event.kind).sort()).toEqual(['opt_out', 'opt_out', 'status']);
      expect(JSON.stringify(left)).not.toContain(PHONE);
      expect(await collect(store, { recipientIds: [OTHER] })).toHaveLength(1);
    });

    it('purges events before the retention limit, keeping the consent record and tombstones', async () => {
      const store = await fresh();
      await store.append(EVENTS);
      await store.eraseRecipient!(OTHER);
      const summary = await store.purge!({ before: at(3) });
      // Before at(3): 2 outbound, 2 delivered + 1 read status; the opt_in (at -60) stays.
      expect(summary).toEqual({ deleted: 5, byKind: { outbound: 2, status: 3 } });
      const left = await collect(store);
      expect(left.every((event) => event.at >= at(3) || event.kind === 'opt_in')).toBe(true);
      expect(left.filter((event) => event.kind === 'opt_in')).toHaveLength(1);
      expect(left).toHaveLength(EVENTS.length - 5);
      expect(await store.isErased!(OTHER)).toBe(true);
      const metrics = await computeCampaignMetrics(store, { campaignId: 'spring' });
      expect(metrics.sent).toBe(0);
      expect(await store.purge!({ before: at(3) })).toEqual({ deleted: 0, byKind: {} });
      await expect(store.purge!({ before: new Date(Number.NaN) })).rejects.toThrow(ConfigError);
    });

    it('stores held_out events once per campaign and recipient', async () => {
      const store = await fresh();
      const held: StoredEvent = {
        kind: 'held_out',
        recipientId: `+${PHONE}`,
        at: at(0),
        campaignId: 'spring',
      };
      await store.append([held, { ...held, recipientId: PHONE, at: at(1) }]);
      await store.append([{ ...held, variant: 'A' }]);
      const stored = await collect(store, { campaignId: 'spring', kinds: ['held_out'] });
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ kind: 'held_out', campaignId: 'spring', at: at(0) });
      expect(await collect(store, { recipientIds: [PHONE] })).toHaveLength(1);
    });
  });
}

/** The SQL stores' extra rule: no key, no erasure. */
export function describeErasureKeyRequired(name: string, makeStore: () => Promise<PrivacyStore>): void {
  it(`${name}: eraseRecipient without an erasure key throws ConfigError (option erasureKey)`, async () => {
    const store = await makeStore();
    try {
      await store.append(EVENTS);
      const error = await store.eraseRecipient!(PHONE).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).option).toBe('erasureKey');
      expect(await store.isErased!(PHONE)).toBe(false);
      expect(await collect(store, { recipientIds: [PHONE] })).not.toEqual([]);
    } finally {
      await store.close?.();
    }
  });
}
