/**
 * exportEvents on PostgreSQL: loads a generated campaign stream (Meta-shaped ids) into a fresh schema,
 * then streams every event out as NDJSON to nowhere, sampling the heap as it goes. Prints one JSON line:
 * events/s exported and the heap's growth (the export must stay flat however many events there are).
 * Usage: `node --expose-gc --import tsx bench/export-events.bench.ts [messages]` (default 250,000: ~1M
 * events; 2,500,000 gives ~10M). PostgreSQL URL from WACLOUD_BENCH_DATABASE_URL.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import { PostgresEventStore } from '../src/events/stores/postgres.js';
import { exportEvents } from '../src/report/export-events.js';
import { generateCampaignStream } from '../test/events/stores/sql/campaign-stream.js';

const MESSAGES = Number(process.argv[2] ?? 250_000);
/** Messages generated and appended at a time, so the load itself stays within memory at 10M events. */
const GENERATE_CHUNK = 50_000;
const connectionString = process.env.WACLOUD_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const heapMiB = () => process.memoryUsage().heapUsed / 2 ** 20;

const schema = `wacloud_bench_export_${randomBytes(4).toString('hex')}`;
const pool = new pg.Pool({ connectionString });
const store = new PostgresEventStore({ pool, schema });
try {
  for (let start = 0; start < MESSAGES; start += GENERATE_CHUNK) {
    const events = generateCampaignStream({
      messages: Math.min(GENERATE_CHUNK, MESSAGES - start),
      seed: start + 1,
      campaignId: `c${start}`,
      metaMessageIds: true,
      startMs: Date.UTC(2026, 0, 1) + start * 60_000,
    });
    for (let i = 0; i < events.length; i += 10_000) await store.append(events.slice(i, i + 10_000));
  }
  gc();
  const heapBefore = heapMiB();
  let heapMax = heapBefore;
  let lines = 0;
  let bytes = 0;
  const started = performance.now();
  for await (const line of exportEvents(store, { format: 'ndjson' })) {
    lines++;
    bytes += line.length;
    if (lines % 100_000 === 0) {
      gc();
      heapMax = Math.max(heapMax, heapMiB());
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      bench: 'export-events',
      figure: 'postgres ndjson export',
      value: Math.round(lines / seconds),
      unit: 'events/s',
      events: lines,
      megabytes: Math.round(bytes / 2 ** 20),
      seconds: Number(seconds.toFixed(1)),
      heapGrowthMiB: Number((heapMax - heapBefore).toFixed(1)),
      goal: 'heap growth < 100 MiB at 10M events',
      load1: Number((loadavg()[0] ?? 0).toFixed(2)),
    }),
  );
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
}
