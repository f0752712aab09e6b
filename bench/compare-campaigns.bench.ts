/**
 * What comparing campaigns costs: `compareCampaigns` over 20 campaigns of 50,000 messages each on
 * PostgreSQL (WACLOUD_BENCH_DATABASE_URL, default 127.0.0.1:5432/test, a fresh schema dropped
 * afterwards) against the sum of the 20 single `computeCampaignMetrics` calls. Goal: ≤ 2× the sum
 * (`ratio`), with every row equal to its single computation (checked; the bench fails otherwise).
 * Prints one JSON line per figure.
 *
 * Usage: `node --expose-gc --import tsx bench/compare-campaigns.bench.ts` (BENCH_CAMPAIGNS, BENCH_MESSAGES
 * to shrink it on a busy machine).
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import type { StoredEvent } from '../src/events/stored-event.js';
import { PostgresEventStore } from '../src/events/stores/postgres.js';
import { compareCampaigns } from '../src/metrics/compare-campaigns.js';
import { computeCampaignMetrics } from '../src/metrics/compute-campaign-metrics.js';
import type { CampaignMetrics } from '../src/metrics/metrics-types.js';
import { generateCampaign } from '../test/metrics/generate-campaign.js';

const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 20);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
const RUNS = 2;
const DAY_MS = 86_400_000;
const connectionString = process.env.WACLOUD_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function line(figure: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  const load1 = Number((loadavg()[0] ?? 0).toFixed(2));
  console.log(
    JSON.stringify({
      bench: 'compare-campaigns',
      figure,
      value: Number(value.toFixed(3)),
      unit,
      ...extra,
      load1,
    }),
  );
}

/** One campaign's events, a week apart from the previous one, to the same audience (its follow-up left out). */
function campaignEvents(index: number): StoredEvent[] {
  const campaignId = `c${String(index).padStart(2, '0')}`;
  return generateCampaign({
    messages: MESSAGES,
    seed: 100 + index,
    campaignId,
    startMs: Date.UTC(2026, 0, 5, 9) + index * 7 * DAY_MS,
  }).filter(
    (e) =>
      !('campaignId' in e && e.campaignId === 'followup') &&
      !('messageId' in e && e.messageId?.startsWith('wamid.followup.')),
  );
}

const ids = Array.from({ length: CAMPAIGNS }, (_, i) => `c${String(i).padStart(2, '0')}`);
const schema = `wacloud_bench_cmp_${randomBytes(4).toString('hex')}`;
const store = new PostgresEventStore({ connectionString, schema });
try {
  let events = 0;
  for (let i = 0; i < CAMPAIGNS; i++) {
    const batch = campaignEvents(i);
    events += batch.length;
    for (let j = 0; j < batch.length; j += 10_000) await store.append(batch.slice(j, j + 10_000));
  }
  (globalThis as { gc?: () => void }).gc?.();

  let singlesMs = Number.POSITIVE_INFINITY;
  let compareMs = Number.POSITIVE_INFINITY;
  let singles: CampaignMetrics[] = [];
  for (let run = 0; run < RUNS; run++) {
    let started = performance.now();
    singles = [];
    for (const campaignId of ids) singles.push(await computeCampaignMetrics(store, { campaignId }));
    singlesMs = Math.min(singlesMs, performance.now() - started);

    started = performance.now();
    const compared = await compareCampaigns(store, ids, { metric: 'clickThroughRate' });
    compareMs = Math.min(compareMs, performance.now() - started);
    compared.campaigns.forEach((row, i) => {
      if (row.campaignId !== ids[i] || !isDeepStrictEqual(row.metrics, singles[i])) {
        throw new Error(`compareCampaigns row ${row.campaignId} differs from computeCampaignMetrics`);
      }
    });
  }
  const messages = singles.reduce((sum, m) => sum + m.sent, 0);
  line('postgres.singles_sum', singlesMs, 'ms', { campaigns: CAMPAIGNS, messages, events });
  line('postgres.compare', compareMs, 'ms', {
    ratio: Number((compareMs / singlesMs).toFixed(2)),
    goal: 2,
    sameNumbers: true,
  });
} finally {
  await store.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await store.close();
}
