import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import type { EventStore } from '../../src/events/event-store.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { computeServiceMetrics } from '../../src/metrics/service-metrics.js';

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

for (const [name, open] of [
  ['memory', () => new MemoryEventStore()],
  ['SQLite', () => new SqliteEventStore({ filename: ':memory:' })],
] as const) {
  describe(`computeServiceMetrics (${name})`, () => {
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
  });
}
