import type pg from 'pg';
import type { StoredEvent } from '../../../../src/events/stored-event.js';
import {
  eventKeyHashSql,
  eventKeysTableName,
  MonthPartitions,
} from '../../../../src/events/stores/postgres/monthly-partitions.js';
import { EVENT_COLUMNS, toEventRow } from '../../../../src/events/stores/sql/event-row.js';
import { migratePostgres } from '../../../../src/events/stores/sql/postgres-schema.js';
import {
  backfillStatusRollupSql,
  statusRollupTableName,
} from '../../../../src/events/stores/sql/status-rollup.js';

/**
 * A partitioned table at `version` (5 or 6: before the rollup had send columns) holding `events` as
 * that release's write path left it: the events in their month partitions, their key hashes, and a
 * rollup row per message with statuses only (no row for a send without statuses).
 */
export async function preSendColumnsTable(
  pool: pg.Pool,
  schema: string,
  tableName: string,
  version: number,
  events: readonly StoredEvent[],
): Promise<void> {
  const client = await pool.connect();
  try {
    await migratePostgres(client, schema, tableName, version);
  } finally {
    client.release();
  }
  if (events.length === 0) return;
  await new MonthPartitions({ schema, name: tableName }).ensure(pool, events);
  const table = `"${schema}"."${tableName}"`;
  const width = EVENT_COLUMNS.length;
  // Repeats (by key) stored once, as the key table made sure.
  const byKey = new Map<unknown, ReturnType<typeof toEventRow>>();
  for (const event of events) {
    const row = toEventRow(event);
    if (!byKey.has(row[0])) byKey.set(row[0], row);
  }
  const rows = [...byKey.values()];
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows
      .slice(i, i + 500)
      .map((row) => row.map((value, c) => (EVENT_COLUMNS[c] === 'at' ? new Date(value as number) : value)));
    const tuples = batch.map(
      (_, r) => `(${EVENT_COLUMNS.map((__, c) => `$${r * width + c + 1}`).join(', ')})`,
    );
    await pool.query(
      `INSERT INTO ${table} (${EVENT_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`,
      batch.flat(),
    );
  }
  await pool.query(
    `INSERT INTO "${schema}"."${eventKeysTableName(tableName)}" (key_hash)
     SELECT ${eventKeyHashSql('event_key')} FROM ${table}`,
  );
  await pool.query(
    backfillStatusRollupSql(`"${schema}"."${statusRollupTableName(tableName)}"`, table, 'postgres'),
  );
}
