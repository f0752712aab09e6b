import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { BullMQAdapter } from '../../src/queue/adapters/bullmq/index.js';
import { SendQueue } from '../../src/queue/index.js';
import { TEST_REDIS } from '../helpers/test-services.js';
import { type FakeCloudApi, startFakeCloudApi } from './helpers/fake-cloud-api.js';
import { httpQueueClient } from './helpers/http-client.js';
import { deleteKeys, redisAvailable } from './helpers/redis-available.js';

const available = await redisAvailable();
const run = randomUUID().slice(0, 8);
const servers: FakeCloudApi[] = [];

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  for (const server of servers) await server.close();
  if (available) {
    await deleteKeys(`bull:wo-${run}*`);
    await deleteKeys(`wo-${run}*`);
  }
});

const text = (to: string) => ({ to, type: 'text', text: { body: 'x' } });

/** The event reader loses every job event: as when the trimmed stream moved past a lagging reader. */
function loseJobEvents(): void {
  // A narrow view of the emitter: BullMQ types emit() per event name.
  const reader = QueueEvents.prototype as unknown as { emit(event: string, ...args: unknown[]): boolean };
  const emit = reader.emit;
  vi.spyOn(reader, 'emit').mockImplementation(function (this: unknown, event: string, ...args: unknown[]) {
    if (event === 'completed' || event === 'failed') return false;
    return emit.call(this, event, ...args);
  });
}

async function campaign(name: string, outcomeCheckMs: number) {
  const server = await startFakeCloudApi();
  servers.push(server);
  const queue = new SendQueue({
    client: httpQueueClient(server.url, `PN-${run}-${name}`),
    messagesPerSecond: 200,
    perRecipientIntervalMs: 0,
    adapter: new BullMQAdapter({
      connection: TEST_REDIS,
      queueName: `wo-${run}-${name}`,
      keyPrefix: `wo-${run}-k`,
      outcomeCheckMs,
    }),
  });
  const outcomes = Promise.all(
    Array.from({ length: 10 }, (_, i) => queue.enqueue(text(`+1${String(i).padStart(3, '0')}`))),
  );
  return { server, queue, outcomes };
}

describe.skipIf(!available)('BullMQAdapter: enqueues whose job events were never read', () => {
  it('settle from the ended jobs in Redis, with the message ids Meta returned', async () => {
    loseJobEvents();
    const { server, queue, outcomes } = await campaign('ended', 100);
    try {
      const settled = await outcomes;
      expect(settled.map((o) => o.status)).toEqual(Array(10).fill('sent'));
      expect(new Set(settled.map((o) => o.messageId)).size).toBe(10);
      expect(server.arrivals).toHaveLength(10);
    } finally {
      await queue.close();
    }
  }, 30_000);

  it('settle from the dispatch markers when the ended jobs were already removed', async () => {
    loseJobEvents();
    const { server, queue, outcomes } = await campaign('removed', 1_500);
    const bull = new Queue(`wo-${run}-removed`, { connection: TEST_REDIS });
    try {
      await vi.waitFor(async () => expect(await bull.getCompletedCount()).toBe(10), { timeout: 10_000 });
      await bull.clean(0, 100, 'completed'); // as removeOnComplete does once 10,000 more jobs completed
      expect(await bull.getCompletedCount()).toBe(0);
      const settled = await outcomes;
      expect(settled.map((o) => o.status)).toEqual(Array(10).fill('sent'));
      expect(settled.map((o) => o.messageId).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `wamid.fake${i + 1}`).sort(),
      );
      expect(server.arrivals).toHaveLength(10);
    } finally {
      await bull.close();
      await queue.close();
    }
  }, 30_000);

  it('let close() finish: the jobs sent while it waits settle from Redis too', async () => {
    loseJobEvents();
    const { server, queue, outcomes } = await campaign('closing', 100);
    await vi.waitFor(() => expect(server.arrivals.length).toBeGreaterThan(0), { timeout: 10_000 });
    await queue.close();
    const settled = await outcomes;
    const sent = settled.filter((o) => o.status === 'sent');
    expect(sent).toHaveLength(server.arrivals.length);
    expect(settled.filter((o) => o.status !== 'sent').every((o) => o.reason === 'closed')).toBe(true);
  }, 30_000);

  it('refuses an outcome check shorter than 10 ms', () => {
    expect(() => new BullMQAdapter({ connection: TEST_REDIS, outcomeCheckMs: 5 })).toThrow(/outcomeCheckMs/);
  });
});
