import { EVENT_COLUMN_TYPES, EVENT_COLUMNS } from '../sql/event-row.js';
import { quoteIdentifier } from '../sql/identifier.js';
import { identityLinksTableName } from '../sql/identity-links-sql.js';
import {
  mergeStatusRollupSql,
  ROLLUP_SEND_COLUMNS,
  STATUS_ROLLUP_COLUMNS,
  statusRollupTableName,
} from '../sql/status-rollup.js';
import { eventKeyHashSql, eventKeysTableName } from './monthly-partitions.js';

/** The quoted names of one PostgreSQL event table and its companion tables, and the SQL written for them. */
export interface PostgresStatements {
  /** `"schema"."table"`: the events. */
  readonly table: string;
  /** The status rollup table (one row per message id, see `status-rollup.ts`). */
  readonly rollupTable: string;
  /** The identity table (which ids are one person, see `identity-links-sql.ts`). */
  readonly identityTable: string;
  /** Select list (table aliased `e`) of every event column, read back as {@link fromEventRow} expects. */
  readonly eventColumns: string;
  /** The idempotency-key table (one row per stored `event_key`, see `partitionEventsTable`). */
  readonly keysTable: string;
  /**
   * One statement that stores the events of `source` whose key is new (key hashes inserted first,
   * sorted so concurrent writers lock them in one order; then the events, in input order so ids follow
   * it) and, with `rollups` (a JSON-array parameter such as `$2`), merges those status rollups. Returns
   * the added keys (`event_key` rows) with `returnKeys`, else one row with their count (`inserted`).
   * `source` is `'json'` (a JSON array of rows as parameter `$1`, no repeated key) or `'stage'` (the
   * session's COPY staging table, {@link COPY_STAGE_TABLE}).
   */
  ingest(source: 'json' | 'stage', options: { rollups?: string; returnKeys: boolean }): string;
  /** Merges the status rollups of one JSON-array parameter (`$1`, `$2`, ...) into the rollup table. */
  upsertRollups(parameter: string): string;
}

/** Exact integer milliseconds to timestamptz (a float division could round to a neighbouring microsecond). */
const EPOCH_MS_TO_TIMESTAMP = (ms: string): string =>
  `'epoch'::timestamptz + ${ms} * interval '1 millisecond'`;

/** How each column is read from one row of the batch (a JSON array of the row's values). */
function jsonColumn(type: (typeof EVENT_COLUMN_TYPES)[number], index: number): string {
  const text = `r->>${index}`;
  switch (type) {
    case 'text':
      return text;
    case 'at':
      return EPOCH_MS_TO_TIMESTAMP(`(${text})::bigint`);
    case 'integer':
      return `(${text})::int4`;
    case 'real':
      return `(${text})::float8`;
    case 'boolean':
      return `(${text})::boolean`;
    case 'json':
      return `(${text})::jsonb`;
  }
}

/**
 * The session's COPY staging table (temporary, emptied at commit), created by {@link createCopyStageSql}.
 * Version 3 carries the key hash computed in Node (`key_hash`); a session that still has version 2
 * (without it) from an older build simply creates this one beside it.
 */
export const COPY_STAGE_TABLE = 'pg_temp.wacloud_event_stage_v3';

/** The staging table's column types, in {@link EVENT_COLUMNS} order after `ord` (`at` as epoch ms). */
function stageColumnType(type: (typeof EVENT_COLUMN_TYPES)[number]): string {
  switch (type) {
    case 'text':
      return 'text COLLATE "C"';
    case 'at':
      return 'bigint';
    case 'integer':
      return 'int4';
    case 'real':
      return 'float8';
    case 'boolean':
      return 'boolean';
    case 'json':
      return 'jsonb';
  }
}

/**
 * `CREATE TEMP TABLE` of {@link COPY_STAGE_TABLE}: `ord` (input order), `key_hash` (the event key's
 * hash, see `eventKeyHash`), then every event column.
 */
export function createCopyStageSql(): string {
  const columns = EVENT_COLUMNS.map((column, i) => `${column} ${stageColumnType(EVENT_COLUMN_TYPES[i]!)}`);
  return `CREATE TEMP TABLE IF NOT EXISTS wacloud_event_stage_v3 (ord int4, key_hash uuid, ${columns.join(', ')}) ON COMMIT DELETE ROWS`;
}

/** The `COPY … FROM STDIN` (text format) that fills the staging table. */
export const COPY_STAGE_SQL = `COPY ${COPY_STAGE_TABLE} (ord, key_hash, ${EVENT_COLUMNS.join(', ')}) FROM STDIN`;

/**
 * Columns read back, with `at` as epoch ms and `extra` as text so custom pg type parsers cannot interfere.
 * `event_key` and `recipient_key` are read as nulls: rebuilding the event needs neither (a reader keys
 * events with `eventKey`), and they are two long strings per row for the driver to decode.
 */
function selectColumns(alias: string): string {
  return [
    `${alias}.id::text AS id`,
    ...EVENT_COLUMNS.map((column) => {
      if (column === 'at') return `floor(extract(epoch FROM ${alias}.at) * 1000)::float8 AS at`;
      if (column === 'extra') return `${alias}.extra::text AS extra`;
      if (column === 'event_key' || column === 'recipient_key') return `NULL::text AS ${column}`;
      return `${alias}.${column}`;
    }),
  ].join(', ');
}

/** The table names and SQL of the event table `tableName` in `schema` (both checked identifiers). */
export function postgresStatements(schema: string, tableName: string): PostgresStatements {
  const qualify = (name: string, maxLength?: number) =>
    `${quoteIdentifier(schema, 'schema')}.${quoteIdentifier(name, 'tableName', maxLength)}`;
  const table = qualify(tableName);
  const rollupTable = qualify(statusRollupTableName(tableName), 63);
  // One JSON parameter per batch: JSON.stringify is native and PostgreSQL parses it once (jsonb), far
  // cheaper than pg's per-element escaping of one array parameter per column.
  const keysTable = qualify(eventKeysTableName(tableName), 63);
  const sources = {
    json: `SELECT b.ord, ${EVENT_COLUMN_TYPES.map((type, i) => `${jsonColumn(type, i)} AS ${EVENT_COLUMNS[i]}`).join(', ')},
        ${eventKeyHashSql('r->>0')} AS key_hash
      FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS b(r, ord)`,
    stage: `SELECT ord, ${EVENT_COLUMNS.map((column) => (column === 'at' ? `${EPOCH_MS_TO_TIMESTAMP('at')} AS at` : column)).join(', ')},
        key_hash
      FROM ${COPY_STAGE_TABLE}`,
  };
  const sendAt = STATUS_ROLLUP_COLUMNS.length + 1;
  const rollupValues = [
    ...STATUS_ROLLUP_COLUMNS.map((column, i) =>
      column.startsWith('category_') ? `r->>${i + 1}` : `(r->>${i + 1})::int4`,
    ),
    `r->>${sendAt}`,
    `${EPOCH_MS_TO_TIMESTAMP(`(r->>${sendAt + 1})::bigint`)}`,
    `r->>${sendAt + 2}`,
    `r->>${sendAt + 3}`,
    `r->>${sendAt + 4}`,
  ];
  const rollupColumns = ['message_id', ...STATUS_ROLLUP_COLUMNS, ...ROLLUP_SEND_COLUMNS].join(', ');
  // Sorted by message id, so concurrent appends lock rollup rows in one order and cannot deadlock there.
  const upsertRollups = (parameter: string) => `INSERT INTO ${rollupTable} AS stored (${rollupColumns})
      SELECT r->>0, ${rollupValues.join(', ')} FROM jsonb_array_elements(${parameter}::jsonb) AS r ORDER BY 1
      ${mergeStatusRollupSql('postgres')}`;
  return {
    table,
    rollupTable,
    identityTable: qualify(identityLinksTableName(tableName), 63),
    eventColumns: selectColumns('e'),
    keysTable,
    ingest: (
      source,
      { rollups, returnKeys },
    ) => `WITH source AS ${source === 'stage' ? 'NOT MATERIALIZED' : 'MATERIALIZED'} (${sources[source]}),
      fresh AS (INSERT INTO ${keysTable} (key_hash)
        SELECT key_hash FROM source ORDER BY key_hash ON CONFLICT DO NOTHING RETURNING key_hash),
      inserted AS (INSERT INTO ${table} (${EVENT_COLUMNS.join(', ')})
        SELECT ${EVENT_COLUMNS.map((column) => `s.${column}`).join(', ')} FROM source s
        WHERE s.key_hash IN (SELECT key_hash FROM fresh) ORDER BY s.ord
        RETURNING ${returnKeys ? 'event_key' : 'NULL'})
      ${rollups === undefined ? '' : `, merged AS (${upsertRollups(rollups)})`}
      ${returnKeys ? 'SELECT event_key FROM inserted' : 'SELECT count(*)::int AS inserted FROM inserted'}`,
    upsertRollups,
  };
}
