import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/events/event-store.js';
import { normalizeRecipientId } from '../../src/events/recipient-id.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { PostgresEventStore } from '../../src/events/stores/postgres.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { holdoutLiftEstimate } from '../../src/metrics/holdout-lift.js';
import { postgresTestSchema } from '../helpers/postgres-test-schema.js';
import { mulberry32 } from './generate-campaign.js';

/*
 * The holdout lift, recomputed naively from its written definition (docs/metrics.md, "Holdout lift")
 * on random event sets, and the interval checked against Newcombe's published example.
 */

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 1, 9);
const WINDOW = 72 * HOUR;

describe('holdoutLiftEstimate', () => {
  it("gives Newcombe's (1998) hybrid score interval: 56/70 vs 48/80 → 0.2000 [0.0524, 0.3339]", () => {
    const estimate = holdoutLiftEstimate(
      { converted: 56, recipients: 70 },
      { converted: 48, recipients: 80 },
    );
    expect(estimate.absolute).toBeCloseTo(0.2, 10);
    expect(estimate.ci!.lower).toBeCloseTo(0.0524, 4);
    expect(estimate.ci!.upper).toBeCloseTo(0.3339, 4);
    expect(estimate.relative).toBeCloseTo(0.2 / 0.6, 10);
    expect(estimate.significant).toBe(true);
    expect(estimate.pValue).toBeLessThan(0.05);
  });

  it('handles empty arms and zero rates without NaN', () => {
    expect(holdoutLiftEstimate({ converted: 0, recipients: 10 }, { converted: 0, recipients: 0 })).toEqual({
      absolute: null,
      relative: null,
      confidenceLevel: 0.95,
      ci: null,
      pValue: null,
      significant: false,
    });
    const none = holdoutLiftEstimate({ converted: 0, recipients: 50 }, { converted: 0, recipients: 5 });
    expect(none.absolute).toBe(0);
    expect(none.relative).toBeNull();
    expect(none.pValue).toBe(1);
    expect(none.ci!.lower).toBeLessThan(0);
    expect(none.ci!.upper).toBeGreaterThan(0);
    expect(none.significant).toBe(false);
  });
});

interface Case {
  events: StoredEvent[];
}

/** People sent to or held out by campaign `c`, noise from campaign `d`, conversions around the window edges. */
function randomCase(random: () => number): Case {
  const events: StoredEvent[] = [];
  const people = 5 + Math.floor(random() * 40);
  let message = 0;
  for (let p = 0; p < people; p++) {
    const digits = `4915${String(1_000_000 + p)}`;
    const id = random() < 0.3 ? `+${digits}` : digits;
    const start = T0 + Math.floor(random() * 10) * HOUR;
    const heldOut = random() < 0.3;
    const messageIds: string[] = [];
    if (heldOut) events.push({ kind: 'held_out', recipientId: id, at: new Date(start), campaignId: 'c' });
    else {
      const sends = 1 + Math.floor(random() * 2);
      for (let s = 0; s < sends; s++) {
        const messageId = `wamid.${++message}`;
        messageIds.push(messageId);
        events.push({
          kind: 'outbound',
          messageId,
          recipientId: id,
          at: new Date(start + s * HOUR),
          campaignId: 'c',
        });
      }
      // Sometimes also held out (a re-run with another share): counted as treated.
      if (random() < 0.1)
        events.push({ kind: 'held_out', recipientId: id, at: new Date(start), campaignId: 'c' });
    }
    if (random() < 0.2)
      events.push({
        kind: 'outbound',
        messageId: `wamid.d${++message}`,
        recipientId: digits,
        at: new Date(start),
        campaignId: 'd',
      });
    const conversions = Math.floor(random() * 3);
    for (let k = 0; k < conversions; k++) {
      const offsets = [-HOUR, 0, HOUR, WINDOW - 1, WINDOW, 30 * HOUR];
      const at = new Date(start + (offsets[Math.floor(random() * offsets.length)] as number));
      const byMessage = messageIds.length > 0 && random() < 0.4;
      events.push(
        byMessage
          ? {
              kind: 'conversion',
              at,
              messageId: messageIds[Math.floor(random() * messageIds.length)],
              value: 10,
            }
          : {
              kind: 'conversion',
              at,
              recipientId: random() < 0.5 ? `+${digits}` : digits,
              campaignId: random() < 0.5 ? 'd' : undefined,
            },
      );
    }
  }
  // Shuffle: the result must not depend on append order.
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [events[i], events[j]] = [events[j] as StoredEvent, events[i] as StoredEvent];
  }
  return {
    events: events.map((e) => JSON.parse(JSON.stringify(e), (k, v) => (k === 'at' ? new Date(v) : v))),
  };
}

/** The definition, literally: per person, their start, and whether a conversion of theirs falls in [start, start + window). */
function naiveHoldout(events: StoredEvent[]) {
  const firstSend = new Map<string, number>();
  const owner = new Map<string, string>();
  const held = new Map<string, number>();
  for (const e of events) {
    if (e.kind === 'outbound' && e.campaignId === 'c') {
      const id = normalizeRecipientId(e.recipientId);
      owner.set(e.messageId, id);
      firstSend.set(id, Math.min(firstSend.get(id) ?? Number.POSITIVE_INFINITY, e.at.getTime()));
    }
    if (e.kind === 'held_out' && e.campaignId === 'c') {
      const id = normalizeRecipientId(e.recipientId);
      held.set(id, Math.min(held.get(id) ?? Number.POSITIVE_INFINITY, e.at.getTime()));
    }
  }
  for (const id of firstSend.keys()) held.delete(id);
  const convertedIn = (starts: Map<string, number>) => {
    let n = 0;
    for (const [id, start] of starts) {
      const hit = events.some((e) => {
        if (e.kind !== 'conversion') return false;
        const who =
          e.recipientId !== undefined
            ? normalizeRecipientId(e.recipientId)
            : e.messageId
              ? owner.get(e.messageId)
              : undefined;
        const t = e.at.getTime();
        return who === id && t >= start && t < start + WINDOW;
      });
      if (hit) n++;
    }
    return n;
  };
  const treated = { recipients: firstSend.size, converted: convertedIn(firstSend) };
  const heldOut = { recipients: held.size, converted: convertedIn(held) };
  return { treated, heldOut };
}

type ClosableStore = EventStore & { close?(): Promise<void> };

async function check(makeStore: () => ClosableStore, cases: number, seed: number): Promise<void> {
  const random = mulberry32(seed);
  for (let i = 0; i < cases; i++) {
    const { events } = randomCase(random);
    const store = await makeStore();
    try {
      await store.append(events);
      const { holdout } = await computeCampaignMetrics(store, { campaignId: 'c' });
      const naive = naiveHoldout(events);
      const context = `case ${i} (seed ${seed})`;
      if (!events.some((e) => e.kind === 'held_out')) {
        expect(holdout, context).toBeUndefined();
        continue;
      }
      expect(holdout, context).toBeDefined();
      expect({ treated: holdout!.treated, heldOut: holdout!.heldOut }, context).toEqual({
        treated: {
          ...naive.treated,
          rate: naive.treated.recipients ? naive.treated.converted / naive.treated.recipients : null,
        },
        heldOut: {
          ...naive.heldOut,
          rate: naive.heldOut.recipients ? naive.heldOut.converted / naive.heldOut.recipients : null,
        },
      });
      expect(holdout!.lift, context).toEqual(holdoutLiftEstimate(naive.treated, naive.heldOut));
    } finally {
      await store.close?.();
    }
  }
}

describe('CampaignMetrics.holdout equals the naive recomputation', () => {
  it('on the memory store (300 random cases)', async () => {
    await check(() => new MemoryEventStore(), 300, 1205);
  });
  it('on the SQLite store (60 random cases)', async () => {
    await check(() => new SqliteEventStore({ filename: ':memory:' }), 60, 1206);
  });
  it('is absent for a campaign without a holdout', async () => {
    const store = new MemoryEventStore();
    await store.append([
      { kind: 'outbound', messageId: 'w1', recipientId: '1', at: new Date(T0), campaignId: 'c' },
    ]);
    expect((await computeCampaignMetrics(store, { campaignId: 'c' })).holdout).toBeUndefined();
  });
});

const { available, schema, pool } = await postgresTestSchema('holdout');
let tables = 0;
describe.runIf(available)('CampaignMetrics.holdout on PostgreSQL (real server)', () => {
  it('equals the naive recomputation (20 random cases)', async () => {
    await check(() => new PostgresEventStore({ pool, schema, tableName: `events_${++tables}` }), 20, 1207);
  });
});
