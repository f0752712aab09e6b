import { emptyStatusSummary, type StatusSummary } from '../../../metrics/status-fold.js';
import { packedStatusRollupSql, readPackedStatusRollup } from './status-rollup.js';

/** Message ids per statement. */
const CHUNK = 5000;

/**
 * The status rollups of `messageIds` on PostgreSQL (see `status-rollup.ts`), read packed as the SQL
 * metrics read them ({@link packedStatusRollupSql}): one entry per message that has a rollup row.
 * `rollup` is the quoted rollup table; `select` runs a statement and resolves its rows as arrays.
 */
export async function readStatusSummariesPostgres(
  rollup: string,
  messageIds: readonly string[],
  select: (sql: string, values: unknown[]) => Promise<unknown[][]>,
): Promise<Map<string, StatusSummary>> {
  const summaries = new Map<string, StatusSummary>();
  const sql = `SELECT r.message_id, ${packedStatusRollupSql('r')} FROM ${rollup} r WHERE r.message_id = ANY($1::text[])`;
  for (let i = 0; i < messageIds.length; i += CHUNK) {
    for (const row of await select(sql, [messageIds.slice(i, i + CHUNK)])) {
      const summary = emptyStatusSummary();
      if (readPackedStatusRollup(row, 1, summary)) summaries.set(String(row[0]), summary);
    }
  }
  return summaries;
}
