import type pg from 'pg';
import type { CampaignFacts } from '../../../metrics/message-facts.js';
import type { CampaignMetrics, MetricsQuery } from '../../../metrics/metrics-types.js';
import type { CampaignFactsSource } from '../sql/campaign-facts-source.js';
import { loadCampaignFacts } from '../sql/campaign-facts-sql.js';
import { loadCampaignMetrics } from '../sql/campaign-metrics-sql.js';
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
 * Runs `read` on the store's tables in one read-only snapshot (so appends running meanwhile cannot skew
 * it), with the planner tuned for whole-campaign queries.
 */
function inCampaignSnapshot<T>(
  pool: pg.Pool,
  statements: PostgresStatements,
  read: (source: CampaignFactsSource) => Promise<T>,
): Promise<T> {
  return withTransaction(
    pool,
    async (client) => {
      await tuneForFold(client);
      return read({
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
      });
    },
    { readOnlySnapshot: true },
  );
}

/** Folds a campaign's events into per-message facts ({@link loadCampaignFacts}) in one snapshot. */
export function foldCampaignInPostgres(
  pool: pg.Pool,
  statements: PostgresStatements,
  query: MetricsQuery,
): Promise<CampaignFacts> {
  return inCampaignSnapshot(pool, statements, (source) => loadCampaignFacts(source, query));
}

/** Computes a campaign's metrics with the counting in SQL ({@link loadCampaignMetrics}) in one snapshot. */
export function campaignMetricsInPostgres(
  pool: pg.Pool,
  statements: PostgresStatements,
  query: MetricsQuery,
): Promise<CampaignMetrics> {
  return inCampaignSnapshot(pool, statements, (source) => loadCampaignMetrics(source, query));
}
