/**
 * Erasure and retention at campaign scale: a seeded campaign (`generateCampaign`, default 50,000
 * messages ≈ 200,000 events) is appended to each store (memory; SQLite WAL file in the OS temp dir;
 * PostgreSQL 127.0.0.1:5432 database `test`, a fresh schema dropped afterwards), then 20 recipients are
 * erased one by one (ms per erasure, median and max), `isErased` is asked 2,000 times (µs per check,
 * what the queue pays per send), and the older half of the events is purged (ms). One JSON line per figure.
 * Usage: `node --expose-gc --import tsx bench/erasure.bench.ts [messages]` (PostgreSQL URL from WACLOUD_BENCH_DATABASE_URL).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { EventStore } from '../src/events/event-store.js';
import { MemoryEventStore } from '../src/events/stores/memory.js';
import { PostgresEventStore } from '../src/events/stores/postgres.js';
import { SqliteEventStore } from '../src/events/stores/sqlite.js';
import { generateCampaign } from '../test/metrics/generate-campaign.js';

const MESSAGES = Number(process.argv[2] ?? 50_000);
const KEY = 'bench-erasure-key-0123456789abcdef';
const connectionString = process.env.WACLOUD_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function print(
  store: string,
  figure: string,
  value: number,
  unit: string,
  extra: Record<string, unknown> = {},
) {
  const load1 = Number(loadavg()[0]?.toFixed(1));
  console.log(
    JSON.stringify({
      bench: 'erasure',
      store,
      figure,
      value: Number(value.toFixed(3)),
      unit,
      ...extra,
      load1,
    }),
  );
}

const events = generateCampaign({ messages: MESSAGES, seed: 12 });
const recipients = [...new Set(events.flatMap((e) => (e.kind === 'outbound' ? [e.recipientId] : [])))];
const times = events.map((e) => e.at.getTime()).sort((a, b) => a - b);
const middle = new Date(times[Math.floor(times.length / 2)] as number);

async function measure(name: string, store: EventStore & { close?(): Promise<void> }): Promise<void> {
  for (let i = 0; i < events.length; i += 5000) await store.append(events.slice(i, i + 5000));
  const erase: number[] = [];
  let rewritten = 0;
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    const summary = await store.eraseRecipient!(recipients[i * 97] as string);
    erase.push(performance.now() - start);
    rewritten += summary.eventsRewritten;
  }
  erase.sort((a, b) => a - b);
  print(name, 'erase-median', erase[10] as number, 'ms', {
    events: events.length,
    rewrittenPerErase: rewritten / 20,
  });
  print(name, 'erase-max', erase[19] as number, 'ms');
  const checks = 2000;
  const start = performance.now();
  for (let i = 0; i < checks; i++) await store.isErased!(recipients[(i * 31) % recipients.length] as string);
  print(name, 'isErased', ((performance.now() - start) * 1000) / checks, 'us');
  const purgeStart = performance.now();
  const purged = await store.purge!({ before: middle });
  print(name, 'purge-half', performance.now() - purgeStart, 'ms', { deleted: purged.deleted });
  await store.close?.();
}

await measure('memory', new MemoryEventStore({ erasureKey: KEY }));
const dir = mkdtempSync(join(tmpdir(), 'wacloud-erasure-bench-'));
try {
  await measure('sqlite', new SqliteEventStore({ filename: join(dir, 'events.db'), erasureKey: KEY }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const schema = `wacloud_erasure_bench_${randomBytes(3).toString('hex')}`;
const pool = new pg.Pool({ connectionString, max: 4 });
try {
  await measure('postgres', new PostgresEventStore({ pool, schema, erasureKey: KEY }));
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
}
