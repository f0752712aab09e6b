/**
 * A worker process for the BullMQ tests: `node --import tsx test/queue/helpers/bullmq-worker.ts`.
 * Configured by env: FAKE_URL, QUEUE, KEY_PREFIX, PHONE, MPS, PAIR_MS, LOCK_MS, CONCURRENCY; FCAP_MS
 * (a frequency cap of one marketing message per that many ms, on the adapter's Redis ledger); ENQUEUE
 * (this many marketing templates to `+<ENQUEUE_PREFIX><i>`, key `<ENQUEUE_PREFIX>-<i>`, enqueued at
 * start with `notBefore` NOT_BEFORE_IN_MS from then: the process is then a producer and a worker);
 * CLUSTER=1 (connect to the test Redis Cluster instead of the single Redis); BUDGET (a messaging limit
 * of that many unique users, on the adapter's portfolio budget in Redis).
 * Prints `ready <notBefore epoch ms>` once started.
 */
import { BullMQAdapter } from '../../../src/queue/adapters/bullmq/index.js';
import { SendQueue } from '../../../src/queue/index.js';
import { TEST_REDIS } from '../../helpers/test-services.js';
import { httpQueueClient } from './http-client.js';
import { testCluster } from './redis-cluster.js';

const env = process.env;
const queue = new SendQueue({
  client: httpQueueClient(env.FAKE_URL as string, env.PHONE ?? 'PN'),
  messagesPerSecond: Number(env.MPS ?? 100),
  perRecipientIntervalMs: Number(env.PAIR_MS ?? 0),
  retry: { baseDelayMs: 5, maxDelayMs: 20, pairBackoffUnitMs: 5, longDelayMs: 20 },
  ...(env.CONCURRENCY ? { concurrency: Number(env.CONCURRENCY) } : {}),
  ...(env.FCAP_MS ? { frequencyCap: { max: 1, perMs: Number(env.FCAP_MS) } } : {}),
  ...(env.BUDGET ? { messagingLimit: Number(env.BUDGET) } : {}),
  adapter: new BullMQAdapter({
    connection: env.CLUSTER === '1' ? testCluster() : TEST_REDIS,
    queueName: env.QUEUE as string,
    keyPrefix: env.KEY_PREFIX as string,
    lockDurationMs: Number(env.LOCK_MS ?? 30_000),
    stalledIntervalMs: Math.max(200, Number(env.LOCK_MS ?? 30_000) / 2),
  }),
});

const prefix = env.ENQUEUE_PREFIX ?? '90555';
const notBefore = Date.now() + Number(env.NOT_BEFORE_IN_MS ?? 0);
for (let i = 0; i < Number(env.ENQUEUE ?? 0); i++) {
  const message = {
    to: `+${prefix}${i}`,
    type: 'template',
    template: { name: 'promo', language: { code: 'en' } },
  };
  void queue.enqueue(message, {
    idempotencyKey: `${prefix}-${i}`,
    notBefore: new Date(notBefore),
  });
}

process.on('SIGTERM', () => {
  void queue.close().then(() => process.exit(0));
});
process.stdout.write(`ready ${notBefore}\n`);
