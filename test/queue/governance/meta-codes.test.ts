import { afterEach, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../../src/events/stores/memory.js';
import { msg } from '../../../src/messages/index.js';
import { computeCampaignMetrics } from '../../../src/metrics/index.js';
import type { RetryInfo } from '../../../src/queue/adapter.js';
import { SendQueue, type SendQueueOptions } from '../../../src/queue/index.js';
import { decideRetry, MAX_MAINTENANCE_WAITS, type RetrySettings } from '../../../src/queue/retry-policy.js';
import { fastRetry, graph, scriptedClient } from '../helpers/scripted-client.js';

const TR = (n: number) => `+90532${String(1_000_000 + n)}`;

const queues: SendQueue[] = [];
afterEach(async () => {
  for (const queue of queues.splice(0)) await queue.close();
});

function queueWith(options: Partial<SendQueueOptions> & Pick<SendQueueOptions, 'client'>): SendQueue {
  const queue = new SendQueue({ perRecipientIntervalMs: 0, retry: fastRetry, ...options });
  queues.push(queue);
  return queue;
}

const settings: RetrySettings = {
  maxAttempts: 3,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  pairBackoffUnitMs: 1000,
  longDelayMs: 60_000,
  random: () => 0.5,
};

describe('131057 (maintenance, e.g. a throughput upgrade in progress)', () => {
  it('is retried for the whole number without using up attempts, up to MAX_MAINTENANCE_WAITS', () => {
    const error = graph(131057);
    expect(decideRetry(error, { attempt: 3, pairRateHits: 0, maintenanceWaits: 0 }, settings)).toEqual({
      action: 'retry',
      scope: 'number',
      delayMs: 60_000,
    });
    expect(
      decideRetry(error, { attempt: 3, pairRateHits: 0, maintenanceWaits: MAX_MAINTENANCE_WAITS }, settings),
    ).toEqual({ action: 'fail', suppressRecipient: false });
  });

  it('a send answered 131057 more times than maxAttempts still goes out once the upgrade is over', async () => {
    const { client, calls } = scriptedClient((_to, attempt) => (attempt <= 4 ? graph(131057) : undefined));
    const store = new MemoryEventStore();
    const queue = queueWith({ client, store, maxAttempts: 2 });
    const retries: RetryInfo[] = [];
    queue.on('retry', (info) => retries.push(info));
    const outcome = await queue.enqueue(msg.template(TR(1), 'promo', 'en'), { campaignId: 'c' });
    expect(outcome).toMatchObject({ status: 'sent', attempts: 5 });
    expect(calls).toHaveLength(5);
    expect(retries.map((r) => r.scope)).toEqual(['number', 'number', 'number', 'number']);
    // Other errors still count: one 131000 after the waits uses the second and last attempt.
    const flaky = scriptedClient((_to, attempt) => (attempt <= 2 ? graph(131057) : graph(131000)));
    const strict = queueWith({ client: flaky.client, maxAttempts: 2 });
    expect(await strict.enqueue(msg.template(TR(2), 'promo', 'en'))).toMatchObject({
      status: 'failed',
      attempts: 4,
      error: { code: 131000 },
    });
  });
});

describe('132015 (template paused; how template pacing drops held messages)', () => {
  it('is a failure at once, recorded with its code', async () => {
    const { client, calls } = scriptedClient(() => graph(132015));
    const store = new MemoryEventStore();
    const queue = queueWith({ client, store });
    const outcome = await queue.enqueue(msg.template(TR(1), 'promo', 'en'), { campaignId: 'paced' });
    await queue.onIdle();
    expect(outcome).toMatchObject({ status: 'failed', attempts: 1, error: { code: 132015 } });
    expect(calls).toHaveLength(1);
    const events = [];
    for await (const event of store.scan({})) events.push(event);
    expect(events).toEqual([expect.objectContaining({ kind: 'send_failed', errorCode: 132015 })]);
  });

  it('a held message that later fails with 132015 shows in the failures breakdown with that reason', async () => {
    const store = new MemoryEventStore();
    const at = new Date(Date.UTC(2026, 5, 1, 9));
    await store.append([
      {
        kind: 'outbound',
        messageId: 'wamid.1',
        recipientId: '905321000001',
        at,
        campaignId: 'paced',
        metadata: { messageStatus: 'held_for_quality_assessment' },
      },
      { kind: 'outbound', messageId: 'wamid.2', recipientId: '905321000002', at, campaignId: 'paced' },
      { kind: 'status', messageId: 'wamid.1', status: 'failed', at, errorCode: 132015 },
      { kind: 'status', messageId: 'wamid.2', status: 'delivered', at },
    ]);
    const metrics = await computeCampaignMetrics(store, { campaignId: 'paced' });
    expect(metrics).toMatchObject({ sent: 2, failed: 1, delivered: 1 });
    expect(metrics.failuresByCode).toEqual([{ code: 132015, title: 'Template is paused', count: 1 }]);
  });
});
