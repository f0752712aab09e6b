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
async function sendsFolded(steps: StoredEvent[][], query: MetricsQuery = QUERY): Promise<number[]> {
  const store = new MemoryEventStore();
  const fold = new LiveCampaignFold(store, query);
  await fold.start();
  const sends = vi.spyOn(CampaignFactsBuilder.prototype, 'addSend');
  const counts: number[] = [];
  for (const [i, step] of steps.entries()) {
    await store.append(step);
    sends.mockClear();
    await fold.update();
    counts.push(sends.mock.calls.length);
    expect(fold.metrics(), `after step ${i}`).toEqual(await computeCampaignMetrics(store, query));
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

  it('an event naming no message folds the message it goes to, unless it or an earlier one moves', async () => {
    const counts = await sendsFolded([
      [send('w1', 0), send('w2', 10)],
      [reply('in1', 12)], // goes to the latest message not failed: w2, folded alone
      [status('w2', 'failed', 11, { errorCode: 131026 })], // and now to w1: the whole person
      // Sent after the reply's second: the reply cannot go to it, and it folds alone.
      [send('w3', 20)],
      [send('w4', 5)], // sent before the reply: it takes the reply from w1, the whole person
      [status('w1', 'delivered', 1)],
    ]);
    expect(counts).toEqual([2, 1, 2, 1, 4, 0]);
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

describe('LiveCampaignFold: events naming no message, folded with the message they go to', () => {
  const click = (minute: number, scoped: boolean): StoredEvent => ({
    kind: 'click',
    recipientId: PERSON,
    at: at(minute),
    url: 'https://shop.example/a',
    ...(scoped ? { campaignId: 'c' } : {}),
  });

  it('a new one folds its message alone; a later change to that message folds it with it', async () => {
    const counts = await sendsFolded([
      [send('w1', 0), send('w2', 10, 'B'), status('w1', 'delivered', 1)],
      [click(30, false)], // goes to w2 (the latest), w2 alone
      [reply('in1', 40, 'w1')], // names w1: w1 alone, the click stays with w2
      [status('w2', 'read', 12)], // w2 delivered now: folded alone again, with the click
      [click(50, true), reply('in2', 51)], // both to w2
    ]);
    expect(counts).toEqual([2, 1, 1, 0, 1]);
  });

  it('one out of the attribution window goes nowhere and folds nothing; one inside folds its message', async () => {
    const counts = await sendsFolded([
      [send('w1', 0), status('w1', 'delivered', 1)],
      [reply('in1', 73 * 60)], // 73 hours after the send: no message
      [reply('in2', 71 * 60)],
      [click(80 * 60, true)], // a campaign-scoped click token has no window
    ]);
    expect(counts).toEqual([1, 0, 1, 1]);
  });

  it('a message that failed before, or fails now, folds the whole person (such events move)', async () => {
    const counts = await sendsFolded([
      [send('w1', 0), send('w2', 10), status('w2', 'failed', 11, { errorCode: 131026 })],
      [reply('in1', 20)], // w2 failed: to w1, alone
      [status('w2', 'delivered', 12)], // w2 not failed any more: the reply moves to it
      [{ kind: 'block', recipientId: PERSON, at: at(30), source: 'app' }], // to w2, alone
      [status('w1', 'failed', 2, { errorCode: 131026 })], // delivered? no: w1 fails now
    ]);
    expect(counts).toEqual([2, 1, 2, 1, 2]);
  });

  it('a first one arriving with a failure of the message it would go to goes to the one before', async () => {
    const counts = await sendsFolded([
      [send('w1', 0), send('w2', 10)],
      // w2's failure is counted first (its person had no such event yet), then the reply goes to w1.
      [status('w2', 'failed', 11, { errorCode: 131026 }), reply('in1', 20)],
      [reply('in2', 21, 'w1')],
    ]);
    expect(counts).toEqual([2, 1, 1]);
  });

  it('with the window opened again by clicks, the whole person folds', async () => {
    const query: MetricsQuery = { ...QUERY, attributionWindowFrom: 'click' };
    const counts = await sendsFolded(
      [
        [send('w1', 0), send('w2', 10)],
        [click(30, false)],
        [{ kind: 'conversion', recipientId: PERSON, at: at(40), value: 9 }],
        [reply('in1', 41, 'w1')],
      ],
      query,
    );
    expect(counts).toEqual([2, 2, 2, 2]);
  });
});

describe('LiveCampaignFold: Meta clicks whose click id two people share', () => {
  it('go to one message among both people, whoever is folded again', async () => {
    const other = '905550002';
    const tracker = (extra: object): StoredEvent =>
      ({
        kind: 'click',
        at: at(30),
        url: 'https://shop.example/a',
        clickId: 'fb.1',
        ...extra,
      }) as StoredEvent;
    const store = new MemoryEventStore();
    const fold = new LiveCampaignFold(store, QUERY);
    await fold.start();
    const steps: StoredEvent[][] = [
      [send('w1', 0), { ...send('w2', 5, 'B'), recipientId: other } as StoredEvent],
      // The builder gives the Meta click to the lowest message id with a tracker click: w1, not w2.
      [tracker({ recipientId: PERSON, campaignId: 'c' }), tracker({ messageId: 'w2', at: at(31) })],
      [{ kind: 'click', at: at(32), source: 'meta', clickId: 'fb.1', component: 'cta' } as StoredEvent],
      [reply('in1', 40, 'w2')], // folds the second person again: the first with them
      [status('w1', 'read', 2)],
    ];
    for (const [i, step] of steps.entries()) {
      await store.append(step);
      await fold.update();
      expect(fold.metrics(), `after step ${i}`).toEqual(await computeCampaignMetrics(store, QUERY));
    }
    expect(fold.metrics().clicks).toBe(3);
    expect(fold.metrics().groups?.find((g) => g.key === 'A')?.metrics.clicks).toBe(2);
  });
});

describe('LiveCampaignFold: a person with many messages', () => {
  it('stays equal to a full computation past the lists a person starts with', async () => {
    // 40 messages to one person, one per update: their lists grow past the sizes kept exact (32),
    // with a refused send, statuses and replies naming no message on the way.
    const steps: StoredEvent[][] = [];
    for (let i = 0; i < 40; i++) {
      const step: StoredEvent[] = [send(`m${i}`, i * 10, i % 2 === 0 ? 'A' : 'B')];
      if (i % 3 === 0) step.push(status(`m${i}`, 'delivered', i * 10 + 1));
      if (i % 7 === 0) step.push(reply(`in${i}`, i * 10 + 2));
      if (i === 20)
        step.push({
          kind: 'send_failed',
          recipientId: PERSON,
          at: at(i * 10),
          campaignId: 'c',
          errorCode: 131026,
        });
      steps.push(step);
    }
    const counts = await sendsFolded(steps);
    expect(counts).toHaveLength(40);
    const store = new MemoryEventStore();
    await store.append(steps.flat());
    const metrics = await computeCampaignMetrics(store, QUERY);
    expect(metrics.sent).toBe(40);
    expect(metrics.rejected).toBe(1);
  });
});
