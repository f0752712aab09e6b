/**
 * What each index of the PostgreSQL events table costs on ingest, one index at a time: the events of a
 * seeded campaign (Meta-shaped ids) are stored through the store once, then for each index (and none) a
 * plain copy of the table holding the first 400,000 rows gets that index alone, and the server CPU of
 * inserting the next 100,000 rows is read from /proc (server on this host). Also the idempotency-key
 * table's insert (a random 128-bit key, ON CONFLICT DO NOTHING) and partition routing. Prints one JSON
 * line per figure, in µs of server CPU per row. PostgreSQL at 127.0.0.1:5432, database `test` (or
 * WACLOUD_BENCH_DATABASE_URL), in a fresh schema dropped afterwards.
 * Usage: `node --import tsx bench/postgres-index-cost.bench.ts`
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';
import { eventKeyHashSql } from '../src/events/stores/postgres/monthly-partitions.js';
import { PostgresEventStore } from '../src/events/stores/postgres.js';
import { generateCampaignStream } from '../test/events/stores/sql/campaign-stream.js';

const BASE = 400_000;
const ROWS = 100_000;
const connectionString = process.env.WACLOUD_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `wacloud_bench_idx_${randomBytes(4).toString('hex')}`;
const pool = new pg.Pool({ connectionString, max: 2 });

function line(figure: string, microseconds: number, extra: Record<string, unknown> = {}): void {
  const load1 = Number((loadavg()[0] ?? 0).toFixed(2));
  console.log(
    JSON.stringify({
      bench: 'postgres-index-cost',
      figure,
      value: microseconds,
      unit: 'µs server CPU/row',
      rows: ROWS,
      ...extra,
      load1,
    }),
  );
}

/** The insert's configurations: statements run on the empty copy `T` (before the base rows go in). */
const INDEXES: Record<string, string[]> = {
  'heap only': [],
  '(id, at) primary key': ['ALTER TABLE T ADD PRIMARY KEY (id, at)'],
  '(at, id)': ['CREATE INDEX ON T (at, id)'],
  'message_id B-tree (schema v1–5)': ['CREATE INDEX ON T (message_id)'],
  'message_id hash (schema v6)': ['CREATE INDEX ON T USING hash (message_id)'],
  '(recipient_key, at) (schema v1–5)': ['CREATE INDEX ON T (recipient_key, at)'],
  '(recipient_key, at) partial (schema v6)': [
    'CREATE INDEX ON T (recipient_key, at) WHERE recipient_key IS NOT NULL',
  ],
  '(campaign_id, at) partial': ['CREATE INDEX ON T (campaign_id, at) WHERE campaign_id IS NOT NULL'],
  'context_message_id partial': [
    'CREATE INDEX ON T (context_message_id) WHERE context_message_id IS NOT NULL',
  ],
};

const client = new pg.Client({ connectionString });
await client.connect();
try {
  const store = new PostgresEventStore({ pool, schema });
  const events = generateCampaignStream({
    messages: 135_000,
    seed: 42,
    campaignId: 'spring',
    metaMessageIds: true,
  });
  for (let i = 0; i < events.length; i += 10_000) await store.append(events.slice(i, i + 10_000));
  const src = `"${schema}".src`;
  await client.query(
    `CREATE TABLE ${src} AS SELECT row_number() OVER (ORDER BY id) AS rn, ${eventKeyHashSql('e.event_key')} AS key_hash, e.* FROM "${schema}".wacloud_events e`,
  );
  const total = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${src}`)).rows[0]?.n ?? 0;
  if (total < BASE + ROWS) throw new Error(`only ${total} rows generated`);
  const pid = (await client.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]?.p;
  const cpuMs = () => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  const t = `"${schema}".t_x`;
  const measure = async (figure: string, setup: string[], insert: string) => {
    await client.query(`DROP TABLE IF EXISTS ${t}`);
    for (const statement of setup) await client.query(statement.replaceAll(/\bT\b/g, t));
    await client.query(`VACUUM ANALYZE ${t}`);
    const before = cpuMs();
    await client.query(insert);
    line(figure, Number((((cpuMs() - before) * 1000) / ROWS).toFixed(2)));
  };
  const next = `SELECT * FROM ${src} WHERE rn > ${BASE} AND rn <= ${BASE + ROWS} ORDER BY rn`;
  for (const [figure, ddl] of Object.entries(INDEXES)) {
    await measure(
      `events insert: ${figure}`,
      [`CREATE TABLE T AS SELECT * FROM ${src} WHERE rn <= ${BASE} ORDER BY rn`, ...ddl],
      `INSERT INTO ${t} ${next}`,
    );
  }
  const keys = `SELECT key_hash FROM ${src}`;
  await measure(
    'key table: ON CONFLICT DO NOTHING, sorted (as the store writes)',
    [`CREATE TABLE T (key_hash uuid PRIMARY KEY)`, `INSERT INTO T ${keys} WHERE rn <= ${BASE} ORDER BY 1`],
    `INSERT INTO ${t} ${keys} WHERE rn > ${BASE} AND rn <= ${BASE + ROWS} ORDER BY 1 ON CONFLICT DO NOTHING`,
  );
  await measure(
    'partition routing: heap only, through the partitioned parent',
    [
      `CREATE TABLE T (LIKE ${src}) PARTITION BY RANGE (at)`,
      `CREATE TABLE ${t}_all PARTITION OF T FOR VALUES FROM ('-infinity') TO ('infinity')`,
    ],
    `INSERT INTO ${t} ${next}`,
  );
} finally {
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
  await pool.end();
}
