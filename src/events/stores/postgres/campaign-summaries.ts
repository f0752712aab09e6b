import type pg from 'pg';
import type { CampaignSummary, CampaignSummaryRange } from '../../campaign-summary.js';
import {
  type CampaignSummaryRow,
  campaignSummariesSql,
  toCampaignSummary,
} from '../sql/campaign-summaries-sql.js';
import type { PostgresStatements } from './statements.js';
import { withTransaction } from './transaction.js';

/**
 * Runs {@link campaignSummariesSql} in one read-only transaction with the planner settings of a big
 * aggregate: no JIT (it costs more than it saves here) and enough `work_mem` for the hash join with the
 * rollup and the grouping to stay in memory.
 */
export function summarizeCampaignsInPostgres(
  pool: pg.Pool,
  statements: PostgresStatements,
  range: CampaignSummaryRange,
): Promise<CampaignSummary[]> {
  const { sql, values } = campaignSummariesSql(
    { dialect: 'postgres', table: statements.table, rollupTable: statements.rollupTable },
    range,
  );
  return withTransaction(
    pool,
    async (client) => {
      await client.query('SET LOCAL jit = off');
      await client.query(`SET LOCAL work_mem = '64MB'`);
      const { rows } = await client.query<CampaignSummaryRow>(sql, values);
      return rows.map(toCampaignSummary);
    },
    { readOnlySnapshot: true },
  );
}
