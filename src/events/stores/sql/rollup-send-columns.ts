import type pg from 'pg';
import { STATUS_ROLLUP_COLUMNS } from './status-rollup.js';

/*
 * The schema step that gives the status rollup its send columns (campaign_id, sent_at: see
 * ROLLUP_SEND_COLUMNS) and fills them from the `outbound` events already stored, with an index for a
 * range of send times. Afterwards every store write keeps them (the outbound fills them, whether its
 * message's row exists yet or not), so a summary of the sends in a range reads the rollup alone.
 */

/** Each message's send among the stored events: its campaign and earliest `outbound` time. */
function sendsSql(events: string): string {
  return `SELECT message_id, min(campaign_id) AS campaign_id, min(at) AS sent_at FROM ${events}
    WHERE kind = 'outbound' AND campaign_id IS NOT NULL AND message_id IS NOT NULL
    GROUP BY message_id`;
}

/** The index of the rollup's sends by time (the campaign summary's range). */
export function sentAtIndexSql(rollupName: string, rollup: string): string {
  return `CREATE INDEX "${rollupName}_sent_idx" ON ${rollup} (sent_at) WHERE campaign_id IS NOT NULL`;
}

/**
 * The partial index of the `send_failed` events by time, with their campaign (the campaign summary's
 * `rejected` reads it alone: an index-only scan on PostgreSQL): few rows, so cheap to build and keep up.
 */
export function sendFailedIndexSql(name: string, events: string): string {
  return `CREATE INDEX "${name}_send_failed_idx" ON ${events} (at, campaign_id) WHERE kind = 'send_failed'`;
}

/**
 * PostgreSQL: the rollup rebuilt with the send columns in one pass (a copy joined with the sends, rather
 * than an `UPDATE` of every row, which would leave the table twice its size until a vacuum), then its
 * primary key and the send-time index; and the `send_failed` index on the events. Then
 * {@link analyzeRebuiltRollup}. `schema`/`name` unquoted (checked identifiers); `events` quoted.
 */
export function addRollupSendColumnsPostgres(
  schema: string,
  name: string,
  rollupName: string,
  events: string,
): string[] {
  const rollup = `"${schema}"."${rollupName}"`;
  // A fixed short name (the migration holds the schema's advisory lock): a suffixed one could be truncated back to the rollup's.
  const building = `"${schema}"."wacloud_rollup_rebuild"`;
  const status = STATUS_ROLLUP_COLUMNS.map((column) =>
    ['failed_seen', 'opt_out_error', 'billable_seen'].includes(column)
      ? `coalesce(r.${column}, 0)`
      : `r.${column}`,
  );
  return [
    `CREATE TABLE ${building} (LIKE ${rollup} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
    `ALTER TABLE ${building} ADD COLUMN campaign_id text COLLATE "C", ADD COLUMN sent_at timestamptz`,
    `INSERT INTO ${building} (message_id, ${STATUS_ROLLUP_COLUMNS.join(', ')}, campaign_id, sent_at)
      SELECT coalesce(r.message_id, s.message_id), ${status.join(', ')}, s.campaign_id, s.sent_at
      FROM ${rollup} r FULL JOIN (${sendsSql(events)}) s ON s.message_id = r.message_id`,
    `DROP TABLE ${rollup}`,
    `ALTER TABLE ${building} RENAME TO "${rollupName}"`,
    `ALTER TABLE ${rollup} ADD PRIMARY KEY (message_id)`,
    sentAtIndexSql(rollupName, rollup),
    sendFailedIndexSql(name, events),
  ];
}

/** SQLite: the two columns added, filled from the sends (an upsert), the send-time and `send_failed` indexes. */
export function addRollupSendColumnsSqlite(name: string, rollupName: string, events: string): string[] {
  const rollup = `"${rollupName}"`;
  return [
    `ALTER TABLE ${rollup} ADD COLUMN campaign_id TEXT`,
    `ALTER TABLE ${rollup} ADD COLUMN sent_at INTEGER`,
    `INSERT INTO ${rollup} (message_id, max_rank, failed_seen, min_error, opt_out_error, billable_seen,
        category_sent, category_later, campaign_id, sent_at)
      SELECT message_id, NULL, 0, NULL, 0, 0, NULL, NULL, campaign_id, sent_at FROM (${sendsSql(events)}) WHERE true
      ON CONFLICT (message_id) DO UPDATE SET campaign_id = excluded.campaign_id, sent_at = excluded.sent_at`,
    sentAtIndexSql(rollupName, rollup),
    sendFailedIndexSql(name, events),
  ];
}

/**
 * PostgreSQL, after {@link addRollupSendColumnsPostgres}: ANALYZE of the rebuilt rollup when it holds
 * rows. The new table has no statistics, and the store's own refresh (`analyze: 'auto'`) watches the
 * events table only, which the step did not change: without this the planner would guess a few thousand
 * rows for a month of sends. An empty table (a new store) is left alone, so `analyze: 'off'` sees no
 * ANALYZE on a fresh schema.
 */
export async function analyzeRebuiltRollup(
  client: pg.ClientBase,
  schema: string,
  rollupName: string,
): Promise<void> {
  const rollup = `"${schema}"."${rollupName}"`;
  const { rows } = await client.query(`SELECT 1 FROM ${rollup} LIMIT 1`);
  if (rows.length > 0) await client.query(`ANALYZE ${rollup}`);
}
