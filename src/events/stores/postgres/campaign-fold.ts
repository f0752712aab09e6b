import type pg from 'pg';
import type { CampaignFacts } from '../../../metrics/message-facts.js';
import type { MetricsQuery } from '../../../metrics/metrics-types.js';
import { loadCampaignFacts } from '../sql/campaign-facts-sql.js';
import type { StoredEventRow } from '../sql/event-row.js';
import type { PostgresStatements } from './statements.js';
import { withTransaction } from './transaction.js';

/** Memory for the fold's hash joins and aggregates (PostgreSQL's default 4 MB makes them spill to disk). */
const FOLD_WORK_MEM = '64MB';

/**
 * Planner settings for the fold's few big queries over a whole campaign, for this transaction only:
 * JIT compilation costs more than it saves here, and more `work_mem` keeps hash joins in memory.
 */
async function tuneForFold(client: pg.ClientBase): Promise<void> {
  await client.query('SET LOCAL jit = off');
  await client.query(`SET LOCAL work_mem = '${FOLD_WORK_MEM}'`);
}

/**
 * Folds a campaign's events into facts ({@link loadCampaignFacts}) in one read-only snapshot, so
 * appends running meanwhile cannot skew it.
 */
export function foldCampaignInPostgres(
  pool: pg.Pool,
  statements: PostgresStatements,
  query: MetricsQuery,
): Promise<CampaignFacts> {
  return withTransaction(
    pool,
    async (client) => {
      await tuneForFold(client);
      return loadCampaignFacts(
        {
          dialect: 'postgres',
          table: statements.table,
          eventColumns: statements.eventColumns,
          rollupTable: statements.rollupTable,
          identityTable: statements.identityTable,
          select: async (sql, values) => (await client.query<StoredEventRow>(sql, values)).rows,
          selectArrays: async (sql, values) =>
            (await client.query<unknown[]>({ text: sql, values, rowMode: 'array' })).rows,
          eachArray: async (sql, values, onRow) => {
            const { rows } = await client.query<unknown[]>({ text: sql, values, rowMode: 'array' });
            for (const row of rows) onRow(row);
            return rows.length;
          },
        },
        query,
      );
    },
    { readOnlySnapshot: true },
  );
}
