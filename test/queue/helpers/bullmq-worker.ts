/**
 * A worker process for the BullMQ tests: `node --import tsx test/queue/helpers/bullmq-worker.ts`.
 * Configured by env: FAKE_URL, QUEUE, KEY_PREFIX, PHONE, MPS, PAIR_MS, LOCK_MS, CONCURRENCY.
 */
import { BullMQAdapter } from '../../../src/queue/adapters/bullmq/index.js';
import { SendQueue } from '../../../src/queue/index.js';
import { TEST_REDIS } from '../../helpers/test-services.js';
import { httpQueueClient } from './http-client.js';

const env = process.env;
const queue = new SendQueue({
  client: httpQueueClient(env.FAKE_URL as string, env.PHONE ?? 'PN'),
  messagesPerSecond: Number(env.MPS ?? 100),
  perRecipientIntervalMs: Number(env.PAIR_MS ?? 0),
  retry: { baseDelayMs: 5, maxDelayMs: 20, pairBackoffUnitMs: 5, longDelayMs: 20 },
  ...(env.CONCURRENCY ? { concurrency: Number(env.CONCURRENCY) } : {}),
  adapter: new BullMQAdapter({
    connection: TEST_REDIS,
    queueName: env.QUEUE as string,
    keyPrefix: env.KEY_PREFIX as string,
    lockDurationMs: Number(env.LOCK_MS ?? 30_000),
    stalledIntervalMs: Math.max(200, Number(env.LOCK_MS ?? 30_000) / 2),
  }),
});

process.on('SIGTERM', () => {
  void queue.close().then(() => process.exit(0));
});
process.stdout.write('ready\n');
