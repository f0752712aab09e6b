import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { CampaignFactsBuilder } from '../../src/metrics/campaign-facts-builder.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { LiveCampaignFold } from '../../src/metrics/live-campaign-fold.js';
import type { MetricsQuery } from '../../src/metrics/metrics-types.js';

/*
 * The live fold folds one message again, not its whole person, when every event of that person names
 * its message: each case feeds the events one update at a time, compares every step with a full
 * computation, and checks how many sends each update folded (the message alone, or the whole person).
 */

const T0 = Date.UTC(2026, 4, 1, 9);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const QUERY: MetricsQuery = { campaignId: 'c', groupBy: 'variant', rateCard: { marketing: 0.05 } };
const PERSON = '905550001';

function send(messageId: string, minute: number, variant = 'A'): StoredEvent {
  return { kind: 'outbound', messageId, recipientId: PERSON, at: at(minute), campaignId: 'c', variant };
}

function status(messageId: string, name: string, minute: number, extra: object = {}): StoredEvent {
  return { kind: 'status', messageId, status: name, at: at(minute), ...extra } as StoredEvent;
}

function reply(id: string, minute: number, contextMessageId?: string): StoredEvent {
  const event: StoredEvent = {
    kind: 'inbound',
    messageId: id,
    recipientId: PERSON,
    at: at(minute),
    messageType: 'text',
    text: 'hi',
  };
  if (contextMessageId !== undefined) event.contextMessageId = contextMessageId;
  return event;
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** Appends `steps` one at a time, updating after each; returns how many sends each update folded. */
async function sendsFolded(steps: StoredEvent[][]): Promise<number[]> {
  const store = new MemoryEventStore();
  const fold = new LiveCampaignFold(store, QUERY);
  await fold.start();
  const sends = vi.spyOn(CampaignFactsBuilder.prototype, 'addSend');
  const counts: number[] = [];
  for (const [i, step] of steps.entries()) {
    await store.append(step);
    sends.mockClear();
    await fold.update();
    counts.push(sends.mock.calls.length);
    expect(fold.metrics(), `after step ${i}`).toEqual(await computeCampaignMetrics(store, QUERY));
  }
  return counts;
}

describe('LiveCampaignFold: a message folded on its own', () => {
  it('a new send, and events naming one message, fold that message alone', async () => {
    const counts = await sendsFolded([
      [send('w1', 0), status('w1', 'delivered', 1)],
      [send('w2', 10, 'B')],
      [reply('in1', 12, 'w2')], // replied, and so delivered and read
      [{ kind: 'click', messageId: 'w1', at: at(14), url: 'https://shop.example/a' }],
      // An opt-out the undelivered w3 hides until its delivery: the delivery folds w3 again, alone.
      [send('w3', 20)],
      [{ kind: 'opt_out', recipientId: PERSON, messageId: 'w3', at: at(21), source: 'app' }],
      [status('w3', 'delivered', 22)],
      [{ kind: 'conversion', messageId: 'w2', at: at(30), value: 20, currency: 'EUR' }],
    ]);
    expect(counts).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('a send whose earlier statuses and events were stored first folds alone with them', async () => {
    const counts = await sendsFolded([
      [send('w1', 0)],
      [status('w2', 'read', 12), reply('in1', 13, 'w2'), status('w2', 'failed', 12, { errorCode: 131026 })],
      [send('w2', 10, 'B')],
    ]);
    expect(counts).toEqual([1, 0, 1]);
  });

  it('an event naming no message puts the person back on the whole fold, unless a new send is later', async () => {
    const counts = await sendsFolded([
      [send('w1', 0), send('w2', 10)],
      [reply('in1', 12)], // goes to the latest message not failed: w2
      [status('w2', 'failed', 11, { errorCode: 131026 })], // and now to w1
      // Sent after the reply's second: the reply cannot go to it, and it folds alone.
      [send('w3', 20)],
      [send('w4', 5)], // sent before the reply: it takes the reply from w1, the whole person
      [status('w1', 'delivered', 1)],
    ]);
    expect(counts).toEqual([2, 2, 2, 1, 4, 0]);
  });

  it('a new send in the same second as an event naming no message folds the whole person', async () => {
    const late: StoredEvent = { ...send('w2', 12), at: new Date(at(12).getTime() + 500) } as StoredEvent;
    const counts = await sendsFolded([[send('w1', 0)], [reply('in1', 12)], [late]]);
    expect(counts).toEqual([1, 1, 2]);
  });

  it('a conversion by a code one message carries keeps the person on the whole fold', async () => {
    const withCode: StoredEvent = {
      ...send('w2', 10),
      metadata: { discountCode: 'SPRING-1' },
    } as StoredEvent;
    const counts = await sendsFolded([
      [send('w1', 0)],
      [withCode],
      [{ kind: 'conversion', recipientId: PERSON, code: 'SPRING-1', at: at(30), value: 5 }],
      [status('w2', 'delivered', 11)],
      [send('w3', 40)],
    ]);
    expect(counts[1]).toBe(2);
    expect(counts[2]).toBe(2);
    expect(counts[4]).toBe(3);
  });
});
