/**
 * Ten times the data on PostgreSQL (issue 15). Loads ~2.4M accepted messages / ~10M events (one big
 * campaign of 1M messages, 140 campaigns of 10,000 over 60 days, each with a 10% follow-up campaign;
 * Meta-shaped ids) into its own database through the store's COPY append, then prints one JSON line per
 * figure, each with the load average:
 * - `load`: events stored and seconds (only when it loaded);
 * - `metrics-10x`: `computeCampaignMetrics` of the big campaign, ms, with the process's RSS and heap growth;
 * - `campaigns-summary-30d`: `summarizeCampaigns` of the last 30 days (the dashboard's list), ms;
 * - `export-10m`: `exportEvents` of every event as NDJSON to /dev/null, events/s and peak RSS/heap growth.
 *
 * Usage: `node --expose-gc --import tsx bench/scale-10x.bench.ts [--reuse] [--drop] [--load-only]
 *   [--figures metrics-10x,campaigns-summary-30d,export-10m] [--big N] [--campaigns N] [--campaign-messages N]
 *   [--writers N] [--database NAME]`
 * `--reuse` keeps a dataset of the same shape loaded by an earlier run (else it reloads); `--drop` drops the
 * database at the end. The database (`--database`, default `bench_data10x`) is created when missing, on the server of
 * WACLOUD_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
import { createWriteStream } from 'node:fs';
import { loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { PostgresEventStore } from '../src/events/stores/postgres.js';
import { computeCampaignMetrics } from '../src/metrics/compute-campaign-metrics.js';
import { summarizeCampaigns } from '../src/metrics/summarize-campaigns.js';
import { exportEvents } from '../src/report/export-events.js';
import {
  BIG_CAMPAIGN,
  type DatasetPlan,
  loadDataset,
  loadedPlan,
  SUMMARY_FROM,
  SUMMARY_TO,
  samePlan,
} from './scale-10x/dataset.js';

const { values: args } = parseArgs({
  options: {
    reuse: { type: 'boolean', default: false },
    drop: { type: 'boolean', default: false },
    'load-only': { type: 'boolean', default: false },
    figures: { type: 'string', default: 'metrics-10x,campaigns-summary-30d,export-10m' },
    big: { type: 'string', default: '1000000' },
    campaigns: { type: 'string', default: '140' },
    'campaign-messages': { type: 'string', default: '10000' },
    writers: { type: 'string', default: '2' },
    database: { type: 'string', default: 'bench_data10x' },
  },
});
const plan: DatasetPlan = {
  bigMessages: Number(args.big),
  campaigns: Number(args.campaigns),
  campaignMessages: Number(args['campaign-messages']),
  chunk: 50_000,
};
const FIGURES = new Set(args.figures.split(','));
const DATABASE = args.database;
if (!/^[a-z_][a-z0-9_]*$/.test(DATABASE))
  throw new Error('--database: lower-case letters, digits and _ only');
const SCHEMA = 'data10x';
const RATE_CARD = { marketing: 0.0613, utility: 0.008, authentication: 0.0135 };
const serverUrl = process.env.WACLOUD_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const MiB = 2 ** 20;

function line(figure: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  const load = loadavg().map((n) => Number(n.toFixed(2)));
  console.log(JSON.stringify({ bench: 'scale-10x', figure, value, unit, ...extra, loadavg: load }));
}

/** Peak RSS and heap while `run` runs (sampled every 20 ms and at the end), as growth over the start. */
async function withMemoryPeak<T>(
  run: () => Promise<T>,
): Promise<{ result: T; rssMiB: number; heapMiB: number }> {
  gc();
  const before = process.memoryUsage();
  let rss = before.rss;
  let heap = before.heapUsed;
  const sample = () => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    heap = Math.max(heap, now.heapUsed);
  };
  const timer = setInterval(sample, 20);
  try {
    const result = await run();
    sample();
    return {
      result,
      rssMiB: Number(((rss - before.rss) / MiB).toFixed(1)),
      heapMiB: Number(((heap - before.heapUsed) / MiB).toFixed(1)),
    };
  } finally {
    clearInterval(timer);
  }
}

async function ensureDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${DATABASE}`;
  return url.toString();
}

async function dropDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  } finally {
    await admin.end();
  }
}

const pool = new pg.Pool({ connectionString: await ensureDatabase(), max: 4 });
const store = new PostgresEventStore({ pool, schema: SCHEMA, validate: false });
try {
  const loaded = await loadedPlan(pool);
  let events = loaded?.events ?? 0;
  if (args.reuse && loaded !== undefined && !samePlan(loaded.plan, plan)) {
    throw new Error(
      `--reuse: the loaded dataset has another shape (${JSON.stringify(loaded.plan)}); run without --reuse to reload`,
    );
  }
  if (!args.reuse || loaded === undefined) {
    const cpu = process.cpuUsage();
    const load = await loadDataset(pool, store, SCHEMA, plan, Number(args.writers), (m) =>
      console.error(`scale-10x load: ${m}`),
    );
    events = load.events;
    const used = process.cpuUsage(cpu);
    line('load', Math.round(load.events / load.seconds), 'events/s', {
      events: load.events,
      seconds: Number(load.seconds.toFixed(1)),
      clientCpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(1)),
      plan,
    });
  }
  if (!args['load-only']) {
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM "${SCHEMA}".wacloud_events WHERE kind = 'outbound'`,
    );
    const sent = (rows[0] as { n: number }).n;
    if (FIGURES.has('metrics-10x')) {
      for (const run of ['first', 'again']) {
        const cpu = process.cpuUsage();
        const started = performance.now();
        const { result, rssMiB, heapMiB } = await withMemoryPeak(() =>
          computeCampaignMetrics(store, { campaignId: BIG_CAMPAIGN, rateCard: RATE_CARD }),
        );
        const used = process.cpuUsage(cpu);
        line('metrics-10x', Math.round(performance.now() - started), 'ms', {
          run,
          campaignSent: result.sent,
          storeEvents: events,
          storeMessages: sent,
          rssGrowthMiB: rssMiB,
          heapGrowthMiB: heapMiB,
          clientCpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(2)),
          goal: '<= 5000 ms, memory growth < 100 MiB',
        });
      }
    }
    if (FIGURES.has('campaigns-summary-30d')) {
      for (const run of ['first', 'again']) {
        const started = performance.now();
        const summaries = await summarizeCampaigns(store, { from: SUMMARY_FROM, to: SUMMARY_TO });
        line('campaigns-summary-30d', Math.round(performance.now() - started), 'ms', {
          run,
          campaigns: summaries.length,
          sent: summaries.reduce((n, s) => n + s.sent, 0),
          storeEvents: events,
          goal: '<= 2000 ms',
        });
      }
    }
    if (FIGURES.has('export-10m')) {
      const started = performance.now();
      let lines = 0;
      const { rssMiB, heapMiB } = await withMemoryPeak(() =>
        pipeline(
          Readable.from(
            (async function* count() {
              for await (const text of exportEvents(store, { format: 'ndjson' })) {
                lines++;
                yield text;
              }
            })(),
          ),
          createWriteStream('/dev/null'),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      line('export-10m', Math.round(lines / seconds), 'events/s', {
        events: lines,
        seconds: Number(seconds.toFixed(1)),
        rssGrowthMiB: rssMiB,
        heapGrowthMiB: heapMiB,
        goal: 'bounded memory on 10M events',
      });
    }
  }
} finally {
  await store.close();
  await pool.end();
  if (args.drop) await dropDatabase();
}
