import { randomUUID } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BullMQAdapter } from '../../src/queue/adapters/bullmq/index.js';
import { SendQueue } from '../../src/queue/index.js';
import { TEST_REDIS } from '../helpers/test-services.js';
import { type FakeCloudApi, startFakeCloudApi } from './helpers/fake-cloud-api.js';
import { httpQueueClient } from './helpers/http-client.js';
import { deleteKeys, redisAvailable } from './helpers/redis-available.js';

const available = await redisAvailable();
const run = randomUUID().slice(0, 8);
const servers: FakeCloudApi[] = [];

afterAll(async () => {
  vi.restoreAllMocks();
  for (const server of servers) await server.close();
  if (available) {
    await deleteKeys(`bull:wr-${run}*`);
    await deleteKeys(`wr-${run}*`);
  }
});

const text = (to: string) => ({ to, type: 'text', text: { body: 'x' } });

describe.skipIf(!available)('BullMQAdapter: job events that happen before the event reader reads', () => {
  it('an enqueue whose job completes before the events stream is first read still resolves', async () => {
    // BullMQ's QueueEvents is "ready" when connected, but reads the stream from '$' only when its loop
    // reaches XREAD: a busy process can finish jobs in between. Hold that first read back.
    // consumeEvents is private in BullMQ's types: reach it through a narrow view of the prototype.
    const reader = QueueEvents.prototype as unknown as { consumeEvents(client: unknown): Promise<void> };
    const original = reader.consumeEvents;
    vi.spyOn(reader, 'consumeEvents').mockImplementation(async function (this: unknown, client: unknown) {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return original.call(this, client);
    });
    const server = await startFakeCloudApi();
    servers.push(server);
    const queue = new SendQueue({
      client: httpQueueClient(server.url, `PN-${run}-race`),
      messagesPerSecond: 200,
      perRecipientIntervalMs: 0,
      adapter: new BullMQAdapter({
        connection: TEST_REDIS,
        queueName: `wr-${run}-race`,
        keyPrefix: `wr-${run}-k`,
      }),
    });
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => queue.enqueue(text(`+1${String(i).padStart(3, '0')}`))),
      );
      expect(outcomes.map((o) => o.status)).toEqual(Array(20).fill('sent'));
      expect(server.arrivals).toHaveLength(20);
    } finally {
      await queue.close();
    }
  }, 20_000);
});
