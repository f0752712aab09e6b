/**
 * Live metrics on a 250,000-message campaign receiving 4,000 events/s: each `watchCampaignMetrics`
 * update (the incremental fold behind it: read what was appended since, re-fold the people it concerns,
 * summarize) measured in CPU ms of this process, per store, after each second's worth of events is
 * appended; and whether the result equals a full `computeCampaignMetrics` at the same point.
 * Goal: ≤ 50 ms CPU per update. PostgreSQL runs when WACLOUD_TEST_DATABASE_URL (default local) answers.
 * BENCH_STORES=memory|postgres runs one store only. Prints one JSON line per figure.
 * Also printed: the heap the watch holds after its updates (`heap_held_per_message_bytes`, with `--expose-gc`).
 * Run with `--expose-gc`: a full GC runs once before the watch starts, so the updates are not charged
 * for collecting the bench's own generated stream (hundreds of MB no watcher would hold), and a minor GC
 * (young generation only) runs before each update, so an update is not charged for collecting the
 * garbage the appends before it left.
 * The updates run back to back, each after its second's appends (no idle time between them: idle time
 * would invite V8's memory reducer, a full GC of the watcher's heap, into the measured window).
 * The watch starts right after the initial full fold, so the first updates also pay for compiling
 * whatever of the update's code `start` did not run: `update_cpu_ms_p50_after_first` is the steady
 * state (every update but the first); every update's CPU is printed as well (`update_cpu_ms_all`).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { EventStore, StoredEvent } from '../src/events/index.js';
import { MemoryEventStore } from '../src/events/index.js';
import { PostgresEventStore } from '../src/events/stores/postgres.js';
import { computeCampaignMetrics } from '../src/metrics/index.js';
import { LiveCampaignFold } from '../src/metrics/live-campaign-fold.js';
import { generateCampaign } from '../test/metrics/generate-campaign.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 250_000);
const EVENTS_PER_SECOND = 4000;
const UPDATES = Number(process.env.BENCH_UPDATES ?? 10);
const CAMPAIGN = 'launch';
const QUERY = { campaignId: CAMPAIGN, groupBy: 'variant' as const, rateCard: { marketing: 0.0613 } };
/** Set in the child process that appends the live seconds (see `appenderProcess`): the schema to append to. */
const APPENDER_ENV = 'BENCH_WATCH_APPENDER_SCHEMA';
const DATABASE_URL = process.env.WACLOUD_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** `gc` of `--expose-gc`, when given. */
const gc = (globalThis as { gc?: (options?: { type: 'minor' }) => void }).gc;

function print(
  store: string,
  figure: string,
  value: number | boolean | string,
  unit: string,
  extra = {},
): void {
  const shown = typeof value === 'number' ? Number(value.toFixed(3)) : value;
  const load = Number(loadavg()[0]!.toFixed(2));
  console.log(JSON.stringify({ bench: 'watch-metrics', store, figure, value: shown, unit, load, ...extra }));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function appendAll(store: EventStore, events: StoredEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 20_000) await store.append(events.slice(i, i + 20_000));
}

/**
 * Appends all but the last `UPDATES` seconds of a freshly generated stream and returns those last seconds:
 * the appended events are not kept here (a store that keeps them, like the memory store, still does), so
 * the watcher's heap holds the fold and the store, as in a real process, not the bench's generated copy.
 */
async function loadAllButLive(store: EventStore): Promise<{ live: StoredEvent[]; loaded: number }> {
  const { live, loaded } = liveSeconds();
  await appendAll(store, loaded);
  return { live, loaded: loaded.length };
}

/** The seeded stream split into what is there before the watch and its last `UPDATES` seconds. */
function liveSeconds(): { live: StoredEvent[]; loaded: StoredEvent[] } {
  const events = generateCampaign({ messages: MESSAGES, seed: 2026, shuffle: true });
  const loaded = events.length - UPDATES * EVENTS_PER_SECOND;
  const live = events.slice(loaded);
  events.length = loaded;
  return { live, loaded: events };
}

/** Appends the `u`th live second to the store; resolves how many of its events were new. */
type AppendSecond = (u: number) => Promise<number>;

/** A process appending the live seconds, and how to stop it. */
interface Appender {
  append: AppendSecond;
  stop: () => void;
}

function appendInProcess(store: EventStore, live: readonly StoredEvent[]): AppendSecond {
  return async (u) =>
    (await store.appendNew!(live.slice(u * EVENTS_PER_SECOND, (u + 1) * EVENTS_PER_SECOND))).length;
}

/**
 * A child process appending the live seconds to the PostgreSQL schema on request, as `wacloud listen`
 * does beside a watching `wacloud dashboard`: its CPU and garbage are not the watcher's.
 */
async function appenderProcess(schema: string): Promise<Appender> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, [APPENDER_ENV]: schema },
    execArgv: process.execArgv,
  });
  await once(child, 'message'); // generated its stream and connected
  let pending: { resolve: (count: number) => void; reject: (error: Error) => void } | undefined;
  child.on('message', (count) => pending?.resolve(count as number));
  // A child that dies fails the append waiting for it (else the bench would wait forever).
  child.on('exit', (code) => pending?.reject(new Error(`the appender process exited (${code})`)));
  return {
    append: (u) =>
      new Promise((resolve, reject) => {
        pending = { resolve, reject };
        child.send(u);
      }),
    stop: () => child.disconnect(),
  };
}

/** The child of {@link appenderProcess}: appends second `u` on each message `u`. */
async function runAppender(schema: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const append = appendInProcess(
    new PostgresEventStore({ pool, schema, validate: false }),
    liveSeconds().live,
  );
  process.on('message', async (u) => process.send!(await append(u as number)));
  process.once('disconnect', () => void pool.end());
  process.send!('ready');
}

/**
 * Watches `store` through the live seconds. With `appenderSchema` (PostgreSQL), a child process appends
 * them to that schema (see {@link appenderProcess}); else this process does.
 */
async function run(name: string, store: EventStore, appenderSchema?: string): Promise<void> {
  const { live: events, loaded } = await loadAllButLive(store);
  const child = appenderSchema === undefined ? undefined : await appenderProcess(appenderSchema);
  if (child) events.length = 0; // the child appends its own copy: the watcher holds none
  try {
    await watch(name, store, child ? child.append : appendInProcess(store, events), loaded);
  } finally {
    child?.stop();
  }
}

/** Starts a live fold on `store`, then appends each live second and times the update that follows. */
async function watch(
  name: string,
  store: EventStore,
  appendSecond: AppendSecond,
  loaded: number,
): Promise<void> {
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const fold = new LiveCampaignFold(store, QUERY);
  const startCpu = process.cpuUsage();
  await fold.start();
  const start = process.cpuUsage(startCpu);
  print(name, 'start_cpu_ms', (start.user + start.system) / 1000, 'ms', { events: loaded });
  const cpu: number[] = [];
  const wall: number[] = [];
  let equal = true;
  let fullCpuMs = 0;
  let newEvents = 0;
  for (let u = 0; u < UPDATES; u++) {
    newEvents += await appendSecond(u);
    gc?.({ type: 'minor' });
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await fold.update();
    const metrics = fold.metrics();
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
    if (u === 0 || u === UPDATES - 1) {
      const f0 = process.cpuUsage();
      const full = await computeCampaignMetrics(store, QUERY);
      const f = process.cpuUsage(f0);
      fullCpuMs = (f.user + f.system) / 1000;
      equal &&= JSON.stringify(full) === JSON.stringify(metrics);
    }
  }
  const extra = {
    messages: MESSAGES,
    eventsPerUpdate: EVENTS_PER_SECOND,
    updates: UPDATES,
    newPerUpdate: Math.round(newEvents / UPDATES),
  };
  // Per-update readings of a short interval are coarse on a loaded machine; the mean is their sum / count.
  print(name, 'update_cpu_ms_mean', cpu.reduce((a, b) => a + b, 0) / cpu.length, 'ms', extra);
  print(name, 'update_cpu_ms_p50', percentile(cpu, 0.5), 'ms', extra);
  print(name, 'update_cpu_ms_p90', percentile(cpu, 0.9), 'ms', extra);
  if (cpu.length > 1)
    print(name, 'update_cpu_ms_p50_after_first', percentile(cpu.slice(1), 0.5), 'ms', extra);
  print(name, 'update_cpu_ms_max', Math.max(...cpu), 'ms', { ...extra, goal: 50 });
  print(name, 'update_wall_ms_p50', percentile(wall, 0.5), 'ms', extra);
  print(name, 'update_cpu_ms_all', cpu.map((ms) => Number(ms.toFixed(1))).join(' '), 'ms', extra);
  print(name, 'equal_to_full_computation', equal, 'boolean', extra);
  // For scale, in the same run: one full computeCampaignMetrics at the last update (this process's CPU).
  print(name, 'full_computation_cpu_ms', fullCpuMs, 'ms', extra);
  // What the watch holds once the updates are done (a full GC first, so only what is live): the fold's
  // state, and on the memory store what the store gained from the live seconds' events.
  if (gc) {
    gc();
    const held = process.memoryUsage().heapUsed - heapBefore;
    print(name, 'heap_held_after_updates_mb', held / 1e6, 'MB', extra);
    print(name, 'heap_held_per_message_bytes', held / MESSAGES, 'bytes', extra);
  }
  // Keeps the fold reachable up to the measurement above.
  fold.metrics();
}

// The live events are a uniform sample of the stream (shuffled): new sends, statuses, replies, clicks,
// repeats and the follow-up campaign in their usual shares. (Unshuffled, the stream ends with its
// repeats, which the store drops: the updates would read nothing new.)
// Each store's run generates the same seeded stream anew (see `liveSeconds`).
async function main(): Promise<void> {
  if (process.env.BENCH_STORES !== 'postgres') await run('memory', new MemoryEventStore({ validate: false }));
  if (process.env.BENCH_STORES === 'memory') return;

  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  const schema = `wacloud_bench_watch_${process.pid}`;
  try {
    await pool.query('SELECT 1');
  } catch {
    console.error('watch-metrics bench: PostgreSQL unreachable, skipped');
    await pool.end();
    return;
  }
  try {
    // The live seconds come from another process, as from `wacloud listen` (BENCH_APPEND=in-process: from this one).
    const separate = process.env.BENCH_APPEND !== 'in-process';
    await run(
      'postgres',
      new PostgresEventStore({ pool, schema, validate: false }),
      separate ? schema : undefined,
    );
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}

const appenderSchema = process.env[APPENDER_ENV];
if (appenderSchema) await runAppender(appenderSchema);
else await main();
