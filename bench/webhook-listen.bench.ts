/**
 * `wacloud listen` (the built dist/cli.js, spawned) under Meta-like webhook load over loopback:
 * signed POSTs sent open-loop at a fixed rate (latency counted from each request's scheduled time, so a
 * stall is not hidden), answered 200 only once stored. Figures:
 * - `sustain-pg-1` / `sustain-pg-20`: 4,000 events/s for `seconds` (default 60) into PostgreSQL, one
 *   status per POST and 20 statuses per POST: p50/p99 latency, events answered 200, and the rows counted
 *   in the database afterwards (lost = answered but missing, doubled = rows beyond the unique events);
 * - `max-rate-<store>-<server>`: the highest rate of a ladder (500 to 20,000 events/s, 10 s steps, best of 2 tries) that is
 *   sustained with every POST answered 200, ≥ 97 % of the rate achieved and p99 ≤ 250 ms, for SQLite and PostgreSQL, for
 *   `wacloud listen` and for the hand-written floor (bench/listen-floor-server.ts: node:http + HMAC +
 *   JSON.parse + batched append), and their ratio.
 * Every figure also gives the CPU the server process (and, for PostgreSQL, its backends) spent per 1,000
 * events, read from /proc: on a shared machine that is the comparable number, the rates are not; and
 * the 1-minute load average at the start and end of the run.
 * Lost and doubled are counted per event in the database: an event whose POST was answered 200 but whose
 * message id has no row is lost; rows beyond one per event key are doubled.
 * Needs `npm run build` and PostgreSQL (WACLOUD_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
 * Usage: `npx tsx bench/webhook-listen.bench.ts [seconds] [only: sustain|sustain-1|sustain-20|sustain-floor|max|max-sqlite|max-pg]`.
 * Environment: `WACLOUD_BENCH_LISTEN_ARGS` (extra `wacloud listen` flags, e.g. `--batch-delay-ms 1`),
 * `WACLOUD_BENCH_CPU_PROF=<dir>` (runs `wacloud listen` under `node --cpu-prof`, profiles written in dir),
 * `WACLOUD_BENCH_RATE` (the sustain figures' rate, default 4000), `WACLOUD_BENCH_CLI` (another build's cli.js,
 * to compare two builds on the same machine load).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Pool } from 'undici';
import { backendCpuDelta, backendCpuMs, load1, processCpuMs } from './process-cpu.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const CLI = process.env.WACLOUD_BENCH_CLI ?? join(root, 'dist/cli.js');
const SECONDS = Number(process.argv[2] ?? 60);
const ONLY = process.argv[3];
const SECRET = 'bench-listen-secret';
const DATABASE_URL = process.env.WACLOUD_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const LADDER = [500, 1000, 2000, 3000, 4000, 6000, 8000, 11000, 15000, 20000];
const STEP_SECONDS = 10;
const SUSTAIN_RATE = Number(process.env.WACLOUD_BENCH_RATE ?? 4000);
const LISTEN_ARGS = (process.env.WACLOUD_BENCH_LISTEN_ARGS ?? '').split(/\s+/).filter(Boolean);
const CPU_PROF = process.env.WACLOUD_BENCH_CPU_PROF;

function line(figure: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ bench: 'webhook-listen', figure, value, unit, ...extra }));
}

const metadata = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };
function body(ids: string[]): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata,
              statuses: ids.map((id, i) => ({
                id,
                status: 'delivered',
                timestamp: String(1750030081 + i),
                recipient_id: '16505551234',
                pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
              })),
            },
          },
        ],
      },
    ],
  });
}

interface Target {
  store: 'pg' | 'sqlite';
  server: 'listen' | 'floor';
}

/** CPU milliseconds used so far by the server process and (PostgreSQL) its backends. */
interface CpuSample {
  server: number;
  backends: Map<number, number>;
}

/** What the database holds after a run, checked event by event against the POSTs answered 200. */
interface Verification {
  rows: number;
  /** Events answered 200 whose row is missing. */
  lost: number;
  /** Rows beyond the first of an event. */
  doubled: number;
}

interface Server {
  url: string;
  child: ChildProcess;
  cpu(): Promise<CpuSample>;
  verify(prefix: string, perPost: number, answered: Uint8Array): Promise<Verification>;
  cleanup(): Promise<void>;
}

function listenArgv(spec: string): string[] {
  return [
    ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : []),
    CLI,
    'listen',
    '--port',
    '0',
    '--store',
    spec,
    '--summary-every',
    '0',
    '--app-secret',
    SECRET,
    '--verify-token',
    'v',
    ...LISTEN_ARGS,
  ];
}

async function startServer({ store, server }: Target): Promise<Server> {
  const tag = `b${randomBytes(4).toString('hex')}`;
  let spec: string;
  let dir: string | undefined;
  let monitor: pg.Client | undefined;
  if (store === 'pg') {
    const url = new URL(DATABASE_URL);
    url.searchParams.set('schema', tag);
    url.searchParams.set('application_name', tag); // finds the server's backends in pg_stat_activity
    spec = url.toString();
    monitor = new pg.Client({ connectionString: DATABASE_URL });
    await monitor.connect();
  } else {
    dir = mkdtempSync(join(tmpdir(), 'wacloud-bench-listen-'));
    spec = `sqlite:${join(dir, 'wa.db')}`;
  }
  const child =
    server === 'listen'
      ? spawn(process.execPath, listenArgv(spec), { stdio: ['ignore', 'pipe', 'inherit'] })
      : spawn(process.execPath, ['--import', 'tsx', join(here, 'listen-floor-server.ts'), spec, SECRET], {
          stdio: ['ignore', 'pipe', 'inherit'],
          cwd: root,
        });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /listening on (?:http:\/\/127\.0\.0\.1:)?(\d+)/.exec(out);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });

  /** Rows per message id (every bench event is one `delivered` status of its own message). */
  async function rowsPerMessage(): Promise<Map<string, number>> {
    const sql = 'SELECT message_id AS id, count(*) AS n FROM %s GROUP BY message_id';
    if (store === 'pg') {
      const { rows } = await (monitor as pg.Client).query<{ id: string; n: string }>(
        sql.replace('%s', `"${tag}".wacloud_events`),
      );
      return new Map(rows.map((r) => [r.id, Number(r.n)]));
    }
    const db = new Database(join(dir as string, 'wa.db'), { readonly: true });
    try {
      const rows = db.prepare(sql.replace('%s', 'wacloud_events')).all() as { id: string; n: number }[];
      return new Map(rows.map((r) => [r.id, r.n]));
    } finally {
      db.close();
    }
  }

  return {
    url: `http://127.0.0.1:${port}`,
    child,
    async cpu() {
      return {
        server: processCpuMs(child.pid),
        backends: monitor ? await backendCpuMs(monitor, tag) : new Map(),
      };
    },
    async verify(prefix, perPost, answered) {
      const perMessage = await rowsPerMessage();
      let rows = 0;
      let doubled = 0;
      for (const n of perMessage.values()) {
        rows += n;
        doubled += n - 1;
      }
      let lost = 0;
      for (let i = 0; i < answered.length; i++) {
        if (answered[i] !== 1) continue;
        for (let k = 0; k < perPost; k++) if (!perMessage.has(messageId(prefix, i, k))) lost++;
      }
      return { rows, lost, doubled };
    },
    async cleanup() {
      if (monitor) {
        await monitor.query(`DROP SCHEMA IF EXISTS "${tag}" CASCADE`);
        await monitor.end();
      } else rmSync(dir as string, { recursive: true, force: true });
    },
  };
}

function messageId(prefix: string, post: number, k: number): string {
  return `wamid.${prefix}.${post}.${k}`;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface LoadResult {
  posts: number;
  ok: number;
  failed: number;
  /** 1 where the POST was answered 200, by POST index. */
  answered: Uint8Array;
  answeredEvents: number;
  achievedEventsPerSecond: number;
  wallMs: number;
  p50: number;
  p99: number;
  max: number;
  /**
   * How late this process sent the POSTs (p99, ms): on a loaded machine the generator itself falls
   * behind, and that lateness is in the latencies (they count from each POST's scheduled time).
   */
  sendLagP99: number;
}

/** Sends `rate` events/s (`perPost` statuses per POST) for `seconds`, open-loop. */
async function load(
  url: string,
  rate: number,
  perPost: number,
  seconds: number,
  prefix: string,
): Promise<LoadResult> {
  const pool = new Pool(url, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });
  const postsPerSecond = rate / perPost;
  const total = Math.round(postsPerSecond * seconds);
  const answered = new Uint8Array(total);
  const latencies: number[] = [];
  const lags: number[] = [];
  let ok = 0;
  let failed = 0;
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  let lastAnswer = start;
  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - start) / 1000) * postsPerSecond));
    while (sent < due) {
      const i = sent++;
      const scheduled = start + (i / postsPerSecond) * 1000;
      lags.push(performance.now() - scheduled);
      const ids = Array.from({ length: perPost }, (_, k) => messageId(prefix, i, k));
      const payload = body(ids);
      const signature = `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}`;
      const p = pool
        .request({
          path: '/webhook',
          method: 'POST',
          body: payload,
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        })
        .then(
          async (res) => {
            await res.body.dump();
            lastAnswer = performance.now();
            latencies.push(lastAnswer - scheduled);
            if (res.statusCode === 200) {
              ok++;
              answered[i] = 1;
            } else failed++;
          },
          () => {
            failed++;
          },
        );
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await Promise.all([...inFlight]);
  await pool.close();
  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  const at = (q: number, values = latencies) =>
    values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? Number.NaN;
  const wallMs = lastAnswer - start;
  return {
    posts: total,
    ok,
    failed,
    answered,
    answeredEvents: ok * perPost,
    achievedEventsPerSecond: (ok * perPost) / (wallMs / 1000),
    wallMs,
    p50: Math.round(at(0.5) * 10) / 10,
    p99: Math.round(at(0.99) * 10) / 10,
    max: Math.round((latencies.at(-1) ?? Number.NaN) * 10) / 10,
    sendLagP99: Math.round(at(0.99, lags) * 10) / 10,
  };
}

/** A load run with the CPU the server (and its PostgreSQL backends) spent on it. */
interface MeasuredRun extends LoadResult {
  serverCpuMsPer1000Events: number;
  postgresCpuMsPer1000Events: number | undefined;
  /** Server CPU over wall time: 1 = one core busy the whole run. */
  serverCores: number;
  /** The load generator's (this process's) CPU over wall time. */
  generatorCores: number;
}

async function measuredLoad(
  server: Server,
  store: Target['store'],
  rate: number,
  perPost: number,
  seconds: number,
  prefix: string,
): Promise<MeasuredRun> {
  const before = await server.cpu();
  const generatorBefore = process.cpuUsage();
  const result = await load(server.url, rate, perPost, seconds, prefix);
  const generator = process.cpuUsage(generatorBefore);
  const after = await server.cpu();
  const events = Math.max(1, result.answeredEvents);
  const serverCpu = after.server - before.server;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    ...result,
    serverCpuMsPer1000Events: round((serverCpu * 1000) / events),
    postgresCpuMsPer1000Events:
      store === 'pg' ? round((backendCpuDelta(before.backends, after.backends) * 1000) / events) : undefined,
    serverCores: Math.round((serverCpu / result.wallMs) * 100) / 100,
    generatorCores: Math.round(((generator.user + generator.system) / 1000 / result.wallMs) * 100) / 100,
  };
}

function sustained(result: LoadResult, rate: number): boolean {
  return result.failed === 0 && result.achievedEventsPerSecond >= 0.97 * rate && result.p99 <= 250;
}

async function sustain(perPost: number, kind: Target['server'] = 'listen'): Promise<void> {
  const loadStart = load1();
  const server = await startServer({ store: 'pg', server: kind });
  try {
    const prefix = `s${perPost}`;
    const result = await measuredLoad(server, 'pg', SUSTAIN_RATE, perPost, SECONDS, prefix);
    await stop(server.child);
    const { rows, lost, doubled } = await server.verify(prefix, perPost, result.answered);
    line(`sustain-pg-${perPost}${kind === 'floor' ? '-floor' : ''}`, result.p50, 'ms p50', {
      p99: result.p99,
      maxMs: result.max,
      sendLagP99Ms: result.sendLagP99,
      targetEventsPerSecond: SUSTAIN_RATE,
      achievedEventsPerSecond: Math.round(result.achievedEventsPerSecond),
      met: sustained(result, SUSTAIN_RATE) && result.p50 <= 50 && lost === 0 && doubled === 0,
      seconds: SECONDS,
      eventsPerPost: perPost,
      posts: result.posts,
      non200: result.failed,
      answeredEvents: result.answeredEvents,
      rowsInDatabase: rows,
      lost,
      doubled,
      serverCpuMsPer1000Events: result.serverCpuMsPer1000Events,
      postgresCpuMsPer1000Events: result.postgresCpuMsPer1000Events,
      serverCores: result.serverCores,
      generatorCores: result.generatorCores,
      ...(kind === 'listen' ? { listenArgs: LISTEN_ARGS.join(' ') } : {}),
      loadStart,
      loadEnd: load1(),
    });
  } finally {
    await stop(server.child);
    await server.cleanup();
  }
}

/** One ladder step's outcome: sustained or not, and the server's CPU per 1,000 events of the best try. */
interface StepResult {
  ok: boolean;
  cpuMsPer1000Events: number;
}

/** One ladder step: sustained on the first try, or on a second one (the machine is shared: a stall elsewhere is not the server's). */
async function step(target: Target, rate: number): Promise<StepResult> {
  let cpu = Number.NaN;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const server = await startServer(target);
    const prefix = `m${rate}.${attempt}`;
    let result: MeasuredRun;
    let verified: Verification;
    try {
      result = await measuredLoad(server, target.store, rate, 1, STEP_SECONDS, prefix);
      await stop(server.child);
      verified = await server.verify(prefix, 1, result.answered);
    } finally {
      await stop(server.child);
      await server.cleanup();
    }
    const ok = sustained(result, rate) && verified.lost === 0 && verified.doubled === 0;
    cpu = result.serverCpuMsPer1000Events;
    console.error(
      `  ${target.store}/${target.server} ${rate}/s try ${attempt}: ${ok ? 'ok' : 'not sustained'} ` +
        `(achieved ${Math.round(result.achievedEventsPerSecond)}/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
        `send lag p99 ${result.sendLagP99} ms, non-200 ${result.failed}, lost ${verified.lost}, doubled ${verified.doubled}, ` +
        `server CPU ${result.serverCpuMsPer1000Events} ms/1000 events, load ${load1()})`,
    );
    if (ok) return { ok, cpuMsPer1000Events: cpu };
  }
  return { ok: false, cpuMsPer1000Events: cpu };
}

/**
 * Climbs the ladder for `wacloud listen` and the floor side by side (at each rate one then the other,
 * so both meet the same machine load) until neither sustains it.
 */
async function maxRates(store: Target['store']): Promise<{ listen: number; floor: number }> {
  const loadStart = load1();
  const best = { listen: 0, floor: 0 };
  const alive = { listen: true, floor: true };
  /** CPU ratios listen/floor at the rates both ran. */
  const cpuRatios: number[] = [];
  const cpu = { listen: [] as number[], floor: [] as number[] };
  for (const rate of LADDER) {
    const results: Partial<Record<Target['server'], StepResult>> = {};
    for (const server of ['listen', 'floor'] as const) {
      if (!alive[server]) continue;
      const result = await step({ store, server }, rate);
      results[server] = result;
      if (result.ok) {
        best[server] = rate;
        cpu[server].push(result.cpuMsPer1000Events);
      } else alive[server] = false;
    }
    // CPU per event means something even at a rate not sustained (the machine may be shared).
    if (results.listen !== undefined && results.floor !== undefined) {
      cpuRatios.push(results.listen.cpuMsPer1000Events / results.floor.cpuMsPer1000Events);
    }
    if (!alive.listen && !alive.floor) break;
  }
  const median = (values: number[]) =>
    values.length === 0 ? Number.NaN : [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  for (const server of ['listen', 'floor'] as const) {
    line(`max-rate-${store}-${server}`, best[server], 'events/s', {
      eventsPerPost: 1,
      stepSeconds: STEP_SECONDS,
      rule: 'all 200, >= 97% achieved, p99 <= 250 ms, none lost or doubled (best of 2 tries per step)',
      medianCpuMsPer1000Events: median(cpu[server]),
      loadStart,
      loadEnd: load1(),
    });
  }
  line(`listen-vs-floor-cpu-${store}`, Math.round((median(cpuRatios) as number) * 100) / 100, 'ratio', {
    meaning: 'CPU per event of wacloud listen over the floor, median over the rates both ran',
    rates: cpuRatios.length,
    loadEnd: load1(),
  });
  return best;
}

if (!existsSync(CLI)) {
  console.error('dist/cli.js is missing: run `npm run build` first');
  process.exit(1);
}
if (ONLY === undefined || ONLY === 'sustain' || ONLY === 'sustain-1') await sustain(1);
if (ONLY === undefined || ONLY === 'sustain' || ONLY === 'sustain-20') await sustain(20);
// The floor at the sustain rate, for a same-run comparison on a shared machine (not part of the default run).
if (ONLY === 'sustain-floor') {
  await sustain(1, 'floor');
  await sustain(20, 'floor');
}
if (ONLY === undefined || ONLY.startsWith('max')) {
  const stores =
    ONLY === 'max-pg'
      ? ['pg' as const]
      : ONLY === 'max-sqlite'
        ? ['sqlite' as const]
        : (['sqlite', 'pg'] as const);
  for (const store of stores) {
    const { listen, floor } = await maxRates(store);
    line(`listen-vs-floor-${store}`, floor > 0 ? Math.round((listen / floor) * 100) / 100 : 0, 'ratio', {
      listen,
      floor,
      loadEnd: load1(),
    });
  }
}
