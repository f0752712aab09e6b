import { EventEmitter } from 'eventemitter3';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import type { SendingCampaign, SendingCampaignCounts } from '../../src/metrics/send-progress.js';
import { type LiveCampaign, watchCampaign } from '../../src/metrics/watch-campaign.js';
import { watchCampaignMetrics } from '../../src/metrics/watch-campaign-metrics.js';
import { SendQueue } from '../../src/queue/index.js';
import { graph, scriptedClient } from '../queue/helpers/scripted-client.js';

/** A campaign handle whose counts the test sets by hand. */
class FakeCampaign extends EventEmitter implements SendingCampaign {
  readonly campaignId: string;
  counts: SendingCampaignCounts = {
    sent: 0,
    failed: 0,
    skipped: 0,
    unknown: 0,
    read: 0,
    remaining: 0,
    waiting: 0,
    waitingUntil: undefined,
    ratePerSecond: 0,
    etaMs: undefined,
    done: false,
  };
  constructor(campaignId: string) {
    super();
    this.campaignId = campaignId;
  }
  progress(): SendingCampaignCounts {
    return { ...this.counts };
  }
}

describe('watchCampaign: metrics and send progress in one feed', () => {
  it('follows a real campaign: queued, sent, failed, skipped by reason, done, beside the stored metrics', async () => {
    const store = new MemoryEventStore();
    const { client } = scriptedClient((to) => (to === '15550003' ? graph(131026) : undefined));
    const queue = new SendQueue({
      client,
      store,
      storeFlushMs: 1,
      messagesPerSecond: 1000,
      perRecipientIntervalMs: 0,
    });
    const phones = ['15550001', '15550002', '15550003', '15550004', '15550001'];
    const campaign = queue.sendCampaign({
      campaignId: 'spring',
      recipients: phones.map((phone) => ({ phone })),
      build: (r) => ({ to: r.phone, type: 'text', text: { body: 'hi' } }),
    });
    const stop = new AbortController();
    const seen: LiveCampaign[] = [];
    for await (const update of watchCampaign(
      store,
      { campaignId: 'spring' },
      { intervalMs: 5, signal: stop.signal, sending: campaign },
    )) {
      seen.push(update);
      if (update.progress?.done && update.metrics.sent === 3) stop.abort();
    }
    const last = seen.at(-1)!;
    expect(last.progress).toMatchObject({
      queued: 0,
      sent: 3,
      failed: 1,
      skipped: 1,
      waiting: 0,
      remaining: 0,
      done: true,
    });
    expect(last.progress!.sent + last.progress!.failed + last.progress!.skipped).toBe(phones.length);
    expect(last.progress!.skippedByReason).toEqual({ duplicate: 1 });
    expect(last.metrics).toMatchObject({ sent: 3, rejected: 1 });
    expect(campaign.listenerCount('outcome')).toBe(0); // the watch let go of the handle
    await queue.close();
  });

  it('counts skips by any reason, files earlier ones under "earlier", and waits for a handle to appear', async () => {
    const store = new MemoryEventStore();
    const fake = new FakeCampaign('c');
    fake.counts = { ...fake.counts, skipped: 2, read: 2 };
    let handle: FakeCampaign | undefined;
    const stop = new AbortController();
    const updates = watchCampaign(
      store,
      { campaignId: 'c' },
      { intervalMs: 2, signal: stop.signal, sending: () => handle },
    );
    expect((await updates.next()).value?.progress).toBeUndefined();
    handle = fake;
    const first = (await updates.next()).value!;
    expect(first.progress).toMatchObject({ skipped: 2, skippedByReason: { earlier: 2 } });
    fake.counts = { ...fake.counts, skipped: 4, read: 5, waiting: 1, waitingUntil: new Date(0) };
    fake.emit('outcome', { status: 'skipped', reason: 'paused_by_budget' });
    fake.emit('outcome', { status: 'skipped' });
    fake.emit('outcome', { status: 'sent' });
    const second = (await updates.next()).value!;
    expect(second.progress).toMatchObject({
      queued: 0,
      waiting: 1,
      skippedByReason: { earlier: 2, other: 1, paused_by_budget: 1 },
    });
    await updates.return();
    expect(fake.listenerCount('outcome')).toBe(0);
  });

  it('rejects a handle of another campaign and watchCampaignMetrics takes no handle', async () => {
    const store = new MemoryEventStore();
    const other = new FakeCampaign('other');
    await expect(watchCampaign(store, { campaignId: 'c' }, { sending: other }).next()).rejects.toThrow(
      ConfigError,
    );
    await expect(
      watchCampaign(store, { campaignId: 'c' }, { sending: {} as SendingCampaign }).next(),
    ).rejects.toThrow(ConfigError);
    await expect(
      watchCampaignMetrics(store, { campaignId: 'c' }, { sending: other } as never).next(),
    ).rejects.toThrow(ConfigError);
  });
});
