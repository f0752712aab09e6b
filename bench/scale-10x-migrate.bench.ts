/**
 * Times schema step 7 (the status rollup's send columns, filled from the outbound events: see
 * src/events/stores/sql/rollup-send-columns.ts) on the 10× dataset that `scale-10x.bench.ts` loaded.
 * Brings the table to version 6 first when it is older (not timed), then runs step 7 and prints one JSON
 * line. `--redo` first undoes step 7 (drops the send columns and the two indexes, version back to 6), so
 * the step can be timed again on the same data; only for a bench database.
 *
 *   node --import tsx bench/scale-10x-migrate.bench.ts [--database bench_data10x] [--redo]
 *
 * The server is `WACLOUD_BENCH_DATABASE_URL`'s (default postgres://postgres@127.0.0.1:5432), database
 * `--database`, schema `data10x`, table `wacloud_events`.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migratePostgres } from '../src/events/stores/sql/postgres-schema.js';

const { values: args } = parseArgs({
  options: {
    database: { type: 'string', default: 'bench_data10x' },
    redo: { type: 'boolean', default: false },
  },
});
if (!/^[a-z_][a-z0-9_]*$/.test(args.database))
  throw new Error('--database: lower-case letters, digits and _ only');
const SCHEMA = 'data10x';
const TABLE = 'wacloud_events';
const server = new URL(process.env.WACLOUD_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
server.pathname = `/${args.database}`;
const client = new pg.Client({ connectionString: server.toString() });
await client.connect();
try {
  if (args.redo) {
    await client.query('BEGIN');
    await client.query(`DROP INDEX IF EXISTS "${SCHEMA}"."${TABLE}_send_failed_idx"`);
    await client.query(
      `ALTER TABLE "${SCHEMA}"."${TABLE}_status_rollup" DROP COLUMN IF EXISTS campaign_id, DROP COLUMN IF EXISTS sent_at`,
    );
    await client.query(
      `UPDATE "${SCHEMA}".wacloud_schema_version SET version = 6 WHERE table_name = $1 AND version = 7`,
      [TABLE],
    );
    await client.query('COMMIT');
  }
  const from = await migratePostgres(client, SCHEMA, TABLE, 6);
  if (from >= 7) throw new Error(`${TABLE} is at version ${from} already: --redo to time step 7 again`);
  const started = performance.now();
  await migratePostgres(client, SCHEMA, TABLE, 7);
  const ms = Math.round(performance.now() - started);
  const { rows } = await client.query<{ n: number; sends: number }>(
    `SELECT count(*)::int AS n, count(campaign_id)::int AS sends FROM "${SCHEMA}"."${TABLE}_status_rollup"`,
  );
  console.log(
    JSON.stringify({
      bench: 'scale-10x-migrate',
      figure: 'schema-v7-rollup-send-columns',
      value: ms,
      unit: 'ms',
      versionBefore: from,
      rollupRows: rows[0]?.n,
      rollupSends: rows[0]?.sends,
      loadavg: loadavg().map((n) => Number(n.toFixed(2))),
    }),
  );
} finally {
  await client.end();
}
