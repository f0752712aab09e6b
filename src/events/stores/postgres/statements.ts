import { EVENT_COLUMN_TYPES, EVENT_COLUMNS } from '../sql/event-row.js';
import { quoteIdentifier } from '../sql/identifier.js';
import { identityLinksTableName } from '../sql/identity-links-sql.js';
import { mergeStatusRollupSql, STATUS_ROLLUP_COLUMNS, statusRollupTableName } from '../sql/status-rollup.js';

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
  /** Inserts the events of one JSON-array parameter (`$1`), skipping those already stored. */
  readonly insertEvents: string;
  /** Merges the status rollups of one JSON-array parameter (`$1`, `$2`, ...) into the rollup table. */
  upsertRollups(parameter: string): string;
}

/** How each column is read from one row of the batch (a JSON array of the row's values). */
function jsonColumn(type: (typeof EVENT_COLUMN_TYPES)[number], index: number): string {
  const text = `r->>${index}`;
  switch (type) {
    case 'text':
      return text;
    case 'at':
      // Exact integer milliseconds (a float division could round to a neighbouring microsecond).
      return `'epoch'::timestamptz + (${text})::bigint * interval '1 millisecond'`;
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

/** Columns read back, with `at` as epoch ms and `extra` as text so custom pg type parsers cannot interfere. */
function selectColumns(alias: string): string {
  return [
    `${alias}.id::text AS id`,
    ...EVENT_COLUMNS.map((column) => {
      if (column === 'at') return `floor(extract(epoch FROM ${alias}.at) * 1000)::float8 AS at`;
      if (column === 'extra') return `${alias}.extra::text AS extra`;
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
  const columns = EVENT_COLUMN_TYPES.map((type, i) => jsonColumn(type, i)).join(', ');
  const rollupValues = STATUS_ROLLUP_COLUMNS.map((column, i) =>
    column.startsWith('category_') ? `r->>${i + 1}` : `(r->>${i + 1})::int4`,
  );
  return {
    table,
    rollupTable,
    identityTable: qualify(identityLinksTableName(tableName), 63),
    eventColumns: selectColumns('e'),
    insertEvents: `INSERT INTO ${table} (${EVENT_COLUMNS.join(', ')})
      SELECT ${columns} FROM jsonb_array_elements($1::jsonb) AS r ON CONFLICT (event_key) DO NOTHING`,
    // Sorted by message id, so concurrent appends lock rollup rows in one order and cannot deadlock there.
    upsertRollups: (
      parameter,
    ) => `INSERT INTO ${rollupTable} AS stored (message_id, ${STATUS_ROLLUP_COLUMNS.join(', ')})
      SELECT r->>0, ${rollupValues.join(', ')} FROM jsonb_array_elements(${parameter}::jsonb) AS r ORDER BY 1
      ${mergeStatusRollupSql('postgres')}`,
  };
}
