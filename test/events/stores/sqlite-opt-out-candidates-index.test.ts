import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/events/stored-event.js';
import { EVENT_COLUMNS, toEventRow } from '../../../src/events/stores/sql/event-row.js';
import { migrateSqlite, SQLITE_SCHEMA_VERSION } from '../../../src/events/stores/sql/sqlite-schema.js';
import { backfillStatusRollupSql } from '../../../src/events/stores/sql/status-rollup.js';
import { SqliteEventStore } from '../../../src/events/stores/sqlite.js';
import { expectOptOutMetricsOfMemory, OPT_OUT_EVENTS, T0 } from './sql/opt-out-candidates-fixture.js';

const events = [...OPT_OUT_EVENTS];

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
    await expectOptOutMetricsOfMemory(new SqliteEventStore({ database: db }));
    db.close();
  });

  it('indexes an empty version-6 table; appends after it are found, the metrics the memory store’s', async () => {
    const db = version6Database([]);
    const store = new SqliteEventStore({ database: db });
    await store.append(events);
    expect(shortBranchPlan(db)).toContain('USING COVERING INDEX wacloud_events_optout_idx');
    await expectOptOutMetricsOfMemory(store);
    db.close();
  });
});
