/**
 * SQL event stores at campaign scale: a seeded 250,000-message campaign (~1,000,000 events with repeats
 * and disorder, plus a second campaign to the same recipients) is appended to SQLite (a WAL file in the
 * OS temp dir) and PostgreSQL (127.0.0.1:5432, database `test`, a fresh schema dropped afterwards), then
 * `computeCampaignMetrics` runs against each. Prints one JSON line per figure.
 * Usage: `npx tsx bench/metrics-sql.bench.ts [messages]` (PostgreSQL URL from WACLOUD_BENCH_DATABASE_URL).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { computeCampaignMetrics } from '../src/metrics/compute-campaign-metrics.js';
import type { EventStore } from '../src/metrics/event-store.js';
import type { StoredEvent } from '../src/metrics/stored-event.js';
import { PostgresEventStore } from '../src/metrics/stores/postgres.js';
import { SqliteEventStore } from '../src/metrics/stores/sqlite.js';
import { generateCampaignStream } from '../test/metrics/sql/campaign-stream.js';

const MESSAGES = Number(process.argv[2] ?? 250_000);
const APPEND_CHUNK = 10_000;
/** Concurrent appenders for PostgreSQL (SQLite is synchronous: one). `WACLOUD_BENCH_PG_WRITERS=1` for a single writer. */
const POSTGRES_WRITERS = Number(process.env.WACLOUD_BENCH_PG_WRITERS ?? 2);
const CAMPAIGN = 'spring';
const RATE_CARD = { marketing: 0.0613, utility: 0.008, authentication: 0.0135 };
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

async function measure(
  name: string,
  store: EventStore,
  events: StoredEvent[],
  writers: number,
): Promise<void> {
  let cpu = process.cpuUsage();
  const ingestSeconds = await ingest(store, events, writers);
  line(`${name} ingest`, Math.round(events.length / ingestSeconds), 'events/s', {
    events: events.length,
    messages: MESSAGES,
    seconds: Number(ingestSeconds.toFixed(2)),
    goal: name === 'postgres' ? '>= 50000 events/s' : undefined,
    appendChunk: APPEND_CHUNK,
    writers,
    clientCpuSeconds: cpuSeconds(cpu),
  });
  // First run right after the bulk load (PostgreSQL refreshes its planner statistics then), then again.
  for (const run of ['first after load', 'again']) {
    cpu = process.cpuUsage();
    const started = performance.now();
    const metrics = await computeCampaignMetrics(store, { campaignId: CAMPAIGN, rateCard: RATE_CARD });
    const seconds = (performance.now() - started) / 1000;
    line(`${name} computeCampaignMetrics`, Number(seconds.toFixed(3)), 's', {
      run,
      messages: metrics.sent,
      delivered: metrics.delivered,
      clientCpuSeconds: cpuSeconds(cpu),
      goal: '<= 3 s',
    });
  }
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

const events = generateCampaignStream({ messages: MESSAGES, seed: 42, campaignId: CAMPAIGN });

const dir = mkdtempSync(join(tmpdir(), 'wacloud-bench-'));
try {
  const sqlite = new SqliteEventStore({ filename: join(dir, 'events.db') });
  await measure('sqlite', sqlite, events, 1);
  await sqlite.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (await postgresReachable()) {
  const schema = `wacloud_bench_${randomBytes(4).toString('hex')}`;
  const postgres = new PostgresEventStore({ connectionString, schema });
  try {
    await measure('postgres', postgres, events, POSTGRES_WRITERS);
  } finally {
    await postgres.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await postgres.close();
  }
} else {
  console.error('metrics-sql bench: PostgreSQL at 127.0.0.1:5432 is unreachable; skipped its figures');
}
