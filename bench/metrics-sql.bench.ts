/**
 * SQL event stores at campaign scale: a seeded 250,000-message campaign (~1,000,000 events with repeats
 * and disorder, plus a second campaign to the same recipients) is appended to SQLite (a WAL file in the
 * OS temp dir) and PostgreSQL (127.0.0.1:5432, database `test`, a fresh schema dropped afterwards), then
 * `computeCampaignMetrics` runs against each. Prints one JSON line per figure.
 * Usage: `node --expose-gc --import tsx bench/metrics-sql.bench.ts [messages]` (PostgreSQL URL from WACLOUD_BENCH_DATABASE_URL;
 * WACLOUD_BENCH_PG_WRITERS concurrent PostgreSQL writers, default 2; WACLOUD_BENCH_IDS=short for short ids;
 * WACLOUD_BENCH_STORES=postgres to measure one store only, default `sqlite,postgres`;
 * WACLOUD_BENCH_ONLY=ingest to stop after the ingest figures; WACLOUD_BENCH_SCHEMA to name the
 * PostgreSQL schema, default a random `wacloud_bench_*`, dropped afterwards either way;
 * WACLOUD_BENCH_FIGURES=metrics-vs-floor to time only that figure after the load, default
 * `metrics,metrics-vs-floor`; WACLOUD_BENCH_VACUUM=off to leave the PostgreSQL tables as the load left them).
 * After the load, PostgreSQL's tables are vacuumed and analyzed, as autovacuum does a while after a bulk
 * load in a deployment (on by default; insert-driven since PostgreSQL 13): index-only scans need the
 * visibility map it sets, and a never-vacuumed table has every page's hint bits still to write on its
 * first reads. This server may run with autovacuum off, so the bench does it itself.
 * Figure `metrics-vs-floor` (issue 15): each store's `computeCampaignMetrics` against a floor written by
 * hand here, one SQL statement counting the campaign's sent/delivered/read/failed from the same tables
 * (medians of 3 interleaved runs; `ratio` = metricsMs / floorMs, goal <= 2), with the
 * per-message fold (`campaignFacts` + summary, the path before the push-down) timed in the same run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { EventStore } from '../src/events/event-store.js';
import type { StoredEvent } from '../src/events/stored-event.js';
import { PostgresEventStore } from '../src/events/stores/postgres.js';
import { summarizeCampaign } from '../src/events/stores/sql/metrics-for-query.js';
import { SqliteEventStore } from '../src/events/stores/sqlite.js';
import { computeCampaignMetrics } from '../src/metrics/compute-campaign-metrics.js';
import { generateCampaignStream } from '../test/events/stores/sql/campaign-stream.js';

const MESSAGES = Number(process.argv[2] ?? 250_000);
const APPEND_CHUNK = 10_000;
/** Concurrent appenders for PostgreSQL (SQLite is synchronous: one). `WACLOUD_BENCH_PG_WRITERS=1` for a single writer. */
const POSTGRES_WRITERS = Number(process.env.WACLOUD_BENCH_PG_WRITERS ?? 2);
/**
 * Message ids as Meta writes them (`wamid.HBgL…`, ~60 characters, in no useful order: every id index takes
 * random inserts), or `WACLOUD_BENCH_IDS=short` for short sequential ids (`wamid.spring.117`), which flatter
 * the B-trees.
 */
/** Which stores to measure (`WACLOUD_BENCH_STORES`, comma-separated). */
const STORES = new Set((process.env.WACLOUD_BENCH_STORES ?? 'sqlite,postgres').split(','));
/** `WACLOUD_BENCH_ONLY=ingest`: the ingest figures only (no metrics runs). */
const INGEST_ONLY = process.env.WACLOUD_BENCH_ONLY === 'ingest';
/** Which figures to time after the load (`WACLOUD_BENCH_FIGURES`, comma-separated; the ingest is always timed). */
const FIGURES = new Set((process.env.WACLOUD_BENCH_FIGURES ?? 'metrics,metrics-vs-floor').split(','));
/** Whether to VACUUM (ANALYZE) PostgreSQL's tables after the load (`WACLOUD_BENCH_VACUUM=off`: not). */
const VACUUM = process.env.WACLOUD_BENCH_VACUUM !== 'off';
const ID_STYLE = process.env.WACLOUD_BENCH_IDS === 'short' ? 'short' : 'meta';
const CAMPAIGN = 'spring';
const RATE_CARD = { marketing: 0.0613, utility: 0.008, authentication: 0.0135 };
/** The PostgreSQL connections' application_name, to find their server processes (see serverCpuSeconds). */
const APPLICATION_NAME = `wacloud_bench_${process.pid}`;
const connectionString = process.env.WACLOUD_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Each line also says how busy the machine was (1-minute load average), since the figures are wall-clock. */
function line(figure: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  const load1 = Number((loadavg()[0] ?? 0).toFixed(2));
  console.log(JSON.stringify({ bench: 'metrics-sql', figure, value, unit, ...extra, load1 }));
}

/** CPU seconds this process spent since `start` (the store's client side: mapping, validation, the fold). */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return Number(((used.user + used.system) / 1e6).toFixed(2));
}

/** Appends in chunks, from `writers` concurrent loops taking chunks in turn (like several webhook workers). */
async function ingest(store: EventStore, events: StoredEvent[], writers: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const writer = async () => {
    for (let i = next; i < events.length; i = next) {
      next += APPEND_CHUNK;
      await store.append(events.slice(i, i + APPEND_CHUNK));
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  return (performance.now() - started) / 1000;
}

/**
 * CPU seconds the PostgreSQL server processes of this run's connections used so far (Linux, server on
 * this host: read from /proc; undefined otherwise). CPU per event barely depends on how busy the machine
 * is, unlike events/s, so it compares two builds on a loaded machine.
 */
async function serverCpuSeconds(store: EventStore): Promise<number | undefined> {
  if (!(store instanceof PostgresEventStore)) return undefined;
  try {
    const { rows } = await store.pool.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [APPLICATION_NAME],
    );
    let ticks = 0;
    for (const { pid } of rows) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    }
    return Number((ticks / 100).toFixed(2));
  } catch {
    return undefined;
  }
}

async function measureIngest(
  name: string,
  store: EventStore,
  events: StoredEvent[],
  writers: number,
): Promise<void> {
  const cpu = process.cpuUsage();
  const serverCpuBefore = await serverCpuSeconds(store);
  const ingestSeconds = await ingest(store, events, writers);
  const serverCpuAfter = await serverCpuSeconds(store);
  const clientCpu = cpuSeconds(cpu);
  const serverCpu =
    serverCpuAfter === undefined ? undefined : Number((serverCpuAfter - (serverCpuBefore ?? 0)).toFixed(2));
  line(`${name} ingest`, Math.round(events.length / ingestSeconds), 'events/s', {
    events: events.length,
    messages: MESSAGES,
    ids: ID_STYLE,
    seconds: Number(ingestSeconds.toFixed(2)),
    goal: name === 'postgres' ? '>= 100000 events/s' : undefined,
    appendChunk: APPEND_CHUNK,
    writers,
    clientCpuSeconds: clientCpu,
    serverCpuSeconds: serverCpu,
    cpuMicrosecondsPerEvent:
      serverCpu === undefined ? undefined : Math.round(((clientCpu + serverCpu) * 1e6) / events.length),
  });
}

async function measureMetrics(name: string, store: EventStore): Promise<void> {
  // First run right after the bulk load (PostgreSQL refreshes its planner statistics then), then again.
  for (const run of ['first after load', 'again']) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const metrics = await computeCampaignMetrics(store, { campaignId: CAMPAIGN, rateCard: RATE_CARD });
    const seconds = (performance.now() - started) / 1000;
    line(`${name} computeCampaignMetrics`, Number(seconds.toFixed(3)), 's', {
      run,
      ids: ID_STYLE,
      messages: metrics.sent,
      delivered: metrics.delivered,
      clientCpuSeconds: cpuSeconds(cpu),
      goal: '<= 3 s',
    });
  }
}

/** Interleaved runs of each of metrics, floor and per-message fold in `metrics-vs-floor` (medians reported). */
const FLOOR_RUNS = 3;

/** The floor's one statement: sent/delivered/read/failed of a campaign from the sends and their rollups. */
function floorSql(dialect: 'sqlite' | 'postgres', table: string, rollup: string): string {
  const count = (condition: string) =>
    dialect === 'postgres'
      ? `count(*) FILTER (WHERE ${condition})`
      : `sum(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;
  return `SELECT count(*) AS sent, ${count('r.max_rank >= 1')} AS delivered, ${count('r.max_rank >= 2')} AS read,
      ${count('r.failed_seen = 1 AND coalesce(r.max_rank, 0) < 1')} AS failed
    FROM ${table} o LEFT JOIN ${rollup} r ON r.message_id = o.message_id
    WHERE o.kind = 'outbound' AND o.campaign_id = ${dialect === 'postgres' ? '$1' : '?'}`;
}

/** Runs the hand-written floor once; resolves its milliseconds (checked against the metrics' `sent`). */
type Floor = () => Promise<{ ms: number; sent: number }>;

function sqliteFloor(file: string): { floor: Floor; close: () => void } {
  const db = new Database(file, { readonly: true });
  db.pragma('cache_size = -65536');
  const statement = db.prepare(floorSql('sqlite', 'wacloud_events', 'wacloud_events_status_rollup'));
  return {
    floor: async () => {
      const started = performance.now();
      const row = statement.get(CAMPAIGN) as { sent: number };
      return { ms: performance.now() - started, sent: Number(row.sent) };
    },
    close: () => db.close(),
  };
}

/** The PostgreSQL floor, with the planner settings the store's metrics use (JIT off, 64 MB work_mem). */
function postgresFloor(pool: pg.Pool): Floor {
  const sql = floorSql('postgres', `"${schema}".wacloud_events`, `"${schema}".wacloud_events_status_rollup`);
  return async () => {
    const client = await pool.connect();
    try {
      const started = performance.now();
      await client.query('BEGIN READ ONLY');
      await client.query('SET LOCAL jit = off');
      await client.query(`SET LOCAL work_mem = '64MB'`);
      const { rows } = await client.query<{ sent: string }>(sql, [CAMPAIGN]);
      await client.query('COMMIT');
      return { ms: performance.now() - started, sent: Number(rows[0]?.sent) };
    } finally {
      client.release();
    }
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The `metrics-vs-floor` figure: metrics, floor and per-message fold, interleaved, medians compared. */
async function measureAgainstFloor(
  name: 'sqlite' | 'postgres',
  store: SqliteEventStore | PostgresEventStore,
  floor: Floor,
): Promise<void> {
  const query = { campaignId: CAMPAIGN, rateCard: RATE_CARD };
  const metricsMs: number[] = [];
  const metricsCpu: number[] = [];
  const floorMs: number[] = [];
  const foldMs: number[] = [];
  const foldCpu: number[] = [];
  for (let run = 0; run < FLOOR_RUNS; run++) {
    let cpu = process.cpuUsage();
    let started = performance.now();
    const metrics = await computeCampaignMetrics(store, query);
    metricsMs.push(performance.now() - started);
    metricsCpu.push(cpuSeconds(cpu));
    const counted = await floor();
    if (counted.sent !== metrics.sent)
      throw new Error(`floor counted ${counted.sent} sends, metrics ${metrics.sent}`);
    floorMs.push(counted.ms);
    cpu = process.cpuUsage();
    started = performance.now();
    const folded = summarizeCampaign(await store.campaignFacts(query), query);
    foldMs.push(performance.now() - started);
    foldCpu.push(cpuSeconds(cpu));
    if (JSON.stringify(folded) !== JSON.stringify(metrics))
      throw new Error('per-message fold and push-down differ');
  }
  const m = median(metricsMs);
  const f = median(floorMs);
  const load1 = Number((loadavg()[0] ?? 0).toFixed(2));
  console.log(
    JSON.stringify({
      bench: 'metrics-sql',
      figure: 'metrics-vs-floor',
      store: name,
      ratio: Number((m / f).toFixed(2)),
      metricsMs: Math.round(m),
      floorMs: Math.round(f),
      perMessageFoldMs: Math.round(median(foldMs)),
      metricsClientCpuSeconds: median(metricsCpu),
      perMessageFoldClientCpuSeconds: median(foldCpu),
      runs: FLOOR_RUNS,
      messages: MESSAGES,
      ids: ID_STYLE,
      goal: 'ratio <= 2',
      vacuumed: name === 'postgres' ? VACUUM : undefined,
      load1,
    }),
  );
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

// Both stores are loaded first, then the generated stream is released, so the metrics runs happen in a
// process that is not also holding a million generated events (as a reporting job would not).
let events: StoredEvent[] | undefined = generateCampaignStream({
  messages: MESSAGES,
  seed: 42,
  campaignId: CAMPAIGN,
  metaMessageIds: ID_STYLE === 'meta',
});

const dir = mkdtempSync(join(tmpdir(), 'wacloud-bench-'));
const sqliteFile = join(dir, 'events.db');
const sqlite = new SqliteEventStore({ filename: sqliteFile });
const schema = process.env.WACLOUD_BENCH_SCHEMA ?? `wacloud_bench_${randomBytes(4).toString('hex')}`;
const postgres =
  STORES.has('postgres') && (await postgresReachable())
    ? new PostgresEventStore({
        // Idle connections stay open: a closed one's server CPU could no longer be read (serverCpuSeconds).
        pool: new pg.Pool({ connectionString, application_name: APPLICATION_NAME, idleTimeoutMillis: 0 }),
        schema,
      })
    : undefined;
try {
  if (STORES.has('sqlite')) await measureIngest('sqlite', sqlite, events, 1);
  if (postgres) await measureIngest('postgres', postgres, events, POSTGRES_WRITERS);
  else if (STORES.has('postgres'))
    console.error('metrics-sql bench: PostgreSQL at 127.0.0.1:5432 is unreachable; skipped its figures');
  if (postgres && VACUUM && !INGEST_ONLY) await vacuumAfterLoad(postgres.pool);
  events = undefined;
  if (!INGEST_ONLY) await measureMetricsOfStores();
} finally {
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
  if (postgres) {
    await postgres.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await postgres.pool.end();
  }
}

/**
 * VACUUM (ANALYZE) of the schema's tables, as autovacuum would after the load (see the header): each
 * partition and plain table (autovacuum leaves partitioned parents alone).
 */
async function vacuumAfterLoad(pool: pg.Pool): Promise<void> {
  const started = performance.now();
  const { rows } = await pool.query<{ name: string }>(
    `SELECT quote_ident(relname) AS name FROM pg_class
     WHERE relnamespace = $1::regnamespace AND relkind = 'r'`,
    [schema],
  );
  for (const { name } of rows) await pool.query(`VACUUM (ANALYZE) "${schema}".${name}`);
  line('postgres vacuum after load', Number(((performance.now() - started) / 1000).toFixed(2)), 's');
}

/** The metrics figures of every measured store, after the ingest. */
async function measureMetricsOfStores(): Promise<void> {
  // Collect the ingest's garbage now rather than during the first timed run (node --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  if (STORES.has('sqlite')) {
    if (FIGURES.has('metrics')) await measureMetrics('sqlite', sqlite);
    const { floor, close } = sqliteFloor(sqliteFile);
    try {
      if (FIGURES.has('metrics-vs-floor')) await measureAgainstFloor('sqlite', sqlite, floor);
    } finally {
      close();
    }
  }
  if (postgres) {
    if (FIGURES.has('metrics')) await measureMetrics('postgres', postgres);
    if (FIGURES.has('metrics-vs-floor'))
      await measureAgainstFloor('postgres', postgres, postgresFloor(postgres.pool));
  }
}
