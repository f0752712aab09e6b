import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/events/stored-event.js';
import { MemoryEventStore } from '../../../src/events/stores/memory.js';
import { EVENT_COLUMNS, toEventRow } from '../../../src/events/stores/sql/event-row.js';
import { migrateSqlite, SQLITE_SCHEMA_VERSION } from '../../../src/events/stores/sql/sqlite-schema.js';
import { backfillStatusRollupSql } from '../../../src/events/stores/sql/status-rollup.js';
import { SqliteEventStore } from '../../../src/events/stores/sqlite.js';
import { computeCampaignMetrics } from '../../../src/metrics/compute-campaign-metrics.js';
import type { MetricsQuery } from '../../../src/metrics/metrics-types.js';
import { generateCampaignStream } from './sql/campaign-stream.js';

const T0 = Date.UTC(2026, 1, 27);
const LONG_STOP = `UNSUBSCRIBE_${'x'.repeat(300)}`;

function reply(id: string, recipientId: string, ms: number, fields: Partial<StoredEvent>): StoredEvent {
  return { kind: 'inbound', messageId: id, recipientId, at: new Date(T0 + ms), ...fields } as StoredEvent;
}

/** A generated campaign with replies of every kind the candidates split (see the PostgreSQL test). */
const events: StoredEvent[] = [
  ...generateCampaignStream({ messages: 200, seed: 9, campaignId: 'feb', startMs: T0 }),
  {
    kind: 'outbound',
    messageId: 'wamid.s1',
    recipientId: '905550000001',
    campaignId: 'feb',
    at: new Date(T0),
  },
  {
    kind: 'outbound',
    messageId: 'wamid.s2',
    recipientId: '905550000002',
    campaignId: 'feb',
    at: new Date(T0),
  },
  {
    kind: 'outbound',
    messageId: 'wamid.s3',
    recipientId: '905550000003',
    campaignId: 'feb',
    at: new Date(T0),
  },
  {
    kind: 'outbound',
    messageId: 'wamid.s4',
    recipientId: '905550000004',
    campaignId: 'feb',
    at: new Date(T0),
  },
  reply('wamid.r1', '905550000001', 3 * 86_400_000, { buttonPayload: LONG_STOP, text: 'Stop' }),
  reply('wamid.r2', '905550000002', 60_000, { buttonPayload: 'STOP', text: 'y'.repeat(250) }),
  reply('wamid.r3', '905550000003', 2 * 86_400_000, { text: 'STOP' }),
  reply('wamid.r4', '905550000004', 60_000, { text: `stop ${'z'.repeat(300)}` }),
  reply('wamid.r5', '905550000004', 120_000, { messageType: 'image' } as Partial<StoredEvent>),
];

const QUERIES: MetricsQuery[] = [
  { campaignId: 'feb', optOut: { quickReplyPayloads: [LONG_STOP, 'STOP'] } },
  { campaignId: 'feb', groupBy: 'variant', optOut: { quickReplyPayloads: ['STOP'], keywords: ['stop'] } },
  { campaignId: 'feb', from: new Date(T0 + 3_600_000), optOut: { quickReplyPayloads: [LONG_STOP] } },
  { campaignId: 'feb', groupBy: 'day' },
];

async function expectMetricsOfMemory(store: SqliteEventStore): Promise<void> {
  const memory = new MemoryEventStore();
  await memory.append([...events]);
  for (const query of QUERIES) {
    const metrics = await computeCampaignMetrics(store, query);
    expect(metrics, JSON.stringify(query.optOut)).toEqual(await computeCampaignMetrics(memory, query));
  }
  const first = await computeCampaignMetrics(store, QUERIES[0]!);
  const without = await computeCampaignMetrics(store, {
    ...QUERIES[0]!,
    optOut: { quickReplyPayloads: ['STOP'] },
  });
  expect(first.optedOut).toBe(without.optedOut + 1);
}

/** A version-6 database holding `stored`: version 4's tables as that release stored them, then steps 5 and 6. */
function version6Database(stored: readonly StoredEvent[]): Database.Database {
  const db = new Database(':memory:');
  migrateSqlite(db, 'wacloud_events', 4);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO wacloud_events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
  );
  db.transaction(() => {
    for (const event of stored) {
      insert.run(toEventRow(event).map((value) => (typeof value === 'boolean' ? Number(value) : value)));
    }
  })();
  db.exec(backfillStatusRollupSql('"wacloud_events_status_rollup"', '"wacloud_events"', 'sqlite'));
  expect(migrateSqlite(db, 'wacloud_events', 6)).toBe(4);
  expect(db.prepare("SELECT name FROM sqlite_master WHERE name LIKE '%optout%'").all()).toEqual([]);
  return db;
}

/** SQLite's plan of the candidates' short branch: it reads the covering index alone. */
function shortBranchPlan(db: Database.Database): string {
  const rows = db
    .prepare(
      `EXPLAIN QUERY PLAN SELECT DISTINCT CASE WHEN e.button_payload IS NOT NULL THEN 'p' || e.button_payload
         WHEN e.message_text IS NOT NULL THEN 't' || e.message_text END
       FROM wacloud_events e
       WHERE e.kind = 'inbound'
         AND (e.button_payload IS NOT NULL OR length(e.message_text) <= 200)
         AND coalesce(length(e.button_payload), 0) <= 200 AND coalesce(length(e.message_text), 0) <= 200
         AND e.at >= ?`,
    )
    .all(T0) as { detail: string }[];
  return rows.map((row) => row.detail).join('\n');
}

describe('SQLite schema version 7: the opt-out candidates’ indexes', () => {
  it('indexes a populated version-6 table; the candidates come from the covering index; metrics as the memory store’s', async () => {
    const db = version6Database(events);
    expect(migrateSqlite(db, 'wacloud_events')).toBe(6);
    expect(SQLITE_SCHEMA_VERSION).toBe(7);
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%optout%' ORDER BY name")
      .all();
    expect(indexes).toEqual([
      { name: 'wacloud_events_optout_idx' },
      { name: 'wacloud_events_optout_long_idx' },
    ]);
    expect(shortBranchPlan(db)).toContain('USING COVERING INDEX wacloud_events_optout_idx');
    await expectMetricsOfMemory(new SqliteEventStore({ database: db }));
    db.close();
  });

  it('indexes an empty version-6 table; appends after it are found, the metrics the memory store’s', async () => {
    const db = version6Database([]);
    const store = new SqliteEventStore({ database: db });
    await store.append(events);
    expect(shortBranchPlan(db)).toContain('USING COVERING INDEX wacloud_events_optout_idx');
    await expectMetricsOfMemory(store);
    db.close();
  });
});
