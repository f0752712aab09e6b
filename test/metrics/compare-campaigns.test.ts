import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import type { EventStore } from '../../src/events/event-store.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { PostgresEventStore } from '../../src/events/stores/postgres.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { compareCampaigns } from '../../src/metrics/compare-campaigns.js';
import { compareVariants } from '../../src/metrics/compare-variants.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import type { MetricsQuery } from '../../src/metrics/metrics-types.js';
import { postgresTestSchema } from '../helpers/postgres-test-schema.js';
import { generateCampaign } from './generate-campaign.js';

/** Renames the generator's `followup` campaign (and its message ids) so two generated streams can share a store. */
function renameFollowup(events: StoredEvent[], to: string): StoredEvent[] {
  const rename = (value: unknown) => (typeof value === 'string' ? value.replaceAll('followup', to) : value);
  return events.map((event) => {
    const copy = { ...event } as Record<string, unknown>;
    for (const field of ['campaignId', 'messageId', 'contextMessageId']) {
      if (field in copy) copy[field] = rename(copy[field]);
    }
    return copy as unknown as StoredEvent;
  });
}

const EVENTS: StoredEvent[] = [
  ...generateCampaign({ messages: 400, seed: 3, campaignId: 'launch' }),
  ...renameFollowup(generateCampaign({ messages: 250, seed: 4, campaignId: 'spring' }), 'followup2'),
];
const IDS = ['launch', 'followup', 'spring', 'followup2', 'never-sent'];
const QUERY = { groupBy: 'variant', rateCard: { marketing: 0.0613, utility: 0.008 } } as const;

async function expectSameAsSingleComputations(store: EventStore): Promise<void> {
  await store.append(EVENTS);
  const result = await compareCampaigns(store, IDS, { ...QUERY, metric: 'clickThroughRate' });
  expect(result.campaigns.map((row) => row.campaignId)).toEqual(IDS);
  for (const row of result.campaigns) {
    const single = await computeCampaignMetrics(store, {
      ...QUERY,
      campaignId: row.campaignId,
    } as MetricsQuery);
    expect(row.metrics).toEqual(single);
  }
  // The campaigns really differ, so equal rows are not all the same row.
  const sent = result.campaigns.map((row) => row.metrics.sent);
  expect(sent[0]).toBeGreaterThan(300);
  expect(sent[2]).toBeGreaterThan(150);
  expect(sent[2]).toBeLessThan(sent[0]!);
  expect(sent[4]).toBe(0);
  // Every pair, in list order, tested as compareVariants would.
  expect(result.pairs.map((p) => `${p.a}>${p.b}`)).toHaveLength(10);
  const launchVsSpring = result.pairs.find((p) => p.a === 'launch' && p.b === 'spring')!;
  expect(launchVsSpring.comparison).toEqual(
    compareVariants(result.campaigns[0]!.metrics, result.campaigns[2]!.metrics, 'clickThroughRate'),
  );
}

describe('compareCampaigns', () => {
  it('gives each campaign exactly the numbers computeCampaignMetrics gives it (memory)', async () => {
    await expectSameAsSingleComputations(new MemoryEventStore());
  });

  it('gives each campaign exactly the numbers computeCampaignMetrics gives it (SQLite)', async () => {
    const store = new SqliteEventStore({ filename: ':memory:' });
    await expectSameAsSingleComputations(store);
    await store.close();
  });

  it('returns no pairs without a metric and refuses a campaign listed twice', async () => {
    const store = new MemoryEventStore();
    await store.append(EVENTS);
    const result = await compareCampaigns(store, ['launch', 'spring']);
    expect(result.pairs).toEqual([]);
    expect(result.campaigns[1]!.metrics).toEqual(
      await computeCampaignMetrics(store, { campaignId: 'spring' }),
    );
    await expect(compareCampaigns(store, ['launch', 'launch'])).rejects.toBeInstanceOf(ValidationError);
    await expect(
      compareCampaigns(store, ['launch'], { groupBy: 'nope' } as unknown as MetricsQuery),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

const { available, schema, pool } = await postgresTestSchema('cmp');

describe.runIf(available)('compareCampaigns on PostgreSQL', () => {
  it('gives each campaign exactly the numbers computeCampaignMetrics gives it', async () => {
    await expectSameAsSingleComputations(new PostgresEventStore({ pool, schema, tableName: 'events' }));
  });
});
