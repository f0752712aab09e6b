import type pg from 'pg';
import { cheaperEventIndexStatements } from '../postgres/cheaper-event-indexes.js';
import { heldOutIndexStatement } from '../postgres/held-out-index.js';
import { rekeyTriggerStatements } from '../postgres/monthly-partitions.js';
import { partitionEventsTable } from '../postgres/partition-migration.js';
import { withClientTransaction } from '../postgres/transaction.js';
import { createTombstonesSql, tombstoneTableName } from './erasure-sql.js';
import { eventIndexStatements } from './event-indexes.js';
import { createIdentityLinksSql, identityLinksTableName } from './identity-links-sql.js';
import { optOutIndexStatements } from './opt-out-candidates-index.js';
import { addRollupRecipientColumnsPostgres } from './rollup-recipient-columns.js';
import { addRollupSendColumnsPostgres, analyzeRebuiltRollup } from './rollup-send-columns.js';
import { backfillStatusRollupSql, createStatusRollupSql, statusRollupTableName } from './status-rollup.js';

/** The table (in the store's schema) that records which version each wacloud event table is at. */
export const POSTGRES_VERSION_TABLE = 'wacloud_schema_version';

/** One schema step: what brings a table from `version - 1` to `version` (statements, or a function run in the transaction). */
interface PostgresMigration {
  readonly version: number;
  readonly statements: (table: string, name: string, schema: string) => string[];
  readonly run?: (client: pg.ClientBase, name: string, schema: string) => Promise<void>;
}

/**
 * Every schema version in order. Append new steps; never edit a released one. Id columns use the "C"
 * collation: byte comparisons make their btree indexes several times cheaper to maintain than a locale's.
 */
const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    statements: (table, name) => [
      `CREATE TABLE ${table} (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_key text COLLATE "C" NOT NULL,
        kind text NOT NULL,
        at timestamptz NOT NULL,
        recipient_key text COLLATE "C",
        message_id text COLLATE "C",
        recipient_id text,
        campaign_id text COLLATE "C",
        variant text,
        segment text,
        status text,
        error_code integer,
        context_message_id text COLLATE "C",
        button_payload text,
        message_text text,
        conversion_value double precision,
        currency text,
        pricing_category text,
        pricing_type text,
        pricing_billable boolean,
        extra jsonb,
        CONSTRAINT "${name}_event_key_key" UNIQUE (event_key)
      )`,
      ...eventIndexStatements(table, name),
    ],
  },
  {
    // Metrics read one rollup row per message instead of folding its statuses.
    version: 2,
    statements: (table, name, schema) => {
      const rollup = `"${schema}"."${statusRollupTableName(name)}"`;
      return [createStatusRollupSql(rollup, 'postgres'), backfillStatusRollupSql(rollup, table, 'postgres')];
    },
  },
  {
    // Which phone numbers and business-scoped user ids are one person. Events stored before this
    // version carry no user ids (the webhook handler did not keep them), so there is nothing to backfill.
    version: 3,
    statements: (_table, name, schema) => [
      createIdentityLinksSql(`"${schema}"."${identityLinksTableName(name)}"`, 'postgres'),
    ],
  },
  {
    // Partitioned by month of `at`, the idempotency keys in their own table (see partitionEventsTable).
    version: 4,
    statements: () => [],
    run: (client, name, schema) => partitionEventsTable(client, { schema, name }),
  },
  {
    // Keyed-hash tombstones of erased people (`eraseRecipient`), so they stay skipped; an erasure
    // rewrites an event's key, and the key table follows it.
    version: 5,
    statements: (_table, name, schema) => [
      createTombstonesSql(`"${schema}"."${tombstoneTableName(name)}"`, 'postgres'),
      ...rekeyTriggerStatements({ schema, name }),
    ],
  },
  {
    // Cheaper indexes to keep up on ingest: a hash index on message_id, the recipient index partial.
    version: 6,
    statements: (_table, name, schema) => cheaperEventIndexStatements(schema, name),
  },
  {
    // The rollup carries each message's campaign and send time (filled from the outbound events), so
    // summarizeCampaigns reads a range of sends from the rollup alone.
    version: 7,
    statements: (table, name, schema) =>
      addRollupSendColumnsPostgres(schema, name, statusRollupTableName(name), table),
    run: (client, name, schema) => analyzeRebuiltRollup(client, schema, statusRollupTableName(name)),
  },
  {
    // The rollup carries the rest of each campaign send (recipient key, variant, segment), so the SQL
    // attribution reads a campaign's sends from the rollup alone, by a (campaign, send time) index.
    version: 8,
    statements: (table, name, schema) =>
      addRollupRecipientColumnsPostgres(schema, statusRollupTableName(name), table),
    run: (client, name, schema) => analyzeRebuiltRollup(client, schema, statusRollupTableName(name)),
  },
  {
    // A campaign's opt-out candidates (the distinct short payloads and texts of the replies since its
    // first send) read from a covering partial index of the inbound rows, not the table's pages.
    version: 9,
    statements: (table, name) => optOutIndexStatements('postgres', table, name),
  },
  {
    // The `held_out` events by campaign: the holdout lift's page of a campaign without a holdout read the
    // whole table to find none.
    version: 10,
    statements: (table, name) => [heldOutIndexStatement(table, name)],
  },
];

/** The schema version this build of wacloud writes. */
export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.length;

/**
 * Brings the event table up to {@link POSTGRES_SCHEMA_VERSION} (or `targetVersion`, for tests of later
 * steps) in one transaction holding an advisory lock on the schema's name, so processes starting at once
 * apply each step exactly once (the others wait, then find the work done). Returns the version the table
 * was at before.
 */
export async function migratePostgres(
  client: pg.ClientBase,
  schema: string,
  name: string,
  targetVersion: number = POSTGRES_SCHEMA_VERSION,
): Promise<number> {
  const qualified = `"${schema}"."${name}"`;
  const versions = `"${schema}".${POSTGRES_VERSION_TABLE}`;
  return withClientTransaction(client, async () => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`wacloud:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${versions} (
    table_name text PRIMARY KEY,
    version integer NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
    const result = await client.query<{ version: number }>(
      `SELECT version FROM ${versions} WHERE table_name = $1`,
      [name],
    );
    const current = result.rows[0]?.version ?? 0;
    for (const migration of POSTGRES_MIGRATIONS) {
      if (migration.version <= current || migration.version > targetVersion) continue;
      for (const statement of migration.statements(qualified, name, schema)) await client.query(statement);
      await migration.run?.(client, name, schema);
    }
    if (current < targetVersion) {
      await client.query(
        `INSERT INTO ${versions} (table_name, version) VALUES ($1, $2)
       ON CONFLICT (table_name) DO UPDATE SET version = excluded.version, applied_at = now()`,
        [name, targetVersion],
      );
    }
    return current;
  });
}
