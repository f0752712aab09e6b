/**
 * `wacloud listen` (the built dist/cli.js, spawned) under Meta-like webhook load over loopback:
 * signed POSTs sent open-loop at a fixed rate (latency counted from each request's scheduled time, so a
 * stall is not hidden), answered 200 only once stored. Figures:
 * - `sustain-pg-1` / `sustain-pg-20`: 4,000 events/s for `seconds` (default 60) into PostgreSQL, one
 *   status per POST and 20 statuses per POST: p50/p99 latency, events answered 200, and the rows counted
 *   in the database afterwards (lost = answered but missing, doubled = rows beyond the unique events);
 * - `max-rate-<store>-<server>`: the highest rate of a ladder (10 s steps, best of 2 tries) that is
 *   sustained with every POST answered 200, ≥ 97 % of the rate achieved and p99 ≤ 250 ms, for SQLite and PostgreSQL, for
 *   `wacloud listen` and for the hand-written floor (bench/listen-floor-server.ts: node:http + HMAC +
 *   JSON.parse + batched append), and their ratio.
 * Needs `npm run build` and PostgreSQL (WACLOUD_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
 * Usage: `npx tsx bench/webhook-listen.bench.ts [seconds] [only: sustain|max|max-sqlite|max-pg]`.
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

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const CLI = join(root, 'dist/cli.js');
const SECONDS = Number(process.argv[2] ?? 60);
const ONLY = process.argv[3];
const SECRET = 'bench-listen-secret';
const DATABASE_URL = process.env.WACLOUD_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const LADDER = [1000, 2000, 3000, 4000, 6000, 8000, 11000, 15000, 20000];
const STEP_SECONDS = 10;

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

interface Server {
  url: string;
  spec: string;
  child: ChildProcess;
  cleanup(): Promise<void>;
  count(): Promise<number>;
}

async function startServer({ store, server }: Target): Promise<Server> {
  const tag = `b${randomBytes(4).toString('hex')}`;
  let spec: string;
  let dir: string | undefined;
  if (store === 'pg') spec = `${DATABASE_URL}?schema=${tag}`;
  else {
    dir = mkdtempSync(join(tmpdir(), 'wacloud-bench-listen-'));
    spec = `sqlite:${join(dir, 'wa.db')}`;
  }
  const child =
    server === 'listen'
      ? spawn(
          process.execPath,
          [
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
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        )
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
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    spec,
    child,
    async count() {
      if (store === 'pg') {
        const client = new pg.Client({ connectionString: DATABASE_URL });
        await client.connect();
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM "${tag}".wacloud_events`);
        await client.end();
        return (rows[0] as { n: number }).n;
      }
      const db = new Database(join(dir as string, 'wa.db'), { readonly: true });
      const n = (db.prepare('SELECT count(*) AS n FROM wacloud_events').get() as { n: number }).n;
      db.close();
      return n;
    },
    async cleanup() {
      if (store === 'pg') {
        const client = new pg.Client({ connectionString: DATABASE_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${tag}" CASCADE`);
        await client.end();
      } else rmSync(dir as string, { recursive: true, force: true });
    },
  };
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
  answeredEvents: number;
  achievedEventsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
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
  const latencies: number[] = [];
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
      const ids = Array.from({ length: perPost }, (_, k) => `wamid.${prefix}.${i}.${k}`);
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
            if (res.statusCode === 200) ok++;
            else failed++;
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
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    posts: total,
    ok,
    failed,
    answeredEvents: ok * perPost,
    achievedEventsPerSecond: (ok * perPost) / ((lastAnswer - start) / 1000),
    p50: Math.round(at(0.5) * 10) / 10,
    p99: Math.round(at(0.99) * 10) / 10,
    max: Math.round((latencies.at(-1) ?? Number.NaN) * 10) / 10,
  };
}

function sustained(result: LoadResult, rate: number): boolean {
  return result.failed === 0 && result.achievedEventsPerSecond >= 0.97 * rate && result.p99 <= 250;
}

async function sustain(perPost: number): Promise<void> {
  const server = await startServer({ store: 'pg', server: 'listen' });
  try {
    const result = await load(server.url, 4000, perPost, SECONDS, `s${perPost}`);
    await stop(server.child);
    const rows = await server.count();
    line(`sustain-pg-${perPost}`, result.p50, 'ms p50', {
      p99: result.p99,
      maxMs: result.max,
      targetEventsPerSecond: 4000,
      achievedEventsPerSecond: Math.round(result.achievedEventsPerSecond),
      seconds: SECONDS,
      eventsPerPost: perPost,
      posts: result.posts,
      non200: result.failed,
      answeredEvents: result.answeredEvents,
      rowsInDatabase: rows,
      lost: Math.max(0, result.answeredEvents - rows),
      doubled: Math.max(0, rows - result.posts * perPost),
    });
  } finally {
    await stop(server.child);
    await server.cleanup();
  }
}

/** One ladder step: sustained on the first try, or on a second one (the machine is shared: a stall elsewhere is not the server's). */
async function step(target: Target, rate: number): Promise<boolean> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    const server = await startServer(target);
    let result: LoadResult;
    try {
      result = await load(server.url, rate, 1, STEP_SECONDS, `m${rate}.${attempt}`);
    } finally {
      await stop(server.child);
      await server.cleanup();
    }
    const ok = sustained(result, rate);
    console.error(
      `  ${target.store}/${target.server} ${rate}/s try ${attempt}: ${ok ? 'ok' : 'not sustained'} ` +
        `(achieved ${Math.round(result.achievedEventsPerSecond)}/s, p50 ${result.p50} ms, p99 ${result.p99} ms, non-200 ${result.failed})`,
    );
    if (ok) return true;
  }
  return false;
}

/**
 * Climbs the ladder for `wacloud listen` and the floor side by side (at each rate one then the other,
 * so both meet the same machine load) until neither sustains it.
 */
async function maxRates(store: Target['store']): Promise<{ listen: number; floor: number }> {
  const best = { listen: 0, floor: 0 };
  const alive = { listen: true, floor: true };
  for (const rate of LADDER) {
    for (const server of ['listen', 'floor'] as const) {
      if (!alive[server]) continue;
      if (await step({ store, server }, rate)) best[server] = rate;
      else alive[server] = false;
    }
    if (!alive.listen && !alive.floor) break;
  }
  for (const server of ['listen', 'floor'] as const) {
    line(`max-rate-${store}-${server}`, best[server], 'events/s', {
      eventsPerPost: 1,
      stepSeconds: STEP_SECONDS,
      rule: 'all 200, >= 97% achieved, p99 <= 250 ms (best of 2 tries per step)',
    });
  }
  return best;
}

if (!existsSync(CLI)) {
  console.error('dist/cli.js is missing: run `npm run build` first');
  process.exit(1);
}
if (ONLY === undefined || ONLY === 'sustain') {
  await sustain(1);
  await sustain(20);
}
if (ONLY !== 'sustain') {
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
    });
  }
}
