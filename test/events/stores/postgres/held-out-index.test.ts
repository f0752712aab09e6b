import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../../src/events/stored-event.js';
import { MemoryEventStore } from '../../../../src/events/stores/memory.js';
import { heldOutIndexName } from '../../../../src/events/stores/postgres/held-out-index.js';
import { PostgresEventStore } from '../../../../src/events/stores/postgres.js';
import {
  migratePostgres,
  POSTGRES_SCHEMA_VERSION,
} from '../../../../src/events/stores/sql/postgres-schema.js';
import { computeCampaignMetrics } from '../../../../src/metrics/compute-campaign-metrics.js';
import type { MetricsQuery } from '../../../../src/metrics/metrics-types.js';
import { postgresTestSchema } from '../../../helpers/postgres-test-schema.js';
import { OPT_OUT_EVENTS, T0 } from '../sql/opt-out-candidates-fixture.js';
import { preSendColumnsTable } from './pre-send-columns-table.js';

const { available, schema, pool } = await postgresTestSchema('test_heldidx', { max: 4 });
let tables = 0;

/** The opt-out fixture (a campaign across a month boundary), plus a holdout of two recipients. */
const EVENTS: readonly StoredEvent[] = [
  ...OPT_OUT_EVENTS,
  { kind: 'held_out', recipientId: '905550009001', campaignId: 'feb', at: new Date(T0) },
  { kind: 'held_out', recipientId: '905550009002', campaignId: 'feb', at: new Date(T0 + 1000) },
  { kind: 'conversion', recipientId: '905550009002', value: 5, at: new Date(T0 + 3_600_000) },
] as StoredEvent[];

const QUERIES: MetricsQuery[] = [
  { campaignId: 'feb' },
  { campaignId: 'feb', groupBy: 'variant', optOut: { quickReplyPayloads: ['STOP'] } },
  { campaignId: 'feb', from: new Date(T0 + 3_600_000), groupBy: 'day' },
];

/** Asserts the store's metrics (holdout lift included) are the memory store's for each query. */
async function expectMetricsOfMemory(store: PostgresEventStore): Promise<void> {
  const memory = new MemoryEventStore();
  await memory.append([...EVENTS]);
  for (const query of QUERIES) {
    const metrics = await computeCampaignMetrics(store, query);
    expect(metrics).toEqual(await computeCampaignMetrics(memory, query));
  }
  const withHoldout = await computeCampaignMetrics(store, QUERIES[0]!);
  expect(withHoldout.holdout?.heldOut).toMatchObject({ recipients: 2, converted: 1 });
}

/** The distinct definitions of the step's index (on the table and each partition). */
async function stepIndexes(tableName: string): Promise<string[]> {
  const { rows } = await pool.query<{ def: string }>(
    `SELECT DISTINCT regexp_replace(indexdef, '^.* USING ', 'USING ') AS def FROM pg_indexes
     WHERE schemaname = $1 AND tablename LIKE $2 AND indexdef LIKE '%held_out%' ORDER BY 1`,
    [schema, `${tableName}%`],
  );
  return rows.map((row) => row.def);
}

/** How many of the table's partitions carry the step's index. */
async function partitionsIndexed(tableName: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND tablename LIKE $2
       AND indexdef LIKE '%held_out%'`,
    [schema, `${tableName}_p%`],
  );
  return rows[0]?.n ?? 0;
}

/** The plan of the holdout lift's first page of `held_out` events (as keysetScan writes it). */
function heldOutPagePlan(tableName: string): Promise<string> {
  return planOf(
    `SELECT * FROM "${schema}"."${tableName}" e WHERE campaign_id = $1 AND kind = ANY($2::text[])
     ORDER BY e.at, e.id LIMIT 2000`,
    ['feb', ['held_out']],
  );
}

/** The plan of `sql` with sequential and bitmap scans off (so an index the query can use is used). */
async function planOf(sql: string, values: unknown[]): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL enable_seqscan = off');
    await client.query('SET LOCAL enable_bitmapscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, values);
    await client.query('ROLLBACK');
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    client.release();
  }
}

/** A version-9 table (the previous release) holding `stored`. */
async function version9Table(tableName: string, stored: readonly StoredEvent[]): Promise<void> {
  await preSendColumnsTable(pool, schema, tableName, 6, stored);
  const client = await pool.connect();
  try {
    await migratePostgres(client, schema, tableName, 9);
  } finally {
    client.release();
  }
}

describe.runIf(available)('PostgreSQL schema version 10: the held_out events’ index (real server)', () => {
  it('indexes a populated version-9 table on every partition; the metrics stay the memory store’s', async () => {
    const tableName = `heldidx_${++tables}`;
    await version9Table(tableName, EVENTS);
    expect(await stepIndexes(tableName)).toEqual([]);
    const store = new PostgresEventStore({ pool, schema, tableName, analyze: 'off' });
    await store.migrate();
    expect(POSTGRES_SCHEMA_VERSION).toBe(10);
    expect(await stepIndexes(tableName)).toEqual([
      "USING btree (campaign_id, at, id) WHERE (kind = 'held_out'::text)",
    ]);
    // February and March (and the month ahead): the index on each partition.
    expect(await partitionsIndexed(tableName)).toBeGreaterThanOrEqual(2);
    const { rows: names } = await pool.query<{ indexname: string }>(
      'SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2',
      [schema, tableName],
    );
    expect(names.map((row) => row.indexname)).toContain(heldOutIndexName(tableName));
    await pool.query(`ANALYZE "${schema}"."${tableName}"`);
    expect(await heldOutPagePlan(tableName)).toMatch(/Index Scan using \S+_p2026_0\d_campaign_id_at_id_idx/);
    await expectMetricsOfMemory(store);
  });

  it('indexes an empty version-9 table; appends after it are found by the index, the metrics the memory store’s', async () => {
    const tableName = `heldidx_${++tables}`;
    await version9Table(tableName, []);
    const store = new PostgresEventStore({ pool, schema, tableName, analyze: 'off' });
    await store.migrate();
    expect(await stepIndexes(tableName)).toHaveLength(1);
    await store.append([...EVENTS]);
    await pool.query(`ANALYZE "${schema}"."${tableName}"`);
    expect(await heldOutPagePlan(tableName)).toMatch(/Index Scan using \S+_p2026_0\d_campaign_id_at_id_idx/);
    await expectMetricsOfMemory(store);
  });
});
