import type BetterSqlite3 from 'better-sqlite3';
import { createTombstonesSql, tombstoneTableName } from './erasure-sql.js';
import { eventIndexStatements } from './event-indexes.js';
import { createIdentityLinksSql, identityLinksTableName } from './identity-links-sql.js';
import { optOutIndexStatements } from './opt-out-candidates-index.js';
import { addRollupRecipientColumnsSqlite } from './rollup-recipient-columns.js';
import { addRollupSendColumnsSqlite } from './rollup-send-columns.js';
import { backfillStatusRollupSql, createStatusRollupSql, statusRollupTableName } from './status-rollup.js';

/** The table that records which schema version each wacloud event table is at. */
export const SQLITE_VERSION_TABLE = 'wacloud_schema_version';

/** One schema step: the statements that bring a table from `version - 1` to `version`. */
interface SqliteMigration {
  readonly version: number;
  readonly statements: (table: string, name: string) => string[];
}

/** Every schema version in order. Append new steps; never edit a released one. */
const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    statements: (table, name) => [
      `CREATE TABLE ${table} (
        id INTEGER PRIMARY KEY,
        event_key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        at INTEGER NOT NULL,
        recipient_key TEXT,
        message_id TEXT,
        recipient_id TEXT,
        campaign_id TEXT,
        variant TEXT,
        segment TEXT,
        status TEXT,
        error_code INTEGER,
        context_message_id TEXT,
        button_payload TEXT,
        message_text TEXT,
        conversion_value REAL,
        currency TEXT,
        pricing_category TEXT,
        pricing_type TEXT,
        pricing_billable INTEGER,
        extra TEXT
      )`,
      ...eventIndexStatements(table, name),
    ],
  },
  {
    // Metrics read one rollup row per message instead of folding its statuses, and a campaign's sends
    // from an index that holds every column they need, already in send order.
    version: 2,
    statements: (table, name) => {
      const rollup = `"${statusRollupTableName(name)}"`;
      return [
        createStatusRollupSql(rollup, 'sqlite'),
        backfillStatusRollupSql(rollup, table, 'sqlite'),
        `CREATE INDEX "${name}_outbound_idx" ON ${table}
          (campaign_id, at, message_id, recipient_id, variant, segment) WHERE kind = 'outbound'`,
      ];
    },
  },
  {
    // Which phone numbers and business-scoped user ids are one person. Events stored before this
    // version carry no user ids (the webhook handler did not keep them), so there is nothing to backfill.
    version: 3,
    statements: (_table, name) => [createIdentityLinksSql(`"${identityLinksTableName(name)}"`, 'sqlite')],
  },
  {
    // Keyed-hash tombstones of erased people (`eraseRecipient`), so they stay skipped.
    version: 4,
    statements: (_table, name) => [createTombstonesSql(`"${tombstoneTableName(name)}"`, 'sqlite')],
  },
  {
    // The rollup carries each message's campaign and send time (filled from the outbound events), so
    // summarizeCampaigns reads a range of sends from the rollup alone.
    version: 5,
    statements: (table, name) => addRollupSendColumnsSqlite(name, statusRollupTableName(name), table),
  },
  {
    // The rollup carries the rest of each campaign send (recipient key, variant, segment), so the SQL
    // attribution reads a campaign's sends from the rollup alone, by a (campaign, send time) index.
    version: 6,
    statements: (table, name) => addRollupRecipientColumnsSqlite(statusRollupTableName(name), table),
  },
  {
    // A campaign's opt-out candidates read from a covering partial index of the inbound rows.
    version: 7,
    statements: (table, name) => optOutIndexStatements('sqlite', table, name),
  },
];

/** The schema version this build of wacloud writes. */
export const SQLITE_SCHEMA_VERSION = SQLITE_MIGRATIONS.length;

/**
 * Brings the event table `name` up to {@link SQLITE_SCHEMA_VERSION} (or `targetVersion`, for tests of
 * later steps) in one `BEGIN IMMEDIATE` transaction, so two processes opening the same file at once apply
 * each step exactly once. Returns the version the table was at before.
 */
export function migrateSqlite(
  db: BetterSqlite3.Database,
  name: string,
  targetVersion: number = SQLITE_SCHEMA_VERSION,
): number {
  const table = `"${name}"`;
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${SQLITE_VERSION_TABLE} (
      table_name TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
    const row = db.prepare(`SELECT version FROM ${SQLITE_VERSION_TABLE} WHERE table_name = ?`).get(name) as
      | { version: number }
      | undefined;
    const current = row?.version ?? 0;
    for (const migration of SQLITE_MIGRATIONS) {
      if (migration.version <= current || migration.version > targetVersion) continue;
      for (const statement of migration.statements(table, name)) db.exec(statement);
    }
    if (current < targetVersion) {
      db.prepare(
        `INSERT INTO ${SQLITE_VERSION_TABLE} (table_name, version, applied_at) VALUES (?, ?, ?)
         ON CONFLICT(table_name) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at`,
      ).run(name, targetVersion, Date.now());
    }
    return current;
  });
  return run.immediate();
}
