import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/index.js';
import type { EventStore } from '../../../src/events/event-store.js';
import type { StoredEvent } from '../../../src/events/stored-event.js';
import { GroupCommitEventStore } from '../../../src/events/stores/group-commit-store.js';
import { MemoryEventStore } from '../../../src/events/stores/memory.js';
import { createWebhookHandler } from '../../../src/webhooks/frameworks/fetch.js';
import { signWebhookPayload } from '../../../src/webhooks/signature.js';
import { fakeStore } from '../../webhooks/fake-store.js';
import { messagesEnvelope } from '../../webhooks/helpers.js';

const status = (id: string, s = 'delivered'): StoredEvent =>
  ({ kind: 'status', messageId: id, status: s, at: new Date(1_750_000_000_000) }) as StoredEvent;

/** A store that records each batch it is handed and can refuse events by message id. */
function recordingStore(options: { withAppendNew?: boolean; refuse?: string } = {}) {
  const inner = fakeStore({ withAppendNew: options.withAppendNew ?? true });
  const batches: number[] = [];
  const check = (events: StoredEvent[]) => {
    batches.push(events.length);
    if (options.refuse && events.some((e) => 'messageId' in e && e.messageId === options.refuse)) {
      throw new Error(`refused ${options.refuse}`);
    }
  };
  const store: EventStore & { events: StoredEvent[] } = {
    events: inner.events,
    async append(events) {
      check(events);
      await inner.append(events);
    },
    scan: (filter) => inner.scan(filter),
  };
  if (inner.appendNew) {
    const appendNew = inner.appendNew;
    store.appendNew = async (events) => {
      check(events);
      return appendNew(events);
    };
  }
  return { store, batches };
}

describe('GroupCommitEventStore', () => {
  it('writes concurrent appends in one batch and resolves each caller', async () => {
    const { store, batches } = recordingStore({ withAppendNew: false });
    const grouped = new GroupCommitEventStore(store, { maxDelayMs: 5 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => grouped.append([status(`m${i}`)])));
    expect(batches).toEqual([50]);
    expect(store.events).toHaveLength(50);
    expect(grouped.appendNew).toBeUndefined();
  });

  it('resolves only after the events are in the wrapped store', async () => {
    const { store } = recordingStore();
    const grouped = new GroupCommitEventStore(store, { maxDelayMs: 20 });
    let done = false;
    const write = grouped.append([status('a')]).then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(done).toBe(false);
    expect(store.events).toHaveLength(0);
    await write;
    expect(store.events).toHaveLength(1);
  });

  it('gives each appendNew caller the events of its own call that were new, first caller first', async () => {
    const { store, batches } = recordingStore();
    await store.append([status('old')]);
    batches.length = 0;
    const grouped = new GroupCommitEventStore(store, { maxDelayMs: 5 });
    const [a, b, c] = await Promise.all([
      grouped.appendNew?.([status('x'), status('old')]),
      grouped.appendNew?.([status('x'), status('y')]),
      grouped.appendNew?.([status('y', 'read')]),
    ]);
    expect(batches).toEqual([5]);
    expect(a?.map((e) => 'messageId' in e && e.messageId)).toEqual(['x']);
    expect(b?.map((e) => 'messageId' in e && e.messageId)).toEqual(['y']);
    expect(c).toHaveLength(1);
    expect(store.events).toHaveLength(4);
  });

  it('rejects only the caller whose events the store refuses; the others are stored', async () => {
    const { store } = recordingStore({ refuse: 'bad' });
    const grouped = new GroupCommitEventStore(store, { maxDelayMs: 5 });
    const results = await Promise.allSettled([
      grouped.appendNew?.([status('ok1')]),
      grouped.appendNew?.([status('bad')]),
      grouped.append([status('ok2')]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
    expect(store.events.map((e) => 'messageId' in e && e.messageId).sort()).toEqual(['ok1', 'ok2']);
  });

  it('caps a batch at maxBatch events and writes the rest in the next batch', async () => {
    const { store, batches } = recordingStore();
    const grouped = new GroupCommitEventStore(store, { maxDelayMs: 1000, maxBatch: 10 });
    const writes = Array.from({ length: 25 }, (_, i) => grouped.append([status(`m${i}`)]));
    await grouped.flush();
    await Promise.all(writes);
    expect(batches).toEqual([10, 10, 5]);
    expect(grouped.batchesWritten).toBe(3);
    expect(store.events).toHaveLength(25);
  });

  it('queues writes that arrive during a batch into the next one', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const memory = new MemoryEventStore();
    const sizes: number[] = [];
    const slow: EventStore = {
      async append(events) {
        sizes.push(events.length);
        if (sizes.length === 1) await gate;
        await memory.append(events);
      },
      scan: (filter) => memory.scan(filter),
    };
    const grouped = new GroupCommitEventStore(slow, { maxDelayMs: 0 });
    const first = grouped.append([status('a')]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = [
      grouped.append([status('b')]),
      grouped.append([status('c')]),
      grouped.append([status('d')]),
    ];
    release();
    await Promise.all([first, ...later]);
    expect(sizes).toEqual([1, 3]);
  });

  it('writes the next batch while one is in flight (maxInFlight 2), and no third until a slot frees', async () => {
    const gates: Array<() => void> = [];
    const memory = new MemoryEventStore();
    const sizes: number[] = [];
    const slow: EventStore = {
      async append(events) {
        sizes.push(events.length);
        await new Promise<void>((resolve) => gates.push(resolve));
        await memory.append(events);
      },
      scan: (filter) => memory.scan(filter),
    };
    const grouped = new GroupCommitEventStore(slow, { maxDelayMs: 0, maxInFlight: 2 });
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    const first = grouped.append([status('a')]);
    await tick();
    const second = grouped.append([status('b')]);
    await tick();
    expect(sizes).toEqual([1, 1]); // the second batch did not wait for the first
    const queued = [grouped.append([status('c')]), grouped.append([status('d')])];
    await tick();
    expect(sizes).toEqual([1, 1]); // both slots busy: c and d wait
    gates.shift()?.();
    await first;
    await tick();
    expect(sizes).toEqual([1, 1, 2]); // a slot freed: c and d go at once, in one batch
    for (const release of gates.splice(0)) release();
    await Promise.all([second, ...queued]);
    await grouped.flush();
    const stored: StoredEvent[] = [];
    for await (const e of memory.scan({})) stored.push(e);
    expect(stored.map((e) => 'messageId' in e && e.messageId).sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('with maxInFlight 1 writes one batch at a time', async () => {
    const gates: Array<() => void> = [];
    const memory = new MemoryEventStore();
    const sizes: number[] = [];
    const slow: EventStore = {
      async append(events) {
        sizes.push(events.length);
        await new Promise<void>((resolve) => gates.push(resolve));
        await memory.append(events);
      },
      scan: (filter) => memory.scan(filter),
    };
    const grouped = new GroupCommitEventStore(slow, { maxDelayMs: 0, maxInFlight: 1 });
    const first = grouped.append([status('a')]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = grouped.append([status('b')]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(sizes).toEqual([1]);
    gates.shift()?.();
    await first;
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(sizes).toEqual([1, 1]);
    gates.shift()?.();
    await later;
  });

  it('flush waits for every batch in flight', async () => {
    const memory = new MemoryEventStore();
    const slow: EventStore = {
      async append(events) {
        await new Promise((resolve) => setTimeout(resolve, 10 * events.length));
        await memory.append(events);
      },
      scan: (filter) => memory.scan(filter),
    };
    const grouped = new GroupCommitEventStore(slow, { maxDelayMs: 1000, maxBatch: 2, maxInFlight: 3 });
    for (let i = 0; i < 7; i++) void grouped.append([status(`m${i}`)]);
    await grouped.flush();
    expect(memory.size).toBe(7);
    expect(grouped.batchesWritten).toBe(4);
  });

  it('passes scan and aggregate through to the wrapped store', async () => {
    const memory = new MemoryEventStore();
    const grouped = new GroupCommitEventStore(memory);
    await grouped.append([status('a')]);
    const seen: StoredEvent[] = [];
    for await (const e of grouped.scan({})) seen.push(e);
    expect(seen).toHaveLength(1);
    expect(typeof grouped.aggregate === 'function').toBe(typeof memory.aggregate === 'function');
  });

  it('rejects unknown and invalid options with ConfigError', () => {
    const memory = new MemoryEventStore();
    expect(() => new GroupCommitEventStore(memory, { maxDelay: 1 } as never)).toThrow(ConfigError);
    expect(() => new GroupCommitEventStore(memory, { maxBatch: 0 })).toThrow(ConfigError);
    expect(() => new GroupCommitEventStore(memory, { maxDelayMs: -1 })).toThrow(ConfigError);
    expect(() => new GroupCommitEventStore(memory, { maxInFlight: 0 })).toThrow(ConfigError);
    expect(() => new GroupCommitEventStore(memory, { maxInFlight: 1.5 })).toThrow(ConfigError);
  });

  it('behind an awaitProcessing handler, concurrent webhooks share one batch and are stored before 200', async () => {
    const { store, batches } = recordingStore();
    const grouped = new GroupCommitEventStore(store, { maxDelayMs: 10 });
    const handler = createWebhookHandler({
      appSecret: 's',
      verifyToken: 'v',
      store: grouped,
      awaitProcessing: true,
    });
    const post = (i: number) => {
      const body = JSON.stringify(
        messagesEnvelope({
          statuses: [
            { id: `wamid.${i}`, status: 'delivered', timestamp: '1750000000', recipient_id: '16505551234' },
          ],
        }),
      );
      return handler(
        new Request('http://localhost/webhook', {
          method: 'POST',
          body,
          headers: { 'x-hub-signature-256': signWebhookPayload(body, 's') },
        }),
      );
    };
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(store.events).toHaveLength(20);
    expect(batches.length).toBeLessThan(20);
  });
});
