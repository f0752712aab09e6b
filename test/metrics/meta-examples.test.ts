/**
 * Meta's own webhook examples (test/fixtures/webhooks/notes), parsed by the webhooks module and stored,
 * measured end to end: the contract path an application takes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { StoreSuppressionList } from '../../src/tracking/store-suppression-list.js';
import { parseWebhook, toStoredEvents } from '../../src/webhooks/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'webhooks', 'notes');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
const seconds = (s: number) => new Date(s * 1000);

const DELIVERED_THEN_READ = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA';
const OPTED_OUT = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBIzQ0Y4RTdBNTk0RkQ3RjhBMEQA';
const UNDELIVERABLE = 'wamid.HBgLNTUxMTk4NzY1NDMyMRUCABEYEjBCNkUyQTQxOUM5RkY1QTdCOAA=';
const QUICK_REPLIED = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBM0Y4RUU0RUNFQkFDMjYzQUMA';
const ASKED_ABOUT_COLOUR = 'wamid.colour-question';

const SENDS: StoredEvent[] = [
  {
    kind: 'outbound',
    messageId: DELIVERED_THEN_READ,
    recipientId: '+1 650 555 1234',
    at: seconds(1750030000),
    campaignId: 'meta',
  },
  {
    kind: 'outbound',
    messageId: OPTED_OUT,
    recipientId: '+16505551234',
    at: seconds(1751142800),
    campaignId: 'meta',
  },
  {
    kind: 'outbound',
    messageId: UNDELIVERABLE,
    recipientId: '+5511987654321',
    at: seconds(1751142900),
    campaignId: 'meta',
  },
  {
    kind: 'outbound',
    messageId: QUICK_REPLIED,
    recipientId: '16505551234',
    at: seconds(1714510000),
    campaignId: 'meta',
  },
  {
    kind: 'outbound',
    messageId: ASKED_ABOUT_COLOUR,
    recipientId: '16505551234',
    at: seconds(1749416000),
    campaignId: 'meta',
  },
];

const WEBHOOKS = [
  'delivered-v24-billable-marketing',
  'read',
  'failed-131050-marketing-opt-out',
  'failed-131026-undeliverable',
  'inbound-template-quick-reply',
  'inbound-text',
  'user-preferences-opt-out',
  'template-status-update',
];

async function storeWithExamples(): Promise<MemoryEventStore> {
  const store = new MemoryEventStore();
  await store.append(SENDS);
  // Meta retries webhooks: store every example twice, in reverse order the second time.
  for (const names of [WEBHOOKS, [...WEBHOOKS].reverse()]) {
    for (const name of names) await store.append(parseWebhook(fixture(name)).flatMap(toStoredEvents));
  }
  return store;
}

describe("Meta's webhook examples, end to end", () => {
  it('gives the documented counts, rates, failure breakdown and cost', async () => {
    const store = await storeWithExamples();
    const m = await computeCampaignMetrics(store, { campaignId: 'meta', rateCard: { marketing: 0.0613 } });
    expect(m).toMatchObject({
      sent: 5,
      rejected: 0,
      // The delivered+read message, and two whose delivery the user's own action proves: the colour
      // question (a reply, unlinked, within 72 h of that send) and the STOP_PROMO quick reply.
      delivered: 3,
      read: 3,
      failed: 2,
      pending: 0,
      replied: 1,
      optedOut: 1, // the STOP_PROMO quick reply; the user_preferences stop is months after any send
      alreadyOptedOut: 1, // 131050: stopped before this campaign, never a new opt-out
      limitedByMeta: 0,
      clicked: 0,
      deliveryRate: 0.6,
      readRate: 1,
      failureRate: 0.4,
      cost: 0.0613,
      revenue: 0,
      returnOnSpend: 0,
    });
    expect(m.failuresByCode.map((f) => [f.code, f.count])).toEqual([
      [131026, 1],
      [131050, 1],
    ]);
  });

  it('feeds the store-backed suppression list (user_preferences stop and 131050)', async () => {
    const store = await storeWithExamples();
    const suppression = new StoreSuppressionList({ store });
    expect(await suppression.isSuppressed('+1 650 555 1234')).toBe(true);
    expect(await suppression.isSuppressed('5511987654321')).toBe(false);
  });
});
