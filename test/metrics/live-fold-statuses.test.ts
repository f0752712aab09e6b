import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { CampaignFactsBuilder } from '../../src/metrics/campaign-facts-builder.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { LiveCampaignFold } from '../../src/metrics/live-campaign-fold.js';
import type { MetricsQuery } from '../../src/metrics/metrics-types.js';

/*
 * The live fold updates a message's facts from a new status alone when that moves no other event, and
 * folds its person again otherwise: each case feeds the events one update at a time and compares every
 * step with a full computation.
 */

const T0 = Date.UTC(2026, 4, 1, 9);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const QUERY: MetricsQuery = { campaignId: 'c', groupBy: 'variant', rateCard: { marketing: 0.05 } };
const pricing = { category: 'marketing', type: 'regular', billable: true };

function send(messageId: string, recipientId: string, minute: number, variant = 'A'): StoredEvent {
  return { kind: 'outbound', messageId, recipientId, at: at(minute), campaignId: 'c', variant };
}

function status(messageId: string, name: string, minute: number, extra: object = {}): StoredEvent {
  return { kind: 'status', messageId, status: name, at: at(minute), ...extra } as StoredEvent;
}

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * Appends `steps` one at a time, updating the fold after each, and checks it against a full computation.
 * Returns, per step, whether the update changed anything and whether it folded a person again.
 */
async function followSteps(steps: StoredEvent[][]): Promise<{ changed: boolean[]; refolded: boolean[] }> {
  const store = new MemoryEventStore();
  const fold = new LiveCampaignFold(store, QUERY);
  await fold.start();
  const builds = vi.spyOn(CampaignFactsBuilder.prototype, 'build');
  const changed: boolean[] = [];
  const refolded: boolean[] = [];
  for (const [i, step] of steps.entries()) {
    await store.append(step);
    const before = builds.mock.calls.length;
    changed.push(await fold.update());
    refolded.push(builds.mock.calls.length > before);
    builds.mockClear();
    expect(fold.metrics(), `after step ${i}`).toEqual(await computeCampaignMetrics(store, QUERY));
  }
  return { changed, refolded };
}

describe('LiveCampaignFold: statuses after the person was folded', () => {
  it('moves a message through sent, delivered, read and billing on statuses alone', async () => {
    const { changed, refolded } = await followSteps([
      [send('w1', '905550001', 0), send('w2', '905550002', 0, 'B')],
      [status('w1', 'sent', 1, { pricing })],
      [status('w1', 'delivered', 2, { pricing: { ...pricing, category: 'utility' } })],
      [status('w1', 'read', 3)],
      [status('w2', 'sent', 1, { pricing })],
      [status('w2', 'failed', 2, { errorCode: 131049 })],
      [status('w1', 'read', 3)], // a repeat: nothing changes
    ]);
    expect(changed).toEqual([true, true, true, true, true, true, false]);
    expect(refolded).toEqual([true, false, false, false, false, false, false]);
  });

  it('a delivery reveals an opt-out and a conversion the undelivered message hid', async () => {
    await followSteps([
      [send('w1', '905550001', 0)],
      [{ kind: 'opt_out', recipientId: '905550001', messageId: 'w1', at: at(5), source: 'app' }],
      [{ kind: 'conversion', messageId: 'w1', at: at(6), value: 12.5, currency: 'EUR' }],
      [status('w1', 'sent', 1, { pricing })],
      [status('w1', 'delivered', 2)],
      [status('w1', 'read', 3)],
    ]);
  });

  it('a failure moves a reply that named no message to the earlier message', async () => {
    const { refolded } = await followSteps([
      [send('w1', '905550001', 0), send('w2', '905550001', 10)],
      [
        {
          kind: 'inbound',
          messageId: 'in1',
          recipientId: '905550001',
          at: at(20),
          messageType: 'text',
          text: 'hi',
        },
      ],
      [status('w1', 'delivered', 1)],
      [status('w2', 'sent', 11, { pricing })],
      [status('w2', 'failed', 12, { errorCode: 131026 })],
      [status('w2', 'delivered', 13)],
    ]);
    // The reply names no message: w2's failure (step 4) moves it, so that person is folded again; a
    // `sent` on an undelivered message (step 3) changes no failure and needs no fold.
    expect(refolded).toEqual([true, true, false, false, true, true]);
  });

  it('a failure on a message its own click proved delivered stays a delivery', async () => {
    await followSteps([
      [send('w1', '905550001', 0)],
      [{ kind: 'click', messageId: 'w1', at: at(4), url: 'https://shop.example/a' }],
      [status('w1', 'sent', 1, { pricing })],
      [status('w1', 'failed', 2, { errorCode: 131000 })],
      [status('w1', 'read', 3)],
    ]);
  });

  it('a Meta click joined by click id keeps the person on the full fold', async () => {
    await followSteps([
      [send('w1', '905550001', 0)],
      [{ kind: 'click', messageId: 'w1', at: at(4), url: 'https://shop.example/a', clickId: 'k1' }],
      [{ kind: 'click', at: at(4), url: 'https://shop.example/a', clickId: 'k1', source: 'meta' }],
      [status('w1', 'failed', 2, { errorCode: 131026 })],
      [status('w1', 'delivered', 3)],
    ]);
  });
});
