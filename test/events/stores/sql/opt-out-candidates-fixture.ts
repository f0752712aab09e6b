import { expect } from 'vitest';
import type { EventStore } from '../../../../src/events/event-store.js';
import type { StoredEvent } from '../../../../src/events/stored-event.js';
import { MemoryEventStore } from '../../../../src/events/stores/memory.js';
import { computeCampaignMetrics } from '../../../../src/metrics/compute-campaign-metrics.js';
import type { MetricsQuery } from '../../../../src/metrics/metrics-types.js';
import { generateCampaignStream } from './campaign-stream.js';

/** The fixture's start: 27 February, so a month boundary (two partitions) falls inside it. */
export const T0 = Date.UTC(2026, 1, 27);
/** A stop payload longer than an index entry may hold: only the long-payload index finds it. */
export const LONG_STOP = `UNSUBSCRIBE_${'x'.repeat(300)}`;

/** A reply of `recipientId` to nothing in particular, `ms` after T0. */
function reply(id: string, recipientId: string, ms: number, fields: Partial<StoredEvent>): StoredEvent {
  return { kind: 'inbound', messageId: id, recipientId, at: new Date(T0 + ms), ...fields } as StoredEvent;
}

const send = (n: number): StoredEvent => ({
  kind: 'outbound',
  messageId: `wamid.s${n}`,
  recipientId: `90555000000${n}`,
  campaignId: 'feb',
  at: new Date(T0),
});

/**
 * A generated campaign across a month boundary, with replies of every kind the opt-out candidates split:
 * a long stop payload (only the long branch finds it), a short stop payload with a long title, a STOP
 * text, a long text (never a candidate), and a media reply (no text, no payload).
 */
export const OPT_OUT_EVENTS: readonly StoredEvent[] = [
  ...generateCampaignStream({ messages: 200, seed: 9, campaignId: 'feb', startMs: T0 }),
  send(1),
  send(2),
  send(3),
  send(4),
  reply('wamid.r1', '905550000001', 3 * 86_400_000, { buttonPayload: LONG_STOP, text: 'Stop' }),
  reply('wamid.r2', '905550000002', 60_000, { buttonPayload: 'STOP', text: 'y'.repeat(250) }),
  reply('wamid.r3', '905550000003', 2 * 86_400_000, { text: 'STOP' }),
  reply('wamid.r4', '905550000004', 60_000, { text: `stop ${'z'.repeat(300)}` }),
  reply('wamid.r5', '905550000004', 120_000, { messageType: 'image' } as Partial<StoredEvent>),
];

const QUERIES: MetricsQuery[] = [
  { campaignId: 'feb', optOut: { quickReplyPayloads: [LONG_STOP, 'STOP'] } },
  { campaignId: 'feb', groupBy: 'variant', optOut: { quickReplyPayloads: ['STOP'], keywords: ['stop'] } },
  { campaignId: 'feb', from: new Date(T0 + 3_600_000), optOut: { quickReplyPayloads: [LONG_STOP] } },
  { campaignId: 'feb', groupBy: 'day' },
];

/**
 * Asserts that `store` (holding {@link OPT_OUT_EVENTS}) gives the memory store's metrics for each of the
 * fixture's queries, and that the long stop payload counts (the long branch of the candidates found it).
 */
export async function expectOptOutMetricsOfMemory(store: EventStore): Promise<void> {
  const memory = new MemoryEventStore();
  await memory.append([...OPT_OUT_EVENTS]);
  for (const query of QUERIES) {
    const metrics = await computeCampaignMetrics(store, query);
    expect(metrics, JSON.stringify(query.optOut)).toEqual(await computeCampaignMetrics(memory, query));
  }
  const first = await computeCampaignMetrics(store, QUERIES[0]!);
  const without = await computeCampaignMetrics(store, {
    ...QUERIES[0]!,
    optOut: { quickReplyPayloads: ['STOP'] },
  });
  expect(first.optedOut).toBe(without.optedOut + 1);
}
