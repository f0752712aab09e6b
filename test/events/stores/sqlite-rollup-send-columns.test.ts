import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/events/stored-event.js';
import { MemoryEventStore } from '../../../src/events/stores/memory.js';
import { EVENT_COLUMNS, toEventRow } from '../../../src/events/stores/sql/event-row.js';
import { migrateSqlite, SQLITE_SCHEMA_VERSION } from '../../../src/events/stores/sql/sqlite-schema.js';
import { backfillStatusRollupSql } from '../../../src/events/stores/sql/status-rollup.js';
import { SqliteEventStore } from '../../../src/events/stores/sqlite.js';
import { summarizeCampaigns } from '../../../src/metrics/summarize-campaigns.js';
import { generateCampaignStream } from './sql/campaign-stream.js';

const T0 = Date.UTC(2026, 1, 10);
const events: StoredEvent[] = [
  ...generateCampaignStream({ messages: 200, seed: 11, campaignId: 'feb', startMs: T0 }),
  {
    kind: 'outbound',
    messageId: 'wamid.quiet',
    recipientId: '905550000001',
    campaignId: 'feb',
    at: new Date(T0),
  },
  { kind: 'status', messageId: 'wamid.orphan', status: 'delivered', at: new Date(T0 + 5000) },
  { kind: 'outbound', messageId: 'wamid.direct', recipientId: '905550000002', at: new Date(T0 + 6000) },
];

/** A version-4 database (before the rollup's send columns) holding `events` as that release stored them. */
function version4Database(stored: readonly StoredEvent[]): Database.Database {
  const db = new Database(':memory:');
  expect(migrateSqlite(db, 'wacloud_events', 4)).toBe(0);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO wacloud_events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
  );
  db.transaction(() => {
    for (const event of stored) {
      insert.run(toEventRow(event).map((value) => (typeof value === 'boolean' ? Number(value) : value)));
    }
  })();
  db.exec(backfillStatusRollupSql('"wacloud_events_status_rollup"', '"wacloud_events"', 'sqlite'));
  return db;
}

function sendColumns(db: Database.Database): unknown[] {
  return db
    .prepare('SELECT message_id, campaign_id, sent_at FROM wacloud_events_status_rollup ORDER BY message_id')
    .all();
}

describe('SQLite schema version 5: the rollup’s send columns', () => {
  it('backfills a populated version-4 table as the write path keeps it; the summary is a scan’s', async () => {
    const db = version4Database(events);
    const store = new SqliteEventStore({ database: db });
    expect(db.prepare('SELECT version FROM wacloud_schema_version').all()).toEqual([
      { version: SQLITE_SCHEMA_VERSION },
    ]);
    const written = new SqliteEventStore({ filename: ':memory:' });
    await written.append(events);
    expect(sendColumns(db)).toEqual(sendColumns(written.database));
    expect(
      db.prepare("SELECT * FROM wacloud_events_status_rollup WHERE message_id = 'wamid.quiet'").get(),
    ).toEqual({
      message_id: 'wamid.quiet',
      max_rank: null,
      failed_seen: 0,
      min_error: null,
      opt_out_error: 0,
      billable_seen: 0,
      category_sent: null,
      category_later: null,
      campaign_id: 'feb',
      sent_at: T0,
      // Schema version 6's send columns, filled on the way up.
      recipient_key: '905550000001',
      variant: null,
      segment: null,
    });
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%_sen%' ORDER BY name")
      .all();
    expect(indexes).toEqual([
      { name: 'wacloud_events_send_failed_idx' },
      { name: 'wacloud_events_status_rollup_sent_idx' },
    ]);
    const memory = new MemoryEventStore();
    await memory.append(events);
    expect(await summarizeCampaigns(store, {})).toEqual(await summarizeCampaigns(memory, {}));
    await written.close();
    db.close();
  });

  it('migrates an empty version-4 table, then keeps the send columns on append', async () => {
    const db = version4Database([]);
    const store = new SqliteEventStore({ database: db });
    await store.append(events);
    const written = new SqliteEventStore({ filename: ':memory:' });
    await written.append(events);
    expect(sendColumns(db)).toEqual(sendColumns(written.database));
    expect(sendColumns(db)).toContainEqual({ message_id: 'wamid.quiet', campaign_id: 'feb', sent_at: T0 });
    await written.close();
    db.close();
  });
});
