import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/events/event-store.js';
import { recipientCountry } from '../../src/events/recipient-country.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import type { MetricsGroupBy } from '../../src/metrics/metrics-types.js';
import { RecipientClock } from '../../src/metrics/recipient-local-time.js';

// Monday 5 January 2026, 10:30 UTC (winter: Berlin UTC+1, New York UTC−5, Jamaica UTC−5, Tokyo UTC+9).
const SENT = new Date(Date.UTC(2026, 0, 5, 10, 30));

const sends: StoredEvent[] = [
  {
    kind: 'outbound',
    messageId: 'm.de',
    recipientId: '+49 1512 3456789',
    at: SENT,
    campaignId: 'c',
    templateName: 'spring',
  },
  {
    kind: 'outbound',
    messageId: 'm.us',
    recipientId: '16502345678',
    at: SENT,
    campaignId: 'c',
    templateName: 'spring',
  },
  { kind: 'outbound', messageId: 'm.jm', recipientId: '18762345678', at: SENT, campaignId: 'c' },
  {
    kind: 'outbound',
    messageId: 'm.us.tokyo',
    recipientId: '+1 650 234 5679',
    at: SENT,
    campaignId: 'c',
    templateName: 'reminder',
    metadata: { timeZone: 'Asia/Tokyo' },
  },
  {
    kind: 'outbound',
    messageId: 'm.bsuid',
    recipientId: 'US.13491208655302741918',
    at: SENT,
    campaignId: 'c',
  },
  { kind: 'send_failed', recipientId: '+919876543210', at: SENT, campaignId: 'c', errorCode: 131026 },
  { kind: 'status', messageId: 'm.de', status: 'read', at: new Date(SENT.getTime() + 60_000) },
  { kind: 'status', messageId: 'm.us', status: 'delivered', at: new Date(SENT.getTime() + 60_000) },
  { kind: 'click', messageId: 'm.jm', at: new Date(SENT.getTime() + 120_000) },
];

function groupsOf(metrics: Awaited<ReturnType<typeof computeCampaignMetrics>>) {
  return Object.fromEntries((metrics.groups ?? []).map((g) => [g.key, [g.metrics.sent, g.metrics.rejected]]));
}

async function grouped(store: EventStore, groupBy: MetricsGroupBy) {
  return groupsOf(
    await computeCampaignMetrics(store, { campaignId: 'c', groupBy, timeZone: 'America/New_York' }),
  );
}

for (const [name, open] of [
  ['memory', () => new MemoryEventStore()],
  ['SQLite', () => new SqliteEventStore({ filename: ':memory:' })],
] as const) {
  describe(`groupBy by recipient (${name})`, () => {
    it('groups by the local hour and weekday: record zone, one-zone country, else timeZone', async () => {
      const store: EventStore = open();
      await store.append(sends);
      // DE 11:30 Berlin; JM 05:30; US (several zones) and the user id: New York 05:30; record: Tokyo 19:30;
      // India (refused) 16:00.
      expect(await grouped(store, 'hour')).toEqual({
        '05': [3, 0],
        '11': [1, 0],
        '16': [0, 1],
        '19': [1, 0],
      });
      expect(await grouped(store, 'weekday')).toEqual({ '1 Mon': [5, 1] });
    });

    it('groups by template and by country', async () => {
      const store: EventStore = open();
      await store.append(sends);
      expect(await grouped(store, 'template')).toEqual({
        '(none)': [2, 1],
        reminder: [1, 0],
        spring: [2, 0],
      });
      expect(await grouped(store, 'country')).toEqual({
        DE: [1, 0],
        IN: [0, 1],
        JM: [1, 0],
        US: [2, 0],
        unknown: [1, 0],
      });
    });
  });
}

describe('recipient country and local time', () => {
  it('places numbers by calling code, shared codes by the number, user ids nowhere', () => {
    expect(recipientCountry('+49 1512 3456789')).toBe('DE');
    expect(recipientCountry('14165550123')).toBe('CA');
    expect(recipientCountry('447781123456')).toBe('GG');
    expect(recipientCountry('447000000000')).toBe('GB'); // unplaceable: the code's main country
    expect(recipientCountry('+999123')).toBe('unknown');
    expect(recipientCountry('US.13491208655302741918')).toBe('unknown');
  });

  it('crosses midnight into the next weekday in the recipient zone', () => {
    const clock = new RecipientClock('UTC');
    const lateSunday = new Date(Date.UTC(2026, 0, 4, 20, 0)); // Sunday 20:00 UTC = Monday 01:30 in India
    expect(clock.localKeys('+919876543210', lateSunday)).toEqual({ hour: '01', weekday: '1 Mon' });
    expect(clock.localKeys('US.1', lateSunday)).toEqual({ hour: '20', weekday: '7 Sun' });
    expect(clock.zoneOf('16502345678', lateSunday, 'Not/AZone')).toBe('UTC');
  });
});
