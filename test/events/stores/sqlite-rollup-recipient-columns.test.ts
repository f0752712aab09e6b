import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { hashRecipients } from '../../../src/events/hash-recipients.js';
import type { StoredEvent } from '../../../src/events/stored-event.js';
import { MemoryEventStore } from '../../../src/events/stores/memory.js';
import { EVENT_COLUMNS, toEventRow } from '../../../src/events/stores/sql/event-row.js';
import { migrateSqlite, SQLITE_SCHEMA_VERSION } from '../../../src/events/stores/sql/sqlite-schema.js';
import { backfillStatusRollupSql } from '../../../src/events/stores/sql/status-rollup.js';
import { SqliteEventStore } from '../../../src/events/stores/sqlite.js';
import { computeCampaignMetrics } from '../../../src/metrics/compute-campaign-metrics.js';
import type { MetricsQuery } from '../../../src/metrics/metrics-types.js';
import { generateCampaignStream } from './sql/campaign-stream.js';

const T0 = Date.UTC(2026, 1, 10);
const KEY = 'rollup15-erasure-key-0123456789';
const ERASED = '905550000009';
const events: StoredEvent[] = [
  ...generateCampaignStream({ messages: 200, seed: 12, campaignId: 'feb', startMs: T0 }),
  {
    kind: 'outbound',
    messageId: 'wamid.quiet',
    recipientId: '+90 555 000 0009',
    campaignId: 'feb',
    variant: 'A',
    segment: 'vip',
    at: new Date(T0),
  },
  { kind: 'status', messageId: 'wamid.orphan', status: 'delivered', at: new Date(T0 + 5000) },
  { kind: 'outbound', messageId: 'wamid.direct', recipientId: '905550000002', at: new Date(T0 + 6000) },
];

/** A version-5 database holding `events`: version 4's tables as that release stored them, then the v5 step. */
function version5Database(stored: readonly StoredEvent[]): Database.Database {
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
  expect(migrateSqlite(db, 'wacloud_events', 5)).toBe(4);
  return db;
}

function sendRows(db: Database.Database): unknown[] {
  return db
    .prepare(
      `SELECT message_id, campaign_id, sent_at, recipient_key, variant, segment
       FROM wacloud_events_status_rollup ORDER BY message_id`,
    )
    .all();
}

/** Campaign sends whose rollup row differs from their outbound event, and rollup sends without one. */
function mismatches(db: Database.Database): number {
  const row = db
    .prepare(
      `SELECT count(*) AS n FROM wacloud_events_status_rollup r
       FULL JOIN (SELECT * FROM wacloud_events WHERE kind = 'outbound' AND campaign_id IS NOT NULL) o
         ON o.message_id = r.message_id
       WHERE (r.campaign_id IS NOT NULL OR o.message_id IS NOT NULL)
         AND NOT (r.campaign_id IS o.campaign_id AND r.sent_at IS o.at AND r.recipient_key IS o.recipient_key
           AND r.variant IS o.variant AND r.segment IS o.segment)`,
    )
    .get() as { n: number };
  return row.n;
}

async function writtenSendRows(): Promise<unknown[]> {
  const written = new SqliteEventStore({ filename: ':memory:' });
  await written.append(events);
  const rows = sendRows(written.database);
  await written.close();
  return rows;
}

const QUERIES: MetricsQuery[] = [
  { campaignId: 'feb' },
  { campaignId: 'feb', groupBy: 'variant' },
  { campaignId: 'feb', groupBy: 'segment' },
  { campaignId: 'feb', groupBy: 'day', timeZone: 'America/New_York' },
  { campaignId: 'feb', groupBy: 'template' },
  { campaignId: 'feb', from: new Date(T0 + 3_600_000), to: new Date(T0 + 86_400_000) },
];

describe('SQLite schema version 6: the rollup’s recipient, variant, segment', () => {
  it('backfills a populated version-5 table as the write path keeps it; metrics as the memory store’s', async () => {
    const db = version5Database(events);
    const store = new SqliteEventStore({ database: db });
    expect(SQLITE_SCHEMA_VERSION).toBeGreaterThanOrEqual(6);
    expect(db.prepare('SELECT version FROM wacloud_schema_version').all()).toEqual([
      { version: SQLITE_SCHEMA_VERSION },
    ]);
    expect(sendRows(db)).toEqual(await writtenSendRows());
    expect(mismatches(db)).toBe(0);
    expect(
      db
        .prepare(
          "SELECT recipient_key, variant, segment FROM wacloud_events_status_rollup WHERE message_id = 'wamid.quiet'",
        )
        .get(),
    ).toEqual({ recipient_key: ERASED, variant: 'A', segment: 'vip' });
    const index = db
      .prepare("SELECT sql FROM sqlite_master WHERE name = 'wacloud_events_status_rollup_campaign_idx'")
      .get() as { sql: string };
    expect(index.sql).toMatch(/\(campaign_id, sent_at\) WHERE campaign_id IS NOT NULL$/);
    const memory = new MemoryEventStore();
    await memory.append(events);
    for (const query of QUERIES) {
      expect(await computeCampaignMetrics(store, query), JSON.stringify(query)).toEqual(
        await computeCampaignMetrics(memory, query),
      );
    }
    db.close();
  });

  it('migrates an empty version-5 table, then keeps the columns on append, statuses first or not', async () => {
    const db = version5Database([]);
    const store = new SqliteEventStore({ database: db });
    await store.append(events.filter((e) => e.kind === 'status'));
    await store.append(events);
    expect(sendRows(db)).toEqual(await writtenSendRows());
    expect(mismatches(db)).toBe(0);
    db.close();
  });

  it('rewrites the rollup’s recipient key with the events on eraseRecipient; the metrics stay', async () => {
    const store = new SqliteEventStore({ filename: ':memory:', erasureKey: KEY });
    await store.append(events);
    const before = await computeCampaignMetrics(store, { campaignId: 'feb', groupBy: 'variant' });
    const holding = store.database.prepare(
      'SELECT count(*) AS n FROM wacloud_events_status_rollup WHERE recipient_key = ?',
    );
    expect(holding.get(ERASED)).toEqual({ n: 1 });
    await store.eraseRecipient(ERASED);
    expect(holding.get(ERASED)).toEqual({ n: 0 });
    expect(mismatches(store.database)).toBe(0);
    expect(await computeCampaignMetrics(store, { campaignId: 'feb', groupBy: 'variant' })).toEqual(before);
    await store.close();
  });

  it('holds the pseudonym a hashRecipients store writes, as its events do', async () => {
    const store = new SqliteEventStore({ filename: ':memory:' });
    await hashRecipients(store, { key: KEY }).append(events);
    expect(mismatches(store.database)).toBe(0);
    const plain = store.database
      .prepare(
        "SELECT count(*) AS n FROM wacloud_events_status_rollup WHERE recipient_key IS NOT NULL AND recipient_key NOT LIKE 'h.%'",
      )
      .get();
    expect(plain).toEqual({ n: 0 });
    await store.close();
  });
});
