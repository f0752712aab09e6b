import type { StatusSummary } from '../../../metrics/status-fold.js';
import { STATUS_ROLLUP_COLUMNS } from './status-rollup.js';

/** Message ids per statement. */
const CHUNK = 5000;

/**
 * The status rollups of `messageIds` on PostgreSQL (see `status-rollup.ts`): one row per message that has
 * statuses, read as arrays. Messages without a row have no status. `rollup` is the quoted rollup table;
 * `select` runs a statement and resolves its rows as arrays.
 */
export async function readStatusSummariesPostgres(
  rollup: string,
  messageIds: readonly string[],
  select: (sql: string, values: unknown[]) => Promise<unknown[][]>,
): Promise<Map<string, StatusSummary>> {
  const summaries = new Map<string, StatusSummary>();
  const sql = `SELECT message_id, ${STATUS_ROLLUP_COLUMNS.join(', ')} FROM ${rollup} WHERE message_id = ANY($1::text[])`;
  for (let i = 0; i < messageIds.length; i += CHUNK) {
    for (const row of await select(sql, [messageIds.slice(i, i + CHUNK)])) {
      summaries.set(row[0] as string, {
        maxRank: row[1] === null ? null : Number(row[1]),
        failedSeen: Number(row[2]) === 1 ? 1 : 0,
        minError: row[3] === null ? null : Number(row[3]),
        optOutError: Number(row[4]) === 1 ? 1 : 0,
        billableSeen: Number(row[5]) === 1 ? 1 : 0,
        categorySent: row[6] as string | null,
        categoryLater: row[7] as string | null,
      });
    }
  }
  return summaries;
}
