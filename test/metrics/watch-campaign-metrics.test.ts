import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import type { EventStore } from '../../src/events/event-store.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { PostgresEventStore } from '../../src/events/stores/postgres.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { LiveCampaignFold } from '../../src/metrics/live-campaign-fold.js';
import type { MetricsQuery } from '../../src/metrics/metrics-types.js';
import { watchCampaignMetrics } from '../../src/metrics/watch-campaign-metrics.js';
import { postgresTestSchema } from '../helpers/postgres-test-schema.js';
import { mulberry32 } from './generate-campaign.js';
import { randomCase } from './random-event-set.js';

/*
 * The incremental fold against a full computation at the same point: random campaigns (repeats, disorder,
 * user-id-only replies, 131049/131050, clicks without statuses) arrive in random slices between updates,
 * other campaigns' events interleaved, on every store.
 */

const SEED = Number(process.env.WACLOUD_PROPERTY_SEED ?? 20261214);

/** The random case's query without block inference (which the live fold leaves to full recomputation). */
function liveQuery(query: MetricsQuery): MetricsQuery {
  const { blockInference: _b, now: _n, ...rest } = query;
  return rest;
}

/** Appends a few random cases in slices, updating the folds between slices and comparing every time. */
async function checkIncremental(
  store: EventStore,
  cases: number,
  firstIndex: number,
  startBatch?: number,
): Promise<number> {
  const random = mulberry32(SEED + firstIndex);
  const set = Array.from({ length: cases }, (_, i) => randomCase(firstIndex + i, random));
  const all: StoredEvent[] = set.flatMap((c) => c.events);
  for (let k = all.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [all[k], all[j]] = [all[j]!, all[k]!];
  }
  const queries = set.map((c) => liveQuery(c.query as MetricsQuery));
  const folds = queries.map((q) => new LiveCampaignFold(store, q, startBatch ? { startBatch } : {}));
  let comparisons = 0;
  const compare = async () => {
    for (let i = 0; i < folds.length; i++) {
      const expected = await computeCampaignMetrics(store, queries[i]!);
      expect(folds[i]!.metrics(), `case ${firstIndex + i} (seed ${SEED})`).toEqual(expected);
      comparisons++;
    }
  };
  // Some events are there before the watch starts; the rest arrive in slices.
  let i = Math.floor(random() * all.length * 0.5);
  await store.append(all.slice(0, i));
  for (const fold of folds) await fold.start();
  await compare();
  while (i < all.length) {
    const size = 1 + Math.floor(random() * 30);
    await store.append(all.slice(i, i + size));
    i += size;
    for (const fold of folds) await fold.update();
    await compare();
  }
  return comparisons;
}

describe('watchCampaignMetrics: the incremental fold equals a full computation', () => {
  it('on the memory store', async () => {
    const store = new MemoryEventStore();
    let n = 0;
    for (let round = 0; round < 20; round++) n += await checkIncremental(store, 8, round * 8);
    expect(n).toBeGreaterThan(500);
  });

  it('when start folds the sends a few at a time (as updates do), on the memory store', async () => {
    const store = new MemoryEventStore();
    let n = 0;
    // Batches of 1 to 3 sends: a person's messages, a code's holders, land in different batches.
    for (let round = 0; round < 12; round++)
      n += await checkIncremental(store, 8, 3000 + round * 8, 1 + (round % 3));
    expect(n).toBeGreaterThan(300);
  });

  it('on the SQLite store', async () => {
    const store = new SqliteEventStore({ filename: ':memory:' });
    let n = 0;
    for (let round = 0; round < 6; round++)
      n += await checkIncremental(store, 6, 1000 + round * 6, round % 2 === 0 ? 2 : undefined);
    expect(n).toBeGreaterThan(100);
    await store.close();
  });

  it('updates reading only what was appended (a store without the feed recomputes)', async () => {
    const store = new MemoryEventStore();
    const at = new Date(Date.UTC(2026, 4, 1, 9));
    await store.append([{ kind: 'outbound', messageId: 'w1', recipientId: '15550001', at, campaignId: 'c' }]);
    let scans = 0;
    const counting: EventStore = {
      append: (e) => store.append(e),
      scan: (f) => {
        scans++;
        return store.scan(f);
      },
      readSince: (c, l) => store.readSince(c, l),
      latestCursor: () => store.latestCursor(),
    };
    const fold = new LiveCampaignFold(counting, { campaignId: 'c' });
    await fold.start();
    const startScans = scans;
    await store.append([{ kind: 'status', messageId: 'w1', status: 'read', at }]);
    expect(await fold.update()).toBe(true);
    expect(scans).toBe(startScans); // a status of a known message needs no scan
    expect(fold.metrics().read).toBe(1);
    expect(await fold.update()).toBe(false);
    expect(LiveCampaignFold.supports({ append: store.append, scan: store.scan }, { campaignId: 'c' })).toBe(
      false,
    );
    expect(LiveCampaignFold.supports(store, { campaignId: 'c', blockInference: { afterMs: 1 } })).toBe(false);
  });

  it('yields at once, then when the numbers change, and ends when the signal aborts', async () => {
    const store = new MemoryEventStore();
    const at = new Date(Date.UTC(2026, 4, 1, 9));
    await store.append([{ kind: 'outbound', messageId: 'w1', recipientId: '15550001', at, campaignId: 'c' }]);
    const stop = new AbortController();
    const seen: number[] = [];
    for await (const m of watchCampaignMetrics(
      store,
      { campaignId: 'c' },
      { intervalMs: 5, signal: stop.signal },
    )) {
      seen.push(m.delivered);
      if (seen.length === 1)
        await store.append([{ kind: 'status', messageId: 'w1', status: 'delivered', at }]);
      else stop.abort();
    }
    expect(seen).toEqual([0, 1]);
    const noFeed: EventStore = { append: (e) => store.append(e), scan: (f) => store.scan(f) };
    const it = watchCampaignMetrics(noFeed, { campaignId: 'c' }, { intervalMs: 5 });
    expect((await it.next()).value).toMatchObject({ sent: 1, delivered: 1 });
    await it.return();
    await expect(watchCampaignMetrics(store, { campaignId: 'c' }, { intervalMs: 0 }).next()).rejects.toThrow(
      ConfigError,
    );
    await expect(
      watchCampaignMetrics(store, { campaignId: 'c' }, { every: 1 } as never).next(),
    ).rejects.toThrow(ConfigError);
  });
});

const { available: pgUp, schema, pool } = await postgresTestSchema('watch', { max: 4 });

describe.runIf(pgUp)('watchCampaignMetrics on PostgreSQL', () => {
  it('the incremental fold equals a full computation', async () => {
    const store = new PostgresEventStore({ pool, schema, tableName: 'events_watch' });
    let n = 0;
    for (let round = 0; round < 4; round++)
      n += await checkIncremental(store, 5, 2000 + round * 5, round % 2 === 0 ? 2 : undefined);
    expect(n).toBeGreaterThan(50);
  });

  it("reads a new message's earlier statuses from the status rollup, not event by event", async () => {
    const store = new PostgresEventStore({ pool, schema, tableName: 'events_rollup' });
    const at = (minute: number) => new Date(Date.UTC(2026, 4, 1, 9, minute));
    const query: MetricsQuery = { campaignId: 'r', groupBy: 'variant', rateCard: { marketing: 0.05 } };
    const pricing = { category: 'marketing', type: 'regular', billable: true } as const;
    await store.append([
      {
        kind: 'outbound',
        messageId: 'r0',
        recipientId: '15550001',
        at: at(0),
        campaignId: 'r',
        variant: 'A',
      },
      // Stored before the watch, ahead of their send: a failure, then (other message) billable statuses.
      { kind: 'status', messageId: 'r1', status: 'failed', errorCode: 131049, at: at(2) },
      { kind: 'status', messageId: 'r2', status: 'sent', at: at(2), pricing },
    ]);
    const fold = new LiveCampaignFold(store, query);
    await fold.start();
    const statusScans: unknown[] = [];
    const scan = store.scan.bind(store);
    store.scan = (filter) => {
      if (filter?.kinds?.includes('status')) statusScans.push(filter);
      return scan(filter);
    };
    const check = async () => expect(fold.metrics()).toEqual(await computeCampaignMetrics(store, query));
    // A status stored in an earlier update than its send, and one in the same update before it.
    await store.append([{ kind: 'status', messageId: 'r2', status: 'read', at: at(9) }]);
    await fold.update();
    await check();
    await store.append([
      { kind: 'status', messageId: 'r3', status: 'delivered', at: at(3), pricing },
      {
        kind: 'outbound',
        messageId: 'r1',
        recipientId: '15550002',
        at: at(1),
        campaignId: 'r',
        variant: 'B',
      },
      {
        kind: 'outbound',
        messageId: 'r2',
        recipientId: '15550003',
        at: at(1),
        campaignId: 'r',
        variant: 'A',
      },
      {
        kind: 'outbound',
        messageId: 'r3',
        recipientId: '15550001',
        at: at(1),
        campaignId: 'r',
        variant: 'B',
      },
      { kind: 'status', messageId: 'r3', status: 'read', at: at(4) },
    ]);
    await fold.update();
    await check();
    expect(fold.metrics()).toMatchObject({ sent: 4, delivered: 2, read: 2, failed: 1, limitedByMeta: 1 });
    expect(statusScans).toEqual([]);
  });

  it('start reads the margin before its cursor, so the first update reads only what is new', async () => {
    const store = new PostgresEventStore({ pool, schema, tableName: 'events_margin' });
    const at = new Date(Date.UTC(2026, 4, 1, 9));
    const query: MetricsQuery = { campaignId: 'm' };
    await store.append([
      { kind: 'outbound', messageId: 'm0', recipientId: '1555', at, campaignId: 'm' },
      { kind: 'status', messageId: 'm0', status: 'delivered', at },
    ]);
    const fold = new LiveCampaignFold(store, query);
    await fold.start();
    const read: StoredEvent[] = [];
    const readSince = store.readSince.bind(store);
    store.readSince = async (cursor, limit) => {
      const changes = await readSince(cursor, limit);
      read.push(...changes.events);
      return changes;
    };
    // The store's latest cursor starts before both events (PostgreSQL reads back a margin).
    expect((await readSince(await store.latestCursor(), 100)).events).toHaveLength(2);
    expect(await fold.update()).toBe(false);
    expect(read).toEqual([]);
    await store.append([{ kind: 'status', messageId: 'm0', status: 'read', at }]);
    expect(await fold.update()).toBe(true);
    expect(read.map((e) => e.kind === 'status' && e.status)).toEqual(['read']);
    expect(fold.metrics()).toEqual(await computeCampaignMetrics(store, query));
  });

  it('re-reads ids skipped by transactions that commit late', async () => {
    const store = new PostgresEventStore({ pool, schema, tableName: 'events_holes' });
    const at = new Date(Date.UTC(2026, 4, 1, 9));
    await store.append([{ kind: 'outbound', messageId: 'h0', recipientId: '1555', at, campaignId: 'h' }]);
    const cursor = await store.latestCursor();
    const slow = await pool.connect();
    try {
      await slow.query('BEGIN');
      const table = `"${schema}"."events_holes"`;
      await slow.query(
        `INSERT INTO ${table} (event_key, kind, at, message_id, status) VALUES ('late', 'status', now(), 'h0', 'read')`,
      );
      await store.append([{ kind: 'status', messageId: 'h0', status: 'delivered', at }]);
      const first = await store.readSince(cursor, 100);
      expect(first.events.map((e) => e.kind === 'status' && e.status)).toContain('delivered');
      expect(first.events.map((e) => e.kind === 'status' && e.status)).not.toContain('read');
      await slow.query('COMMIT');
      const second = await store.readSince(first.cursor, 100);
      expect(second.events.map((e) => e.kind === 'status' && e.status)).toEqual(['read']);
      const third = await store.readSince(second.cursor, 100);
      expect(third.events).toEqual([]);
    } finally {
      slow.release();
    }
  });
});
