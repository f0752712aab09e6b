/**
 * What a breakdown costs: `computeCampaignMetrics` on a seeded campaign (250,000 messages by default,
 * `BENCH_MESSAGES`) ungrouped and with `groupBy: 'hour' | 'weekday' | 'country' | 'template'`, on the
 * memory store, SQLite (a WAL file in the OS temp dir) and PostgreSQL (WACLOUD_BENCH_DATABASE_URL, default
 * 127.0.0.1:5432/test, a fresh schema dropped afterwards; skipped when unreachable). Goal: `hour` ≤ 1.5×
 * ungrouped on each store (`ratio`). The numbers of every grouped run are checked against the ungrouped totals. Prints one JSON
 * line per figure.
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
import { computeCampaignMetrics } from '../src/metrics/compute-campaign-metrics.js';
import type { MetricsGroupBy } from '../src/metrics/metrics-types.js';
import { generateCampaign } from '../test/metrics/generate-campaign.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 250_000);
const connectionString = process.env.WACLOUD_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUNS = 3;
const CAMPAIGN = 'launch';
/** `BENCH_GROUP_BY=hour,country` measures only those breakdowns (beside ungrouped); default all four. */
const GROUPINGS: readonly (MetricsGroupBy | undefined)[] = [
  undefined,
  ...((process.env.BENCH_GROUP_BY?.split(',') as MetricsGroupBy[] | undefined) ?? [
    'hour',
    'weekday',
    'country',
    'template',
  ]),
];

function line(figure: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  const load1 = Number((loadavg()[0] ?? 0).toFixed(2));
  console.log(
    JSON.stringify({
      bench: 'metrics-group-by',
      figure,
      value: Number(value.toFixed(3)),
      unit,
      ...extra,
      load1,
    }),
  );
}

async function timed(
  store: EventStore,
  groupBy: MetricsGroupBy | undefined,
): Promise<{ ms: number; sent: number }> {
  const started = performance.now();
  const metrics = await computeCampaignMetrics(store, {
    campaignId: CAMPAIGN,
    ...(groupBy ? { groupBy } : {}),
  });
  const ms = performance.now() - started;
  if (metrics.groups && metrics.groups.reduce((total, g) => total + g.metrics.sent, 0) !== metrics.sent) {
    throw new Error(`groupBy ${groupBy}: the groups do not add up to the total`);
  }
  return { ms, sent: metrics.sent };
}

/**
 * Best of {@link RUNS} per grouping, the groupings interleaved run by run, so a change in machine load
 * during the bench weighs on every grouping alike rather than on whichever ran last.
 */
async function measure(name: string, store: EventStore): Promise<void> {
  const best = GROUPINGS.map(() => Number.POSITIVE_INFINITY);
  let sent = 0;
  for (let run = 0; run < RUNS; run++) {
    for (const [i, groupBy] of GROUPINGS.entries()) {
      const result = await timed(store, groupBy);
      best[i] = Math.min(best[i]!, result.ms);
      sent = result.sent;
    }
  }
  const base = best[0]!;
  line(`${name}.ungrouped`, base, 'ms', { messages: sent });
  GROUPINGS.forEach((groupBy, i) => {
    if (groupBy) line(`${name}.${groupBy}`, best[i]!, 'ms', { ratio: Number((best[i]! / base).toFixed(2)) });
  });
}

const events = generateCampaign({ messages: MESSAGES, campaignId: CAMPAIGN });
const memory = new MemoryEventStore();
await memory.append(events);
await measure('memory', memory);

const dir = mkdtempSync(join(tmpdir(), 'wacloud-bench-group-'));
try {
  const sqlite = new SqliteEventStore({ filename: join(dir, 'events.db') });
  for (let i = 0; i < events.length; i += 10_000) await sqlite.append(events.slice(i, i + 10_000));
  await measure('sqlite', sqlite);
  await sqlite.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
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

if (await postgresReachable()) {
  const schema = `wacloud_bench_group_${randomBytes(4).toString('hex')}`;
  const postgres = new PostgresEventStore({ connectionString, schema });
  try {
    for (let i = 0; i < events.length; i += 10_000) await postgres.append(events.slice(i, i + 10_000));
    await measure('postgres', postgres);
  } finally {
    await postgres.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await postgres.close();
  }
} else {
  console.error('metrics-group-by bench: PostgreSQL is unreachable; skipped its figures');
}
