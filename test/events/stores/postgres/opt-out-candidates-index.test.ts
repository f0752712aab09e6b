import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../../src/events/stored-event.js';
import { PostgresEventStore } from '../../../../src/events/stores/postgres.js';
import {
  migratePostgres,
  POSTGRES_SCHEMA_VERSION,
} from '../../../../src/events/stores/sql/postgres-schema.js';
import { postgresTestSchema } from '../../../helpers/postgres-test-schema.js';
import { expectOptOutMetricsOfMemory, OPT_OUT_EVENTS, T0 } from '../sql/opt-out-candidates-fixture.js';
import { preSendColumnsTable } from './pre-send-columns-table.js';

const { available, schema, pool } = await postgresTestSchema('test_optidx', { max: 4 });
let tables = 0;

const events = [...OPT_OUT_EVENTS];

/** The definitions of the table's opt-out indexes (on the table and each partition, distinct). */
async function optOutIndexes(tableName: string): Promise<string[]> {
  const { rows } = await pool.query<{ def: string }>(
    `SELECT DISTINCT regexp_replace(indexdef, '^.* USING ', 'USING ') AS def FROM pg_indexes
     WHERE schemaname = $1 AND tablename LIKE $2 AND indexdef LIKE '%(kind = ''inbound''%' ORDER BY 1`,
    [schema, `${tableName}%`],
  );
  return rows.map((row) => row.def);
}

/** How many indexes (parent and partitions) carry each of the step's two index definitions. */
async function optOutIndexCount(tableName: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND tablename LIKE $2
       AND indexdef LIKE '%(kind = ''inbound''%'`,
    [schema, `${tableName}%`],
  );
  return rows[0]?.n ?? 0;
}

/**
 * The plan of the candidates' short branch with sequential and bitmap scans off: an index-only scan of
 * the covering index exactly when its predicate is the query's (the planner proves it from the SQL text).
 */
async function shortBranchPlan(tableName: string): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL enable_seqscan = off');
    await client.query('SET LOCAL enable_bitmapscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT DISTINCT CASE WHEN e.button_payload IS NOT NULL THEN 'p' || e.button_payload END
       FROM "${schema}"."${tableName}" e
       WHERE e.kind = 'inbound'
         AND (e.button_payload IS NOT NULL OR length(e.message_text) <= 200)
         AND coalesce(length(e.button_payload), 0) <= 200 AND coalesce(length(e.message_text), 0) <= 200
         AND e.at >= $1::timestamptz`,
      [new Date(T0).toISOString()],
    );
    await client.query('ROLLBACK');
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    client.release();
  }
}

/** A version-8 table (the previous release) holding `stored`. */
async function version8Table(tableName: string, stored: readonly StoredEvent[]): Promise<void> {
  await preSendColumnsTable(pool, schema, tableName, 6, stored);
  const client = await pool.connect();
  try {
    await migratePostgres(client, schema, tableName, 8);
  } finally {
    client.release();
  }
}

describe.runIf(available)(
  'PostgreSQL schema version 9: the opt-out candidates’ indexes (real server)',
  () => {
    it('indexes a populated version-8 table on every partition; the metrics stay the memory store’s', async () => {
      const tableName = `optidx_${++tables}`;
      await version8Table(tableName, events);
      expect(await optOutIndexes(tableName)).toEqual([]);
      const store = new PostgresEventStore({ pool, schema, tableName, analyze: 'off' });
      await store.migrate();
      expect(POSTGRES_SCHEMA_VERSION).toBeGreaterThanOrEqual(9);
      expect(await optOutIndexes(tableName)).toEqual([
        "USING btree (at) INCLUDE (button_payload, message_text) WHERE ((kind = 'inbound'::text) AND ((button_payload IS NOT NULL) OR (length(message_text) <= 200)) AND (COALESCE(length(button_payload), 0) <= 200) AND (COALESCE(length(message_text), 0) <= 200))",
        "USING btree (at) WHERE ((kind = 'inbound'::text) AND (button_payload IS NOT NULL) AND ((length(button_payload) > 200) OR (length(message_text) > 200)))",
      ]);
      // The parent and its February and March partitions (and the month ahead), two each.
      expect(await optOutIndexCount(tableName)).toBeGreaterThanOrEqual(6);
      expect(await shortBranchPlan(tableName)).toContain(`Index Only Scan using ${tableName}_p2026_`);
      await expectOptOutMetricsOfMemory(store);
    });

    it('indexes an empty version-8 table; appends after it are found, the metrics the memory store’s', async () => {
      const tableName = `optidx_${++tables}`;
      await version8Table(tableName, []);
      const store = new PostgresEventStore({ pool, schema, tableName, analyze: 'off' });
      await store.migrate();
      expect(await optOutIndexes(tableName)).toHaveLength(2);
      await store.append(events);
      expect(await shortBranchPlan(tableName)).toContain('Index Only Scan');
      await expectOptOutMetricsOfMemory(store);
    });
  },
);
