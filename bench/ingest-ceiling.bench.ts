/**
 * The PostgreSQL ingest ceiling (issue 15): what two cores can do at best with the metrics-sql bench's
 * ~1.04M generated events (250,000 messages, Meta-shaped ids, seed 42), in appends of 10,000 events from
 * two concurrent writers, each append one transaction, rows streamed 5,000 at a time. Figures, one JSON
 * line each (with the 1-minute load average), every figure `WACLOUD_BENCH_ROUNDS` times (default 2), on
 * fresh tables each round:
 *
 * - `encode`: the store's client-side work alone, no server: map each event to its row, drop repeats
 *   within the append, hash its key, write the COPY text, fold the status rollups (`AppendRows`).
 * - `validate`: `assertStoredEvents` alone (the store runs it first unless `validate: false`).
 * - `copy-indexed`: raw COPY of the encoded rows (pre-encoded, so the client only streams) into a copy of
 *   the events table made by the store's own migration: partitioned by month, its primary key and 6
 *   indexes, but no key table, no rollup, no idempotency. `at` is sent as ISO text (the table's column
 *   is a timestamptz; the store's staging table takes epoch ms).
 * - `copy-heap`: the same rows into an unpartitioned, unindexed heap table.
 * - `copy-indexed-live`: `copy-indexed` again (table emptied) with each writer encoding its append
 *   first, so the client's encoding shares the two cores with the server as it would in a real ingest.
 * - `copy-stage`: the store's own COPY text into its temporary staging table (what the store pays before
 *   its one statement).
 * - `store-append`: `PostgresEventStore.append`, the real thing (idempotent, rollup merged).
 *
 * A CHECKPOINT runs before each COPY figure, so none inherits another's dirty pages (each then pays the
 * full-page images of its first touches). `walBytesPerEvent` and `checkpointsDuring` are server-wide
 * (other sessions' writes count too): a checkpoint during a figure makes every page it touches again
 * write a full-page image, which costs WAL and server CPU.
 * Server CPU is read from /proc for the backends of the run's connections (the server is on this host);
 * `cpuMicrosecondsPerEvent` = (client + server CPU) / events, which depends far less on load than events/s.
 * Usage: `node --expose-gc --import tsx bench/ingest-ceiling.bench.ts [messages]` (WACLOUD_BENCH_SCHEMA
 * names the schema prefix, default `ingest_ceiling`; WACLOUD_BENCH_FIGURES a comma-separated subset).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { StoredEvent } from '../src/events/stored-event.js';
import { assertStoredEvents } from '../src/events/stored-event-schema.js';
import { AppendRows, nextCopyText } from '../src/events/stores/postgres/append-rows.js';
import { escapeCopyText } from '../src/events/stores/postgres/copy-text.js';
import { MonthPartitions } from '../src/events/stores/postgres/monthly-partitions.js';
import { COPY_STAGE_SQL, createCopyStageSql } from '../src/events/stores/postgres/statements.js';
import { PostgresEventStore } from '../src/events/stores/postgres.js';
import { EVENT_COLUMNS, type EventRowValues } from '../src/events/stores/sql/event-row.js';
import { generateCampaignStream } from '../test/events/stores/sql/campaign-stream.js';
import { backendCpuDelta, backendCpuMs, load1 } from './process-cpu.js';

const MESSAGES = Number(process.argv[2] ?? 250_000);
const APPEND_CHUNK = 10_000;
const BATCH = 5000;
const WRITERS = 2;
const ROUNDS = Number(process.env.WACLOUD_BENCH_ROUNDS ?? 2);
const ALL_FIGURES = [
  'encode',
  'validate',
  'copy-indexed',
  'copy-heap',
  'copy-indexed-live',
  'copy-stage',
  'store-append',
];
const FIGURES = new Set((process.env.WACLOUD_BENCH_FIGURES ?? ALL_FIGURES.join(',')).split(','));
const PREFIX = process.env.WACLOUD_BENCH_SCHEMA ?? 'ingest_ceiling';
const APPLICATION_NAME = `wacloud_ceiling_${process.pid}`;
const connectionString = process.env.WACLOUD_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function line(figure: string, round: number, fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'ingest-ceiling', figure, round, ...fields, load1: load1() }));
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** The appends: `APPEND_CHUNK` events each, in stream order. */
function appendsOf(events: readonly StoredEvent[]): StoredEvent[][] {
  const appends: StoredEvent[][] = [];
  for (let i = 0; i < events.length; i += APPEND_CHUNK) appends.push(events.slice(i, i + APPEND_CHUNK));
  return appends;
}

/** The store's encoding of one append: COPY text pieces of `BATCH` rows for the staging table, and the rollups. */
function encodeForStage(append: readonly StoredEvent[]): { pieces: string[]; rollups: string } {
  const rows = new AppendRows(append);
  const pieces: string[] = [];
  while (!rows.done) {
    const text = nextCopyText(rows, BATCH);
    if (text !== '') pieces.push(text);
  }
  return { pieces, rollups: rows.rollups() };
}

/** One row as COPY text for the events table itself (`EVENT_COLUMNS`, `at` as ISO text). */
function eventTableLine(row: EventRowValues): string {
  const fields: (string | number)[] = new Array(row.length);
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    if (i === 2) fields[i] = new Date(value as number).toISOString();
    else if (value === null || value === undefined) fields[i] = '\\N';
    else if (typeof value === 'boolean') fields[i] = value ? 't' : 'f';
    else if (typeof value === 'number') fields[i] = value;
    else fields[i] = escapeCopyText(value);
  }
  return fields.join('\t');
}

/** The same rows the store sends (repeats within an append left out), as COPY text for the events table. */
function encodeForEventTable(append: readonly StoredEvent[]): string[] {
  const rows = new AppendRows(append);
  const pieces: string[] = [];
  while (!rows.done) {
    const lines: string[] = [];
    rows.next(BATCH, (_, row) => lines.push(eventTableLine(row)));
    if (lines.length > 0) pieces.push(`${lines.join('\n')}\n`);
  }
  return pieces;
}

interface Timed {
  seconds: number;
  clientCpuMs: number;
  serverCpuMs: number;
  walBytes: number;
  checkpoints: number;
}

/** Checkpoints the server has started so far (timed and requested; any session's, this bench's included). */
async function checkpointCount(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    'SELECT (checkpoints_timed + checkpoints_req)::text AS n FROM pg_stat_bgwriter',
  );
  return Number(rows[0]?.n);
}

/** The server's WAL insert position, in bytes. */
async function walPosition(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ lsn: string }>(
    `SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::text AS lsn`,
  );
  return Number(rows[0]?.lsn);
}

/** Runs `work(i)` for every append index from `WRITERS` concurrent loops, timed with the client and server CPU. */
async function concurrently(
  pool: pg.Pool,
  count: number,
  work: (i: number) => Promise<void>,
): Promise<Timed> {
  const probe = new pg.Client({ connectionString });
  await probe.connect();
  try {
    // Open the writers' connections first, so their backends are there to be sampled.
    const warm = await Promise.all(Array.from({ length: WRITERS }, () => pool.connect()));
    for (const client of warm) client.release();
    const before = await backendCpuMs(probe, APPLICATION_NAME);
    const walBefore = await walPosition(probe);
    const checkpointsBefore = await checkpointCount(probe);
    const cpu = process.cpuUsage();
    const started = performance.now();
    let next = 0;
    const writer = async () => {
      for (let i = next++; i < count; i = next++) await work(i);
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    const seconds = (performance.now() - started) / 1000;
    const clientCpuMs = cpuMs(cpu);
    const after = await backendCpuMs(probe, APPLICATION_NAME);
    const walBytes = (await walPosition(probe)) - walBefore;
    const checkpoints = (await checkpointCount(probe)) - checkpointsBefore;
    return { seconds, clientCpuMs, serverCpuMs: backendCpuDelta(before, after), walBytes, checkpoints };
  } finally {
    await probe.end();
  }
}

/** COPY of pre-encoded pieces, one transaction per append on a pooled connection. */
function copyAppend(pool: pg.Pool, sql: string, appends: readonly string[][]) {
  return async (i: number) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await pipeline(Readable.from(appends[i] as string[]), client.query(copyFrom(sql)));
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };
}

function report(figure: string, round: number, events: number, rows: number, t: Timed): void {
  line(figure, round, {
    value: Math.round(events / t.seconds),
    unit: 'events/s',
    events,
    rowsCopied: rows,
    seconds: Number(t.seconds.toFixed(2)),
    writers: WRITERS,
    appendChunk: APPEND_CHUNK,
    clientCpuSeconds: Number((t.clientCpuMs / 1000).toFixed(2)),
    serverCpuSeconds: Number((t.serverCpuMs / 1000).toFixed(2)),
    clientMicrosecondsPerEvent: Number(((t.clientCpuMs * 1000) / events).toFixed(2)),
    serverMicrosecondsPerEvent: Number(((t.serverCpuMs * 1000) / events).toFixed(2)),
    cpuMicrosecondsPerEvent: Number((((t.clientCpuMs + t.serverCpuMs) * 1000) / events).toFixed(2)),
    walBytesPerEvent: Math.round(t.walBytes / events),
    checkpointsDuring: t.checkpoints,
  });
}

function countLines(appends: readonly string[][]): number {
  let rows = 0;
  for (const pieces of appends) for (const piece of pieces) for (const c of piece) if (c === '\n') rows++;
  return rows;
}

const events = generateCampaignStream({
  messages: MESSAGES,
  seed: 42,
  campaignId: 'spring',
  metaMessageIds: true,
});
const appends = appendsOf(events);
const pool = new pg.Pool({
  connectionString,
  application_name: APPLICATION_NAME,
  idleTimeoutMillis: 0,
  max: WRITERS,
});
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** Client-only figures: CPU of one thread, no server (events/s is what one core encodes). */
function clientOnly(figure: string, round: number, run: () => void): void {
  gc();
  const cpu = process.cpuUsage();
  const started = performance.now();
  run();
  const seconds = (performance.now() - started) / 1000;
  const ms = cpuMs(cpu);
  line(figure, round, {
    value: Math.round(events.length / seconds),
    unit: 'events/s (one thread)',
    events: events.length,
    seconds: Number(seconds.toFixed(2)),
    clientCpuSeconds: Number((ms / 1000).toFixed(2)),
    clientMicrosecondsPerEvent: Number(((ms * 1000) / events.length).toFixed(2)),
  });
}

try {
  for (let round = 1; round <= ROUNDS; round++) {
    const schema = `${PREFIX}_r${round}`;
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    let stage: { pieces: string[]; rollups: string }[] = [];
    if (FIGURES.has('encode') || FIGURES.has('copy-stage'))
      clientOnly('encode', round, () => {
        stage = appends.map(encodeForStage);
      });
    if (FIGURES.has('validate')) clientOnly('validate', round, () => appends.forEach(assertStoredEvents));

    if (FIGURES.has('copy-indexed') || FIGURES.has('copy-heap') || FIGURES.has('copy-indexed-live')) {
      // A copy of the events table made by the store's own migration (partitions, primary key, 6 indexes).
      const copyStore = new PostgresEventStore({ pool, schema, tableName: 'ceiling_events' });
      await copyStore.migrate();
      await new MonthPartitions({ schema, name: 'ceiling_events' }).ensure(pool, events);
      await pool.query(
        `CREATE TABLE "${schema}".ceiling_heap (LIKE "${schema}".ceiling_events INCLUDING DEFAULTS)`,
      );
      const encoded = appends.map(encodeForEventTable);
      const rows = countLines(encoded);
      const columns = EVENT_COLUMNS.join(', ');
      for (const [figure, table] of [
        ['copy-indexed', 'ceiling_events'],
        ['copy-heap', 'ceiling_heap'],
      ] as const) {
        if (!FIGURES.has(figure)) continue;
        await pool.query('CHECKPOINT');
        gc();
        const sql = `COPY "${schema}".${table} (${columns}) FROM STDIN`;
        report(
          figure,
          round,
          events.length,
          rows,
          await concurrently(pool, appends.length, copyAppend(pool, sql, encoded)),
        );
      }
      if (FIGURES.has('copy-indexed-live')) {
        // The same COPY with each writer encoding its append first: client and server on the same two cores.
        await pool.query(`TRUNCATE "${schema}".ceiling_events`);
        await pool.query('CHECKPOINT');
        gc();
        const sql = `COPY "${schema}".ceiling_events (${columns}) FROM STDIN`;
        const timed = await concurrently(pool, appends.length, (i) =>
          copyAppend(pool, sql, [encodeForEventTable(appends[i] as StoredEvent[])])(0),
        );
        report('copy-indexed-live', round, events.length, rows, timed);
      }
    }

    if (FIGURES.has('copy-stage')) {
      const pieces = stage.map((s) => s.pieces);
      // Each pooled connection gets the session's staging table, as the store creates it.
      const clients = await Promise.all(Array.from({ length: WRITERS }, () => pool.connect()));
      for (const client of clients) await client.query(createCopyStageSql());
      for (const client of clients) client.release();
      gc();
      report(
        'copy-stage',
        round,
        events.length,
        countLines(pieces),
        await concurrently(pool, appends.length, copyAppend(pool, COPY_STAGE_SQL, pieces)),
      );
    }
    stage = [];

    if (FIGURES.has('store-append')) {
      const store = new PostgresEventStore({ pool, schema: `${schema}_store` });
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}_store" CASCADE`);
      await store.migrate();
      await pool.query('CHECKPOINT');
      gc();
      const timed = await concurrently(pool, appends.length, (i) =>
        store.append(appends[i] as StoredEvent[]),
      );
      report('store-append', round, events.length, Number.NaN, timed);
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}_store" CASCADE`);
    }
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
} finally {
  await pool.end();
}
