import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/index.js';
import { EVENT_COLUMNS, toEventRow } from '../../../src/events/stores/sql/event-row.js';
import { migrateSqlite, SQLITE_SCHEMA_VERSION } from '../../../src/events/stores/sql/sqlite-schema.js';
import { SqliteEventStore } from '../../../src/events/stores/sqlite.js';
import { generateCampaignStream } from './sql/campaign-stream.js';
import { referenceFacts } from './sql/reference-facts.js';
import { describeSqlStoreBehaviour } from './sql/sql-store-behaviour.js';
import { describeEventStoreConformance } from './store-conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'wacloud-sqlite-'));
let files = 0;
const tempFile = () => join(dir, `events-${++files}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeEventStoreConformance(
  'SqliteEventStore :memory:',
  async () => new SqliteEventStore({ filename: ':memory:' }),
);
describeEventStoreConformance(
  'SqliteEventStore file (WAL)',
  async () => new SqliteEventStore({ filename: tempFile() }),
);
describeSqlStoreBehaviour('sqlite :memory:', async () => new SqliteEventStore({ filename: ':memory:' }));
describeSqlStoreBehaviour('sqlite file', async () => new SqliteEventStore({ filename: tempFile() }));

describe('SqliteEventStore', () => {
  it('opens a file in WAL mode with synchronous = NORMAL and a 64 MiB page cache (configurable)', async () => {
    const store = new SqliteEventStore({ filename: tempFile() });
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('synchronous', { simple: true })).toBe(1);
    expect(store.database.pragma('cache_size', { simple: true })).toBe(-64 * 1024);
    await store.close();
    expect(store.database.open).toBe(false);
    const small = new SqliteEventStore({ filename: tempFile(), cacheSizeMiB: 8 });
    expect(small.database.pragma('cache_size', { simple: true })).toBe(-8 * 1024);
    await small.close();
    expect(() => new SqliteEventStore({ filename: tempFile(), cacheSizeMiB: 0 })).toThrow(/cacheSizeMiB/);
  });

  it('records its schema version and does not migrate twice; data survives reopening', async () => {
    const filename = tempFile();
    const first = new SqliteEventStore({ filename });
    await first.append([{ kind: 'opt_in', recipientId: 'r', at: new Date(1) }]);
    await first.close();
    const second = new SqliteEventStore({ filename });
    const versions = second.database.prepare('SELECT table_name, version FROM wacloud_schema_version').all();
    expect(versions).toEqual([{ table_name: 'wacloud_events', version: SQLITE_SCHEMA_VERSION }]);
    const events = [];
    for await (const event of second.scan({})) events.push(event);
    expect(events).toEqual([{ kind: 'opt_in', recipientId: 'r', at: new Date(1) }]);
    await second.close();
  });

  it('upgrades a version-1 file: the status rollup is built from the statuses already stored', async () => {
    const filename = tempFile();
    const events = generateCampaignStream({ messages: 400, seed: 37 });
    const v1 = new Database(filename);
    expect(migrateSqlite(v1, 'wacloud_events', 1)).toBe(0);
    const insert = v1.prepare(
      `INSERT OR IGNORE INTO wacloud_events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
    );
    v1.transaction(() => {
      for (const event of events) {
        insert.run(toEventRow(event).map((value) => (typeof value === 'boolean' ? Number(value) : value)));
      }
    })();
    v1.close();
    const store = new SqliteEventStore({ filename });
    const versions = store.database.prepare('SELECT version FROM wacloud_schema_version').all();
    expect(versions).toEqual([{ version: SQLITE_SCHEMA_VERSION }]);
    const rollups = store.database.prepare('SELECT count(*) AS n FROM wacloud_events_status_rollup').get();
    expect(rollups).toEqual({
      // A row per message with statuses or a campaign send (schema 5 fills the sends in).
      n: new Set(
        events.flatMap((e) =>
          e.kind === 'status' || (e.kind === 'outbound' && e.campaignId !== undefined) ? [e.messageId] : [],
        ),
      ).size,
    });
    expect(await store.campaignFacts({ campaignId: 'spring' })).toEqual(
      referenceFacts(events, { campaignId: 'spring' }),
    );
    await store.close();
  });

  it('lets two connections to one file start at once, each migration step applied once', async () => {
    const filename = tempFile();
    const a = new SqliteEventStore({ filename });
    const b = new SqliteEventStore({ filename });
    await Promise.all([
      a.append([{ kind: 'opt_in', recipientId: 'a', at: new Date(1) }]),
      b.append([{ kind: 'opt_in', recipientId: 'b', at: new Date(2) }]),
    ]);
    const count = a.database.prepare('SELECT count(*) AS n FROM wacloud_events').get() as { n: number };
    expect(count.n).toBe(2);
    const indexes = a.database
      .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = 'wacloud_events'")
      .get() as { n: number };
    expect(indexes.n).toBeGreaterThanOrEqual(5);
    await Promise.all([a.close(), b.close()]);
  });

  it('uses a database you pass in, under your table name, and leaves it open', async () => {
    const database = new Database(':memory:');
    const store = new SqliteEventStore({ database, tableName: 'campaign_events' });
    await store.append([{ kind: 'opt_in', recipientId: 'r', at: new Date(1) }]);
    await store.close();
    expect(database.open).toBe(true);
    expect(database.prepare('SELECT count(*) AS n FROM campaign_events').get()).toEqual({ n: 1 });
    database.close();
  });

  it('rejects unknown options, a bad table name, and both or neither of filename/database', () => {
    expect(() => new SqliteEventStore({ filename: ':memory:', tablename: 'x' } as never)).toThrow(
      ConfigError,
    );
    expect(() => new SqliteEventStore({ filename: ':memory:', tableName: 'x; DROP TABLE y' })).toThrow(
      /tableName must be a plain SQL identifier/,
    );
    expect(() => new SqliteEventStore({})).toThrow(ConfigError);
    const database = new Database(':memory:');
    expect(() => new SqliteEventStore({ filename: ':memory:', database })).toThrow(/exactly one/);
    database.close();
  });
});
