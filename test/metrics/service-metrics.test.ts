import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../src/errors/index.js';
import type { EventStore } from '../../src/events/event-store.js';
import { recordOutbound } from '../../src/events/record-outbound.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { PostgresEventStore } from '../../src/events/stores/postgres.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { text } from '../../src/messages/builders/basic-builders.js';
import { template } from '../../src/messages/builders/template-builders.js';
import { computeServiceMetrics } from '../../src/metrics/service-metrics.js';
import { WebhookProcessor } from '../../src/webhooks/processor.js';
import { postgresTestSchema } from '../helpers/postgres-test-schema.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 5, 9); // Monday 09:00 UTC
const at = (minutes: number) => new Date(T0 + minutes * MINUTE);
let n = 0;
const inbound = (who: string, minutes: number, type = 'text'): StoredEvent => ({
  kind: 'inbound',
  messageId: `wamid.in.${n++}`,
  recipientId: who,
  at: at(minutes),
  messageType: type,
  text: 'hi',
});
const reply = (who: string, minutes: number, templateName?: string): StoredEvent => ({
  kind: 'outbound',
  messageId: `wamid.out.${n++}`,
  recipientId: who,
  at: at(minutes),
  ...(templateName ? { templateName } : {}),
});

const repeated = inbound('4915100000004', 0);
const EVENTS: StoredEvent[] = [
  // A: answered after 5 min, last message at 30 min; a second conversation two days later, answered in 60 min.
  inbound('4915100000001', 0),
  reply('+49 151 00000001', 5),
  inbound('4915100000001', 20),
  reply('4915100000001', 30),
  inbound('4915100000001', 48 * 60),
  reply('4915100000001', 48 * 60 + 60),
  // B: a template first (not an answer), then a reply after 20 min.
  inbound('4915100000002', 10),
  reply('4915100000002', 12, 'order_update'),
  reply('4915100000002', 30),
  // C: never answered.
  inbound('4915100000003', 15),
  // D: a retried webhook (same message twice), answered after 1 min; a system message starts nothing.
  repeated,
  repeated,
  reply('4915100000004', 1),
  inbound('4915100000005', 40, 'system'),
  // Before `from` (and more than a quiet period before): not counted.
  inbound('4915100000006', -3 * 24 * 60),
];

const QUERY = { from: at(-60), to: at(3 * 24 * 60), now: at(10 * 24 * 60), targetMs: 15 * MINUTE };

const { available: pgAvailable, schema, pool } = await postgresTestSchema('svc');
let table = 0;

for (const [name, open, runs] of [
  ['memory', () => new MemoryEventStore(), true],
  ['SQLite', () => new SqliteEventStore({ filename: ':memory:' }), true],
  ['PostgreSQL', () => new PostgresEventStore({ pool, schema, tableName: `events_${table++}` }), pgAvailable],
] as const) {
  describe.runIf(runs)(`computeServiceMetrics (${name})`, () => {
    it('measures first-response and resolution time per conversation', async () => {
      const store: EventStore = open();
      await store.append(EVENTS);
      const m = await computeServiceMetrics(store, QUERY);
      expect(m.conversations).toBe(5);
      expect(m.answered).toBe(4);
      expect(m.open).toBe(0);
      // First responses: 1, 5, 20, 60 min → median (nearest rank) 5 min, p90 60 min.
      expect(m.firstResponse).toEqual({ count: 4, medianMs: 5 * MINUTE, p90Ms: 60 * MINUTE });
      // Resolutions: A1 30, A2 60, B 20, C 0, D 1 min.
      expect(m.resolution).toEqual({ count: 5, medianMs: 20 * MINUTE, p90Ms: 60 * MINUTE });
      expect(m.answeredWithinTarget).toBe(2);
      expect(m.withinTargetRate).toBe(2 / 5);

      const byDay = await computeServiceMetrics(store, { ...QUERY, groupBy: 'day', timeZone: 'Asia/Tokyo' });
      expect(byDay.groups?.map((g) => [g.key, g.metrics.conversations])).toEqual([
        ['2026-01-05', 4],
        ['2026-01-07', 1],
      ]);
    });

    it('keeps conversations inside their quiet period open', async () => {
      const store: EventStore = open();
      await store.append(EVENTS);
      const m = await computeServiceMetrics(store, { ...QUERY, now: at(48 * 60 + 90) });
      expect(m.open).toBe(1);
      expect(m.resolution.count).toBe(4);
      await expect(
        computeServiceMetrics(store, { ...QUERY, timeZone: 'Nowhere/City' }),
      ).rejects.toBeInstanceOf(ValidationError);
    });

    it('ends a conversation at its resolved event, and the next message starts a new one', async () => {
      const store: EventStore = open();
      const who = '4915100000007';
      await store.append([
        inbound(who, 0),
        reply(who, 4),
        { kind: 'resolved', recipientId: '+49 151 00000007', at: at(10), source: 'agent' },
        // Within the quiet period of the first conversation, yet a new one: the first was resolved.
        inbound(who, 60),
        reply(who, 62),
        // A resolution with no conversation going on changes nothing.
        { kind: 'resolved', recipientId: '4915100000008', at: at(5) },
      ]);
      // `now` is inside the quiet period of both: without the event, both would be one open conversation.
      const m = await computeServiceMetrics(store, { from: at(-60), to: at(120), now: at(90) });
      expect(m.conversations).toBe(2);
      expect(m.resolvedExplicitly).toBe(1);
      expect(m.open).toBe(1);
      expect(m.resolution).toEqual({ count: 1, medianMs: 10 * MINUTE, p90Ms: 10 * MINUTE });
      expect(m.firstResponse).toEqual({ count: 2, medianMs: 2 * MINUTE, p90Ms: 4 * MINUTE });

      // The same store read back: the resolved event survives the round trip.
      const kinds: string[] = [];
      for await (const e of store.scan({ kinds: ['resolved'] })) kinds.push(`${e.kind}:${e.recipientId}`);
      expect(kinds).toEqual(['resolved:4915100000008', 'resolved:+49 151 00000007']);
    });

    it('counts a reply stored with recordOutbound as the answer (a template is not one)', async () => {
      const store: EventStore = open();
      const who = '4915100000009';
      await store.append([inbound(who, 0)]);
      const notice = template('+4915100000009', 'order_update', 'en');
      await recordOutbound(store, { messageId: 'wamid.tpl.1', input: '+4915100000009' }, notice, {
        at: at(1),
      });
      const answer = text('+4915100000009', 'On its way!');
      const event = await recordOutbound(
        store,
        { messageId: 'wamid.reply.1', input: '+4915100000009', waId: who },
        answer,
        { at: at(7), metadata: { agent: 'a1' } },
      );
      expect(event).toEqual({
        kind: 'outbound',
        messageId: 'wamid.reply.1',
        recipientId: who,
        at: at(7),
        metadata: { agent: 'a1' },
      });
      // Idempotent: recording the same send twice stores one event.
      await recordOutbound(store, { messageId: 'wamid.reply.1', input: who }, answer, { at: at(8) });
      const m = await computeServiceMetrics(store, { from: at(-60), to: at(60), now: at(60 * 48) });
      expect(m.firstResponse).toEqual({ count: 1, medianMs: 7 * MINUTE, p90Ms: 7 * MINUTE });
      const outbound: string[] = [];
      for await (const e of store.scan({ kinds: ['outbound'] })) {
        if (e.kind === 'outbound') outbound.push(`${e.templateName}:${e.messageId}`);
      }
      expect(outbound).toEqual(['order_update:wamid.tpl.1', 'undefined:wamid.reply.1']);

      // Through the webhook processor, with its store.
      const processor = new WebhookProcessor({ store });
      await processor.recordOutbound({ messageId: 'wamid.reply.2', input: who }, answer, { at: at(9) });
      let found = 0;
      for await (const _ of store.scan({ messageIds: ['wamid.reply.2'] })) found++;
      expect(found).toBe(1);
    });
  });
}

describe('recordOutbound', () => {
  it('refuses a result without a message id, bad options, and a processor without a store', async () => {
    const store = new MemoryEventStore();
    await expect(recordOutbound(store, { messageId: '', input: '1' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      recordOutbound(store, { messageId: 'wamid.x', input: '1' }, undefined, { when: new Date() } as never),
    ).rejects.toMatchObject({ option: 'when' });
    await expect(
      new WebhookProcessor().recordOutbound({ messageId: 'wamid.x', input: '1' }),
    ).rejects.toBeInstanceOf(ConfigError);
    let stored = 0;
    for await (const _ of store.scan({})) stored++;
    expect(stored).toBe(0);
  });
});
