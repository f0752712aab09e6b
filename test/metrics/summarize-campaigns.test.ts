import { describe, expect, it } from 'vitest';
import { hashRecipients } from '../../src/events/hash-recipients.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { GroupCommitEventStore } from '../../src/events/stores/group-commit-store.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { summarizeCampaigns } from '../../src/metrics/summarize-campaigns.js';
import { generateCampaignStream } from '../events/stores/sql/campaign-stream.js';
import { threeStores } from '../helpers/three-stores.js';

const T0 = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;
const at = (days: number) => new Date(T0 + days * DAY);

function send(id: string, campaignId: string, days: number): StoredEvent {
  return {
    kind: 'outbound',
    messageId: id,
    recipientId: `9050000${id.length}${id.charCodeAt(id.length - 1)}`,
    at: at(days),
    campaignId,
  };
}
function status(id: string, value: 'sent' | 'delivered' | 'read' | 'failed', days: number): StoredEvent {
  return { kind: 'status', messageId: id, status: value, at: at(days) };
}

/**
 * Campaign `spring` (in range): delivered, read without delivered, failed then delivered (delivered),
 * failed only, sent only, no status at all, one refused; plus a send before the range. Campaign
 * `autumn`: one send in range, read two days after the range ends (statuses count whenever they came).
 * Campaign `old`: only before the range.
 */
function events(): StoredEvent[] {
  return [
    send('m1', 'spring', 1),
    status('m1', 'sent', 1),
    status('m1', 'delivered', 1.1),
    send('m2', 'spring', 2),
    status('m2', 'read', 2.1),
    send('m3', 'spring', 3),
    status('m3', 'failed', 3.1),
    status('m3', 'delivered', 3.2),
    send('m4', 'spring', 4),
    status('m4', 'failed', 4.1),
    status('m4', 'sent', 4),
    send('m5', 'spring', 5),
    status('m5', 'sent', 5),
    send('m6', 'spring', 6),
    { kind: 'send_failed', recipientId: '905551112233', at: at(7), campaignId: 'spring', errorCode: 131049 },
    send('m0', 'spring', -1),
    status('m0', 'read', -1),
    send('a1', 'autumn', 9),
    status('a1', 'read', 12),
    send('o1', 'old', -5),
    // Not a campaign send: no campaign id.
    { kind: 'outbound', messageId: 'x1', recipientId: '905550000000', at: at(2) },
  ];
}

const stores = await threeStores('summaries');

describe.each(stores)('summarizeCampaigns ($name)', ({ make }) => {
  it('counts each campaign’s sends in the range by their highest status, latest campaign first', async () => {
    const store = await make();
    try {
      // Reversed: the result must not depend on the order events arrive in.
      await store.append(events().reverse());
      const summaries = await summarizeCampaigns(store, { from: at(0), to: at(10) });
      expect(summaries).toEqual([
        {
          campaignId: 'autumn',
          sent: 1,
          rejected: 0,
          delivered: 1,
          read: 1,
          failed: 0,
          firstSendAt: at(9),
          lastSendAt: at(9),
        },
        {
          campaignId: 'spring',
          sent: 6,
          rejected: 1,
          delivered: 3,
          read: 1,
          failed: 1,
          firstSendAt: at(1),
          lastSendAt: at(7),
        },
      ]);
      const all = await summarizeCampaigns(store);
      expect(all.map((s) => [s.campaignId, s.sent])).toEqual([
        ['autumn', 1],
        ['spring', 7],
        ['old', 1],
      ]);
      expect(await summarizeCampaigns(store, { from: at(20) })).toEqual([]);
    } finally {
      await store.close?.();
    }
  });

  it('counts a send whose statuses came first, a repeated send once, and a send whose person was erased', async () => {
    const key = process.env.WACLOUD_ERASURE_KEY;
    process.env.WACLOUD_ERASURE_KEY = 'e'.repeat(32);
    const store = await make();
    if (key === undefined) delete process.env.WACLOUD_ERASURE_KEY;
    else process.env.WACLOUD_ERASURE_KEY = key;
    try {
      // The statuses are stored before their sends (a webhook can beat the record of the send).
      await store.append([
        status('early', 'delivered', 2.1),
        status('early', 'read', 2.2),
        status('erased', 'delivered', 3.1),
      ]);
      await store.append([
        send('early', 'summer', 2),
        send('erased', 'summer', 3),
        send('plain', 'summer', 4),
      ]);
      await store.append([send('early', 'summer', 2), status('plain', 'failed', 4.1)]);
      const expected = {
        campaignId: 'summer',
        sent: 3,
        rejected: 0,
        delivered: 2,
        read: 1,
        failed: 1,
        firstSendAt: at(2),
        lastSendAt: at(4),
      };
      const range = { from: at(0), to: at(10) };
      expect(await summarizeCampaigns(store, range)).toEqual([expected]);
      const erased = send('erased', 'summer', 3) as { recipientId: string };
      const summary = await store.eraseRecipient?.(erased.recipientId);
      expect(summary?.eventsRewritten).toBeGreaterThan(0);
      expect(await summarizeCampaigns(store, range)).toEqual([expected]);
      // A send outside the range stays out, whatever its statuses.
      expect(await summarizeCampaigns(store, { from: at(2.5), to: at(3.5) })).toEqual([
        { ...expected, sent: 1, delivered: 1, read: 0, failed: 0, firstSendAt: at(3), lastSendAt: at(3) },
      ]);
    } finally {
      await store.close?.();
    }
  });

  it('goes through hashRecipients unchanged', async () => {
    const store = await make();
    try {
      await store.append(events());
      const plain = await summarizeCampaigns(store, { from: at(0), to: at(10) });
      const hashed = hashRecipients(store, { key: 'k'.repeat(32) });
      expect(await summarizeCampaigns(hashed, { from: at(0), to: at(10) })).toEqual(plain);
    } finally {
      await store.close?.();
    }
  });

  it('never counts more than the full metrics on a generated campaign', async () => {
    const store = await make();
    try {
      const stream = generateCampaignStream({ messages: 400, seed: 7, campaignId: 'spring', startMs: T0 });
      await store.append(stream);
      const [spring] = (await summarizeCampaigns(store)).filter((s) => s.campaignId === 'spring');
      const metrics = await computeCampaignMetrics(store, { campaignId: 'spring' });
      expect(spring?.sent).toBe(metrics.sent);
      expect(spring?.rejected).toBe(metrics.rejected);
      expect(spring?.delivered).toBeLessThanOrEqual(metrics.delivered);
      expect(spring?.read).toBeLessThanOrEqual(metrics.read);
      expect(spring?.delivered).toBeGreaterThan(0.6 * metrics.sent);
      // A message delivered only by proof of a user action may still count failed here.
      expect(spring?.failed).toBeGreaterThanOrEqual(metrics.failed);
    } finally {
      await store.close?.();
    }
  });

  it('refuses an invalid range', async () => {
    const store = await make();
    try {
      await expect(summarizeCampaigns(store, { from: new Date(Number.NaN) })).rejects.toThrow(/from/);
      await expect(summarizeCampaigns(store, { since: at(0) } as never)).rejects.toThrow(/since/);
    } finally {
      await store.close?.();
    }
  });
});

describe('summarizeCampaigns through GroupCommitEventStore', () => {
  it('uses the wrapped store’s push-down', async () => {
    const inner = new SqliteEventStore({ filename: ':memory:' });
    const store = new GroupCommitEventStore(inner);
    try {
      expect(store.summarizeCampaigns).toBeTypeOf('function');
      await store.append(events());
      expect(await summarizeCampaigns(store, { from: at(0), to: at(10) })).toEqual(
        await summarizeCampaigns(inner, { from: at(0), to: at(10) }),
      );
    } finally {
      await inner.close();
    }
  });
});
