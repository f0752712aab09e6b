/**
 * The hand-made event sets of issue 11 ("numbers that never exceed the truth"), each once: before the
 * fix they gave a 200% click-through rate, a 200% block rate, a 100% opt-out rate from 131050 failures
 * and two answers for the same 131050 fact.
 */
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { CampaignFactsBuilder } from '../../src/metrics/campaign-facts-builder.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';

const T0 = Date.UTC(2026, 5, 1, 9);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const HOUR = 60;

function send(messageId: string, recipientId: string, minutes = 0): StoredEvent {
  return { kind: 'outbound', messageId, recipientId, at: at(minutes), campaignId: 'c' };
}
function status(messageId: string, name: string, minutes: number, errorCode?: number): StoredEvent {
  return { kind: 'status', messageId, status: name, at: at(minutes), ...(errorCode ? { errorCode } : {}) };
}
async function metricsOf(events: StoredEvent[], query: object = {}) {
  const store = new MemoryEventStore();
  await store.append(events);
  return computeCampaignMetrics(store, { campaignId: 'c', ...query });
}

describe('a user action proves delivery and read', () => {
  it('counts a clicked message whose delivered webhook never came as delivered and read (CTR ≤ 100%)', async () => {
    const m = await metricsOf([
      send('m1', '1'),
      send('m2', '2'),
      status('m1', 'delivered', 1),
      { kind: 'click', at: at(5), messageId: 'm1' },
      { kind: 'click', at: at(6), messageId: 'm2' },
      { kind: 'click', at: at(7), messageId: 'm2' },
    ]);
    expect(m).toMatchObject({ sent: 2, delivered: 2, read: 2, pending: 0, clicked: 2, clicks: 3 });
    expect(m.clickThroughRate).toBe(1);
  });

  it('counts an unlinked reply as proof for the message it is attributed to (reply rate ≤ 100%)', async () => {
    const m = await metricsOf([
      send('m1', '1'),
      { kind: 'inbound', messageId: 'in1', recipientId: '+1', at: at(30), text: 'Nice!' },
    ]);
    expect(m).toMatchObject({ delivered: 1, read: 1, replied: 1, replyRate: 1, pending: 0 });
  });

  it('attributes an unlinked Stop tap to the latest message not failed, and counts it delivered', async () => {
    const m = await metricsOf([
      send('m1', '1', 0),
      send('m2', '1', 10),
      status('m2', 'failed', 11, 131026),
      { kind: 'opt_out', recipientId: '1', at: at(60), source: 'user_preferences' },
    ]);
    expect(m).toMatchObject({ sent: 2, delivered: 1, failed: 1, pending: 0, optedOut: 1, optOutRate: 1 });
  });
});

describe('invariants on the issue examples', () => {
  it('puts inferred blocks over sent, so the block rate stays within 100%', async () => {
    const m = await metricsOf(
      [
        { ...send('w', '1', -48 * HOUR), campaignId: 'welcome' } as StoredEvent,
        { ...send('w2', '2', -48 * HOUR), campaignId: 'welcome' } as StoredEvent,
        status('w', 'delivered', -48 * HOUR + 1),
        status('w2', 'delivered', -48 * HOUR + 1),
        send('m1', '1'),
        send('m2', '2'),
        send('m3', '3'),
        status('m3', 'delivered', 1),
      ],
      { blockInference: { afterMs: 3_600_000 }, now: at(24 * HOUR) },
    );
    expect(m).toMatchObject({ sent: 3, delivered: 1, pending: 2, blocked: 2 });
    expect(m.blockRate).toBe(2 / 3);
  });

  it('counts 131050 as already opted out, never as a new opt-out, on both paths', async () => {
    const m = await metricsOf([
      send('m1', '1'),
      send('m2', '2'),
      send('m3', '3'),
      send('m4', '4'),
      status('m1', 'delivered', 1),
      status('m2', 'delivered', 1),
      status('m3', 'failed', 1, 131050),
      status('m4', 'failed', 1, 131049),
      { kind: 'send_failed', recipientId: '5', at: at(0), campaignId: 'c', errorCode: 131050 },
      { kind: 'send_failed', recipientId: '6', at: at(0), campaignId: 'c', errorCode: 131049 },
      // What the queue's suppression path records for the refused send: not a signal about a message.
      { kind: 'opt_out', recipientId: '5', at: at(0), source: 'error_131050' },
      { kind: 'opt_out', recipientId: '1', at: at(2), source: 'error_131050' },
    ]);
    expect(m).toMatchObject({
      sent: 4,
      rejected: 2,
      delivered: 2,
      failed: 2,
      optedOut: 0,
      optOutRate: 0,
      alreadyOptedOut: 2,
      limitedByMeta: 2,
    });
  });

  it('keeps messages still at sent as pending, so delivery + failure + pending add up to sent', async () => {
    const m = await metricsOf([
      send('m1', '1'),
      send('m2', '2'),
      send('m3', '3'),
      status('m1', 'delivered', 1),
      status('m2', 'failed', 1, 131026),
      status('m3', 'sent', 1),
    ]);
    expect(m).toMatchObject({ sent: 3, delivered: 1, failed: 1, pending: 1 });
    expect(m.deliveryRate! + m.failureRate!).toBeCloseTo(2 / 3, 12);
  });

  it('counts an app-recorded opt-out or a conversion only on a delivered message', async () => {
    const m = await metricsOf([
      send('m1', '1'),
      send('m2', '2'),
      status('m1', 'delivered', 1),
      { kind: 'opt_out', recipientId: '2', at: at(5), source: 'manual', messageId: 'm2' },
      { kind: 'conversion', at: at(6), messageId: 'm2', value: 10 },
      { kind: 'conversion', at: at(6), messageId: 'm1', value: 5 },
    ]);
    expect(m).toMatchObject({ delivered: 1, pending: 1, optedOut: 0, converted: 1, revenue: 5 });
  });
});

describe('CampaignFactsBuilder', () => {
  it('gives the same facts when build() is called twice (recipient-only clicks are credited once)', () => {
    const builder = new CampaignFactsBuilder({ campaignId: 'c' });
    builder.addSend(send('m1', '1') as Extract<StoredEvent, { kind: 'outbound' }>);
    builder.addEvent({ kind: 'click', at: at(5), recipientId: '1', campaignId: 'c' });
    builder.addEvent({ kind: 'conversion', at: at(6), recipientId: '1', value: 2.5 });
    const first = structuredClone(builder.build());
    expect(first.messages[0]).toMatchObject({ clicks: 1, delivered: true, converted: true, revenue: 2.5 });
    expect(builder.build()).toEqual(first);
  });
});
