import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/events/event-store.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { PostgresEventStore } from '../../src/events/stores/postgres.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { collectCampaignFacts, computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import type { CampaignMetrics, MetricsQuery } from '../../src/metrics/metrics-types.js';
import { optOutsOverTime } from '../../src/report/opt-outs-over-time.js';
import { postgresRequired, TEST_DATABASE_URL } from '../helpers/test-services.js';
import { mulberry32 } from './generate-campaign.js';
import { brokenInvariants } from './metric-invariants.js';
import { naiveCampaignMetrics } from './naive-metrics.js';
import { type RandomCase, randomCase } from './random-event-set.js';

/*
 * The metric invariants and definitions, checked on thousands of random event sets: on every store the
 * invariants hold and the numbers equal, to the last digit, the naive recomputation written from
 * docs/metrics.md. A failure prints the seed, the case and (on the memory store) a shrunk event list.
 */

const SEED = Number(process.env.WACLOUD_PROPERTY_SEED ?? 20261205);
const MEMORY_CASES = 2000;
const SQL_CASES = 300;

function withoutTitles(metrics: CampaignMetrics): unknown {
  const { failuresByCode, groups, ...rest } = metrics;
  const out: Record<string, unknown> = {
    ...rest,
    failuresByCode: failuresByCode.map(({ code, count }) => ({ code, count })),
  };
  if (groups) out.groups = groups.map((g) => ({ key: g.key, metrics: withoutTitles(g.metrics) }));
  return out;
}

function casesFrom(seed: number, count: number, firstIndex = 0): RandomCase[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => randomCase(firstIndex + i, random));
}

/** Appends in random batch sizes, so batch boundaries fall anywhere. */
async function appendInBatches(
  store: EventStore,
  events: StoredEvent[],
  random: () => number,
): Promise<void> {
  for (let i = 0; i < events.length; ) {
    const size = 1 + Math.floor(random() * 40);
    await store.append(events.slice(i, i + size));
    i += size;
  }
}

/** The report's opt-outs chart must plot exactly the `optedOut` messages (same attribution). */
async function chartProblems(
  store: EventStore,
  query: MetricsQuery,
  metrics: CampaignMetrics,
): Promise<string[]> {
  const charted = (await optOutsOverTime(store, query)).reduce((sum, b) => sum + b.count, 0);
  return charted === metrics.optedOut
    ? []
    : [`opt-outs chart adds up to ${charted}, optedOut is ${metrics.optedOut}`];
}

/** What is wrong with `actual` for case `c` (empty when nothing is). */
function problems(c: RandomCase, actual: CampaignMetrics): string[] {
  const broken = brokenInvariants(actual);
  const expected = naiveCampaignMetrics(c.events, c.query);
  const got = canonicalJson(withoutTitles(actual));
  const want = canonicalJson(expected);
  if (got !== want)
    broken.push(`differs from the naive recomputation:\n  got      ${got}\n  expected ${want}`);
  return broken;
}

/** JSON with sorted keys: numbers print as their shortest exact form, so equal text is equal to the last digit. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The store as the generic path sees it: `scan`, plus the identity links (no `aggregate` push-down). */
function scanOnly(store: MemoryEventStore): EventStore {
  return {
    append: (events) => store.append(events),
    scan: (filter) => store.scan(filter),
    identityLinks: (ids) => store.identityLinks(ids),
  };
}

/** Message-level checks the counts cannot show: every engaged message is delivered, states partition. */
async function factProblems(store: EventStore, query: MetricsQuery): Promise<string[]> {
  const facts = await collectCampaignFacts(store, query);
  const out: string[] = [];
  for (const m of facts.messages) {
    const states = Number(m.delivered) + Number(m.failed) + Number(m.pending);
    if (states !== 1) out.push(`${m.messageId}: delivered/failed/pending is not exactly one`);
    if ((m.read || m.clicked || m.replied || m.optedOut || m.converted) && !m.delivered)
      out.push(`${m.messageId}: engaged but not delivered`);
    if ((m.alreadyOptedOut || m.limitedByMeta) && !m.failed)
      out.push(`${m.messageId}: 131049/131050 but not failed`);
    if (m.clicked !== m.clicks > 0) out.push(`${m.messageId}: clicked and clicks disagree`);
  }
  return out;
}

/** Everything wrong with a case on fresh memory stores (both the push-down and the generic scan path). */
async function memoryProblems(c: RandomCase): Promise<string[]> {
  const store = new MemoryEventStore();
  await appendInBatches(store, c.events, mulberry32(c.index + 1));
  const query = c.query as MetricsQuery;
  const metrics = await computeCampaignMetrics(store, query);
  return [
    ...problems(c, metrics),
    ...(await chartProblems(store, query, metrics)),
    ...problems(c, await computeCampaignMetrics(scanOnly(store), query)).map((p) => `scan path: ${p}`),
    ...(await factProblems(store, query)),
  ];
}

/** Greedily drops events while the case still fails, for a short reproduction. */
async function shrink(c: RandomCase): Promise<RandomCase> {
  let events = c.events;
  for (let i = events.length - 1; i >= 0; i--) {
    const fewer = [...events.slice(0, i), ...events.slice(i + 1)];
    if ((await memoryProblems({ ...c, events: fewer })).length > 0) events = fewer;
  }
  return { ...c, events };
}

function report(c: RandomCase, found: string[]): string {
  return [
    `metrics property failed: case ${c.index} (replay: WACLOUD_PROPERTY_SEED=${SEED} npx vitest run test/metrics/metrics-properties.test.ts)`,
    ...found.slice(0, 5),
    `query: ${JSON.stringify(c.query)}`,
    `events (${c.events.length}):`,
    ...c.events.map((e) => `  ${JSON.stringify(e)}`),
  ].join('\n');
}

describe('metric invariants and definitions on random event sets', () => {
  it(`hold on the memory store (push-down and scan path) for ${MEMORY_CASES} cases, equal to the naive recomputation`, async () => {
    const cases = casesFrom(SEED, MEMORY_CASES);
    let events = 0;
    for (const c of cases) {
      events += c.events.length;
      const found = await memoryProblems(c);
      if (found.length > 0) {
        const small = await shrink(c);
        expect.fail(report(small, await memoryProblems(small)));
      }
    }
    // The generator really produces the cases the definitions are about.
    const all = cases.flatMap((c) => c.events);
    expect(events).toBeGreaterThan(MEMORY_CASES * 10);
    expect(all.some((e) => e.kind === 'send_failed' && e.errorCode === 131050)).toBe(true);
    expect(all.some((e) => e.kind === 'status' && e.status === 'failed' && e.errorCode === 131049)).toBe(
      true,
    );
    expect(all.some((e) => e.kind === 'opt_out' && e.source === 'error_131050')).toBe(true);
    expect(all.some((e) => e.kind === 'inbound' && e.recipientId.startsWith('DE.'))).toBe(true);
    // Many cases' conversions count only because a click opened the window again.
    const clickOpens = cases.filter(
      (c) =>
        c.query.attributionWindowFrom === 'click' &&
        naiveCampaignMetrics(c.events, c.query).revenue !==
          naiveCampaignMetrics(c.events, { ...c.query, attributionWindowFrom: 'send' }).revenue,
    );
    expect(clickOpens.length).toBeGreaterThan(MEMORY_CASES / 50);
    // CPU-bound (2,000 cases and their naive recomputation): a loaded machine needs more than the default.
  }, 120_000);

  it('give numbers that do not depend on the order or repeats of events', async () => {
    const random = mulberry32(SEED ^ 0x5eed);
    for (const c of casesFrom(SEED + 1, 300)) {
      const once = [...new Map(c.events.map((e) => [JSON.stringify(e), e])).values()];
      const reversed = [...c.events].reverse();
      const a = new MemoryEventStore();
      const b = new MemoryEventStore();
      await appendInBatches(a, once, random);
      await appendInBatches(b, [...reversed, ...reversed], random);
      const query = c.query as MetricsQuery;
      expect(await computeCampaignMetrics(b, query)).toEqual(await computeCampaignMetrics(a, query));
    }
  });
});

/** Appends many cases to one store (interleaved), then checks each case's campaign. */
async function checkSharedStore(store: EventStore, seed: number, count: number): Promise<void> {
  const cases = casesFrom(seed, count, 100_000);
  const random = mulberry32(seed);
  const all = cases.flatMap((c) => c.events);
  for (let k = all.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [all[k], all[j]] = [all[j]!, all[k]!];
  }
  for (let i = 0; i < all.length; ) {
    const size = 1 + Math.floor(random() * 500);
    await store.append(all.slice(i, i + size));
    i += size;
  }
  for (const c of cases) {
    const query = c.query as MetricsQuery;
    const metrics = await computeCampaignMetrics(store, query);
    const found = [...problems(c, metrics), ...(await chartProblems(store, query, metrics))];
    if (found.length > 0) expect.fail(report(c, found));
  }
}

describe('metric invariants on SQLite', () => {
  it(`hold for ${SQL_CASES} cases sharing one store, equal to the naive recomputation`, async () => {
    const store = new SqliteEventStore({ filename: ':memory:' });
    await checkSharedStore(store, SEED + 2, SQL_CASES);
    await store.close();
  });

  it('hold for cases alone in their store (the plans that read the whole table)', async () => {
    for (const c of casesFrom(SEED + 3, 60)) {
      const store = new SqliteEventStore({ filename: ':memory:' });
      await appendInBatches(store, c.events, mulberry32(c.index));
      const found = problems(c, await computeCampaignMetrics(store, c.query as MetricsQuery));
      await store.close();
      if (found.length > 0) expect.fail(report(c, found));
    }
  });
});

const connectionString = TEST_DATABASE_URL;
const schema = `wacloud_prop_${process.pid}_${randomBytes(3).toString('hex')}`;

const available = await postgresRequired();
const pool = new pg.Pool({ connectionString, max: 2 });
afterAll(async () => {
  if (available) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

describe.runIf(available)('metric invariants on PostgreSQL', () => {
  it(`hold for ${SQL_CASES} cases sharing one store, equal to the naive recomputation`, async () => {
    const store = new PostgresEventStore({ pool, schema, tableName: 'events' });
    await checkSharedStore(store, SEED + 4, SQL_CASES);
  });
});
