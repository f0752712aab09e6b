/**
 * The send queue on BullMQ + Redis: any number of worker processes (on any number of machines)
 * share one per-number throughput limit and per-recipient spacing, and a worker that dies mid-run
 * never causes a double send or a lost message.
 *
 * Run: `npx tsx examples/bullmq-worker.ts` (needs Redis on 127.0.0.1:6379, or REDIS_URL).
 * By default this one process enqueues a small campaign and also works it. In production run
 * `ROLE=worker` in as many processes as you like and `ROLE=producer` where campaigns start.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { MemoryEventStore } from '../src/events/index.js';
import { BullMQAdapter } from '../src/queue/adapters/bullmq/index.js';
import { SendQueue } from '../src/queue/index.js';
import { connect } from './lib/connect.js';

const role = process.env.ROLE ?? 'both';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const { client, close } = await connect();
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
// A fresh queue name per run keeps this demo independent of earlier runs.
const queueName = process.env.QUEUE_NAME ?? `wacloud-example-${randomUUID().slice(0, 8)}`;
const keyPrefix = `${queueName}:wacloud`;
const store = new MemoryEventStore();

const queue = new SendQueue({
  client,
  store,
  messagesPerSecond: 80, // the number's limit, shared by every worker through Redis
  perRecipientIntervalMs: 6000,
  adapter: new BullMQAdapter({ connection, queueName, keyPrefix, worker: role !== 'producer' }),
});
queue.on('retry', (r) =>
  console.log(`retry ${r.job.recipientId} in ${r.delayMs} ms (${r.scope}): ${r.error.message}`),
);

if (role === 'worker') {
  console.log(`worker on ${queueName}; Ctrl-C to stop`);
  process.on('SIGINT', () => void queue.close().then(() => process.exit(0)));
} else {
  const recipients = Array.from({ length: 40 }, (_, i) => `+90532555${String(1000 + i)}`);
  const campaign = queue.sendCampaign({
    campaignId: 'bullmq-demo',
    recipients,
    preflight: true, // the template exists, is APPROVED and gets the right parameters
    build: (to) => hello(to),
  });
  const result = await campaign.done;
  console.log(
    `sent ${result.sent}, failed ${result.failed}, skipped ${result.skipped}, unknown ${result.unknown}`,
  );

  // Enqueueing the same campaign again is a no-op: the idempotency keys live in Redis.
  const again = await queue.sendCampaign({
    campaignId: 'bullmq-demo',
    recipients,
    build: (to) => hello(to),
  }).done;
  console.log(`re-run: sent ${again.sent}, skipped ${again.skipped} (already sent)`);

  await queue.close();
  let outbound = 0;
  for await (const event of store.scan({ campaignId: 'bullmq-demo' }))
    if (event.kind === 'outbound') outbound++;
  console.log(`outbound events recorded: ${outbound}`);
  await cleanUp();
  connection.disconnect();
  await close();
}

/** A business-initiated message must be a template: `hello_world` takes no parameters. */
function hello(to: string) {
  return { to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } };
}

/** Removes this demo's keys from Redis. */
async function cleanUp(): Promise<void> {
  for (const pattern of [`bull:${queueName}:*`, `${keyPrefix}:*`, `wacloud:${client.phoneNumberId}:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await connection.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await connection.del(...keys);
    } while (cursor !== '0');
  }
}
