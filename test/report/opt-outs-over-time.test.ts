import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../src/events/index.js';
import { computeCampaignMetrics } from '../../src/metrics/index.js';
import { optOutsOverTime } from '../../src/report/index.js';

const t = (iso: string) => new Date(`2026-05-01T${iso}Z`);

describe('optOutsOverTime', () => {
  it('buckets each opted-out message once, at its first opt-out signal, exactly as optedOut counts them', async () => {
    const store = new MemoryEventStore();
    await store.append([
      { kind: 'outbound', messageId: 'm1', recipientId: '+15550001', at: t('10:00:00'), campaignId: 'c' },
      { kind: 'outbound', messageId: 'm2', recipientId: '+15550002', at: t('10:00:00'), campaignId: 'c' },
      { kind: 'outbound', messageId: 'm3', recipientId: '+15550003', at: t('10:00:01'), campaignId: 'c' },
      { kind: 'outbound', messageId: 'm4', recipientId: '+15550004', at: t('10:00:01'), campaignId: 'c' },
      { kind: 'outbound', messageId: 'x1', recipientId: '+15550009', at: t('10:00:01'), campaignId: 'other' },
      // recipient 1: a user_preferences stop, then a STOP keyword later (counted once, at the first)
      { kind: 'opt_out', recipientId: '15550001', at: t('10:00:30'), source: 'user_preferences' },
      { kind: 'inbound', messageId: 'r1', recipientId: '15550001', at: t('10:03:10'), text: 'STOP' },
      // recipient 2: a STOP quick reply
      {
        kind: 'inbound',
        messageId: 'r2',
        recipientId: '15550002',
        at: t('10:02:05'),
        buttonPayload: 'STOP_PROMO',
      },
      // recipient 3: failed with 131050, which is no new opt-out (already opted out)
      { kind: 'status', messageId: 'm3', status: 'failed', at: t('10:02:40'), errorCode: 131050 },
      // recipient 4: an ordinary reply is no opt-out
      { kind: 'inbound', messageId: 'r4', recipientId: '15550004', at: t('10:01:00'), text: 'Nice!' },
      // another campaign's recipient
      { kind: 'opt_out', recipientId: '15550009', at: t('10:01:00') },
    ]);
    const buckets = await optOutsOverTime(store, 'c');
    // Signals at 10:00:30 and 10:02:05: a 95 s span gets 5-second buckets.
    expect(buckets).toHaveLength(20);
    expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(2);
    expect((await computeCampaignMetrics(store, { campaignId: 'c' })).optedOut).toBe(2);
    expect((buckets[0]!.date as Date).toISOString()).toBe('2026-05-01T10:00:30.000Z');
    expect(buckets[0]?.count).toBe(1);
    expect(buckets.find((b) => (b.date as Date).toISOString() === '2026-05-01T10:02:05.000Z')?.count).toBe(1);
  });

  it('leaves out an opt-out outside the attribution window, as optedOut does', async () => {
    const store = new MemoryEventStore();
    await store.append([
      { kind: 'outbound', messageId: 'm1', recipientId: '1', at: t('10:00:00'), campaignId: 'c' },
      { kind: 'status', messageId: 'm1', status: 'delivered', at: t('10:00:01') },
      { kind: 'opt_out', recipientId: '1', at: new Date(t('10:00:00').getTime() + 10 * 86_400_000) },
    ]);
    expect(await optOutsOverTime(store, 'c')).toEqual([]);
    expect((await computeCampaignMetrics(store, { campaignId: 'c' })).optedOut).toBe(0);
    // With a window long enough, both count it.
    const query = { campaignId: 'c', attributionWindowMs: 11 * 86_400_000 };
    expect((await optOutsOverTime(store, query)).reduce((sum, b) => sum + b.count, 0)).toBe(1);
    expect((await computeCampaignMetrics(store, query)).optedOut).toBe(1);
  });

  it('is empty for an unknown campaign', async () => {
    expect(await optOutsOverTime(new MemoryEventStore(), 'none')).toEqual([]);
  });
});
