import { sentAtIndexSql } from './rollup-send-columns.js';
import { STATUS_ROLLUP_COLUMNS } from './status-rollup.js';

/*
 * The schema step (PostgreSQL v8, SQLite v6) that gives the status rollup the rest of a campaign send:
 * the outbound's recipient key, variant and segment, filled from the `outbound` events already stored,
 * with an index of each campaign's sends by time. Afterwards every store write keeps them, as it keeps
 * the campaign and send time (v7/v5), so the SQL attribution reads a campaign's sends from the rollup
 * alone: no join of the campaign's outbound events with the whole rollup.
 */

/** The rollup's columns the step adds, in `ROLLUP_SEND_COLUMNS` order. */
const ADDED = ['recipient_key', 'variant', 'segment'] as const;

/** The index of a campaign's sends by time (the attribution's `sends`). */
export function campaignSendsIndexSql(rollupName: string, rollup: string): string {
  return `CREATE INDEX "${rollupName}_campaign_idx" ON ${rollup} (campaign_id, sent_at) WHERE campaign_id IS NOT NULL`;
}

/**
 * The outbound event of each rollup row `r` that has a campaign: a message has at most one (its key is
 * the message id), so the join adds no row.
 */
function outboundJoinSql(events: string): string {
  return `LEFT JOIN ${events} o ON r.campaign_id IS NOT NULL AND o.kind = 'outbound' AND o.message_id = r.message_id`;
}

/**
 * PostgreSQL: the rollup rebuilt with the three columns in one pass (a copy joined with the outbound
 * events, rather than an `UPDATE` of every send's row, which would leave the table about twice its size
 * until a vacuum), then its primary key and both send indexes. Then `analyzeRebuiltRollup`.
 * `schema` unquoted (a checked identifier); `events` quoted.
 */
export function addRollupRecipientColumnsPostgres(
  schema: string,
  rollupName: string,
  events: string,
): string[] {
  const rollup = `"${schema}"."${rollupName}"`;
  // A fixed short name (the migration holds the schema's advisory lock), as the v7 step's.
  const building = `"${schema}"."wacloud_rollup_rebuild"`;
  const kept = ['message_id', ...STATUS_ROLLUP_COLUMNS, 'campaign_id', 'sent_at'];
  return [
    `CREATE TABLE ${building} (LIKE ${rollup} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
    `ALTER TABLE ${building} ADD COLUMN recipient_key text COLLATE "C", ADD COLUMN variant text, ADD COLUMN segment text`,
    `INSERT INTO ${building} (${[...kept, ...ADDED].join(', ')})
      SELECT ${[...kept.map((c) => `r.${c}`), ...ADDED.map((c) => `o.${c}`)].join(', ')}
      FROM ${rollup} r ${outboundJoinSql(events)}`,
    `DROP TABLE ${rollup}`,
    `ALTER TABLE ${building} RENAME TO "${rollupName}"`,
    `ALTER TABLE ${rollup} ADD PRIMARY KEY (message_id)`,
    sentAtIndexSql(rollupName, rollup),
    campaignSendsIndexSql(rollupName, rollup),
  ];
}

/** SQLite: the three columns added, filled from the outbound events (an `UPDATE ... FROM`), and the index. */
export function addRollupRecipientColumnsSqlite(rollupName: string, events: string): string[] {
  const rollup = `"${rollupName}"`;
  return [
    ...ADDED.map((column) => `ALTER TABLE ${rollup} ADD COLUMN ${column} TEXT`),
    `UPDATE ${rollup} SET ${ADDED.map((c) => `${c} = o.${c}`).join(', ')}
      FROM ${events} o
      WHERE ${rollup}.campaign_id IS NOT NULL AND o.kind = 'outbound' AND o.message_id = ${rollup}.message_id`,
    campaignSendsIndexSql(rollupName, rollup),
  ];
}
