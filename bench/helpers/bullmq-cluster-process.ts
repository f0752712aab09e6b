/**
 * One process of bench/bullmq-cluster.bench.ts: `node --import tsx bench/helpers/bullmq-cluster-process.ts
 * worker|producer`. Configured by env: SIM_URL (the simulator), NUMBERS (JSON `[{ id, mps, concurrency,
 * count }]`), RUN (names the queues and keys), CLUSTER_NODES (JSON `[{ host, port }]`), DISPATCH_LANES
 * (the adapter's `dispatchLanes`; default its own).
 *  - `worker`: one SendQueue with a BullMQ worker per number, on the Redis Cluster. Prints `ready`.
 *  - `producer`: enqueues `count` marketing templates per number (to `+90<n><i>`, each recipient once)
 *    with `worker: false`; prints `enqueued` once every job is in Redis, then, when every enqueue has
 *    settled, one JSON line: the outcomes by number and status.
 */
import { Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import { WhatsAppClient } from '../../src/client/index.js';
import { template } from '../../src/messages/builders/template-builders.js';
import { BullMQAdapter } from '../../src/queue/adapters/bullmq/index.js';
import { type SendOutcome, SendQueue } from '../../src/queue/index.js';

interface BenchNumber {
  id: string;
  mps: number;
  concurrency: number;
  count: number;
}

const role = process.argv[2];
const env = process.env;
const numbers = JSON.parse(env.NUMBERS ?? '[]') as BenchNumber[];
const run = env.RUN ?? 'bench';
const nodes = JSON.parse(env.CLUSTER_NODES ?? '[]') as Array<{ host: string; port: number }>;
const cluster = new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: null } });
const keyPrefix = `wcb-${run}`;
const queueName = (n: BenchNumber) => `wcb-${run}-${n.id}`;

function sendQueue(n: BenchNumber, worker: boolean): SendQueue {
  return new SendQueue({
    client: new WhatsAppClient({
      accessToken: 'test-token',
      phoneNumberId: n.id,
      baseUrl: env.SIM_URL as string,
    }),
    messagesPerSecond: n.mps,
    perRecipientIntervalMs: 0,
    concurrency: n.concurrency,
    // One line per background error (a lock lost while the machine is starved shows up here).
    onError: (error) =>
      console.error(`${role} ${process.pid}: ${error instanceof Error ? error.message : error}`),
    adapter: new BullMQAdapter({
      connection: cluster,
      queueName: queueName(n),
      keyPrefix,
      worker,
      // A SIGKILLed worker's jobs are taken over after about lockDurationMs (long enough for a
      // starved event loop to renew its locks).
      lockDurationMs: 10_000,
      ...(env.DISPATCH_LANES ? { dispatchLanes: Number(env.DISPATCH_LANES) } : {}),
      stalledIntervalMs: 5000,
    }),
  });
}

if (role === 'worker') {
  const queues = numbers.map((n) => sendQueue(n, true));
  process.on('SIGTERM', () => {
    void Promise.all(queues.map((q) => q.close())).then(() => process.exit(0));
  });
  process.stdout.write('ready\n');
} else if (role === 'producer') {
  const tally: Record<string, Record<string, number>> = {};
  const settled: Promise<void>[] = [];
  const queues = numbers.map((n) => sendQueue(n, false));
  numbers.forEach((n, index) => {
    const queue = queues[index] as SendQueue;
    const counts: Record<string, number> = {};
    tally[n.id] = counts;
    for (let i = 0; i < n.count; i++) {
      const to = `+90${index + 1}${String(i).padStart(8, '0')}`;
      settled.push(
        queue.enqueue(template(to, 'hello_world', 'en_US')).then((outcome: SendOutcome) => {
          counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
        }),
      );
    }
  });
  // Every job in Redis (waiting, or already taken): the workers may start.
  const bull = numbers.map(
    (n) => new Queue(queueName(n), { connection: cluster, prefix: `{${keyPrefix}:${n.id}}` }),
  );
  for (;;) {
    const counts = await Promise.all(bull.map((q) => q.count()));
    if (counts.every((c, i) => c >= (numbers[i] as BenchNumber).count)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await Promise.all(bull.map((q) => q.close()));
  process.stdout.write('enqueued\n');
  await Promise.all(settled);
  process.stdout.write(`${JSON.stringify({ outcomes: tally })}\n`);
  await Promise.all(queues.map((q) => q.close()));
  cluster.disconnect();
  process.exit(0);
} else {
  console.error('usage: bullmq-cluster-process.ts worker|producer');
  process.exit(2);
}
