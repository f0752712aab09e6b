/**
 * Send-queue benchmarks (`npm run bench -- queue`), against a loopback fake Cloud API or an
 * in-process fake client:
 *  1. achieved vs configured rate at 80 and 1,000 mps, and the most arrivals in any sliding second;
 *  2. RSS growth while streaming 1,000,000 recipients through sendCampaign (virtual clock ×200:
 *     this figure measures memory, not rate);
 *  3. BullMQ adapter, 2 worker processes sharing 500 mps (needs Redis on 127.0.0.1:6379);
 *  4. a campaign (15,000 recipients by default, QUEUE_BENCH_FAULTS=100000 for the full run) at
 *     1,000 mps with injected 130429, 131056, transient and lost-response faults: every recipient
 *     accounted for exactly once, never over the limit.
 * `node --import tsx bench/queue.bench.ts [1|2|3|4]` runs one figure.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { NetworkError } from '../src/errors/index.js';
import { BullMQAdapter } from '../src/queue/adapters/bullmq/index.js';
import { MemoryQueueAdapter, type QueueClient, SendQueue } from '../src/queue/index.js';
import { maxInSlidingWindow, startFakeCloudApi } from '../test/queue/helpers/fake-cloud-api.js';
import { httpQueueClient } from '../test/queue/helpers/http-client.js';
import { deleteKeys, redisAvailable } from '../test/queue/helpers/redis-available.js';
import { graph } from '../test/queue/helpers/scripted-client.js';

const print = (figure: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
  console.log(
    JSON.stringify({ bench: 'queue', figure, value: Math.round(value * 100) / 100, unit, ...extra }),
  );

const text = (to: string) => ({ to, type: 'text', text: { body: 'x' } });

v8.setFlagsFromString('--expose-gc');
/** Full garbage collection (exposed at run time, so the bench runner needs no flag). */
const gc = runInNewContext('gc') as () => void;

/** A clock running `scale` times faster than real time. */
function virtualClock(scale: number): () => number {
  const start = Date.now();
  return () => start + (Date.now() - start) * scale;
}

function steadyRate(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  const span = (sorted[sorted.length - 1] as number) - (sorted[0] as number);
  return span > 0 ? ((sorted.length - 1) / span) * 1000 : 0;
}

async function rate(mps: number, seconds: number): Promise<void> {
  const server = await startFakeCloudApi();
  const queue = new SendQueue({
    client: httpQueueClient(server.url),
    messagesPerSecond: mps,
    perRecipientIntervalMs: 0,
  });
  const n = mps * seconds;
  await Promise.all(Array.from({ length: n }, (_, i) => queue.enqueue(text(`+1${i}`))));
  await queue.close();
  await server.close();
  const times = server.arrivals.map((a) => a.at);
  const achieved = steadyRate(times);
  const maxWindow = maxInSlidingWindow(times);
  print(`rate_${mps}_mps`, achieved, 'msg/s', {
    configured: mps,
    ratio: Math.round((achieved / mps) * 1000) / 1000,
    maxInAnySlidingSecond: maxWindow,
    overLimit: maxWindow > mps,
    messages: n,
  });
}

async function rss(total: number): Promise<void> {
  let seq = 0;
  const client: QueueClient = {
    phoneNumberId: 'PN',
    messages: { send: async (m) => ({ messageId: `wamid.${++seq}`, input: String(m.to) }) },
  };
  const queue = new SendQueue({
    client,
    messagesPerSecond: 1000,
    now: virtualClock(200),
    adapter: new MemoryQueueAdapter({ burstToleranceMs: 500 }),
  });
  let baseline = 0;
  let peak = 0;
  const handle = queue.sendCampaign({
    campaignId: 'rss',
    recipients: (function* () {
      for (let i = 0; i < total; i++)
        yield { phone: `+1${String(i).padStart(9, '0')}`, name: `Customer ${i}` };
    })(),
    build: (r) => ({ to: r.phone, type: 'text', text: { body: `Hello ${r.name}` } }),
    variants: ['A', 'B'],
  });
  // RSS is sampled after a full GC, so the figure is memory the queue retains, not collector slack.
  let settledPeak = 0;
  let settledBaseline = 0;
  handle.on('outcome', () => {
    const done = seq;
    if (done === 20_000) {
      baseline = process.memoryUsage().rss;
      gc();
      settledBaseline = process.memoryUsage().rss;
    }
    if (done % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    if (done % 100_000 === 0) {
      gc();
      settledPeak = Math.max(settledPeak, process.memoryUsage().rss);
    }
  });
  const started = Date.now();
  const result = await handle.done;
  await queue.close();
  print('rss_growth_1m_recipients', (settledPeak - settledBaseline) / 1024 / 1024, 'MB', {
    measured: 'RSS after a full GC, from 20k to 1M sent',
    rawPeakGrowthMb: Math.round((peak - baseline) / 1024 / 1024),
    recipients: total,
    sent: result.sent,
    baselineMb: Math.round(baseline / 1024 / 1024),
    peakMb: Math.round(peak / 1024 / 1024),
    realSeconds: Math.round((Date.now() - started) / 1000),
    clock: 'virtual x200',
  });
}

async function bullmq(combinedMps: number, seconds: number): Promise<void> {
  if (!(await redisAvailable())) {
    print('bullmq_2_workers_rate', 0, 'msg/s', { skipped: 'Redis not running on 127.0.0.1:6379' });
    return;
  }
  const server = await startFakeCloudApi();
  const run = randomUUID().slice(0, 8);
  const env = {
    ...process.env,
    BENCH_WORKER: '1',
    FAKE_URL: server.url,
    QUEUE: `wqb-${run}`,
    KEY_PREFIX: `wqb-${run}-k`,
    PHONE: `PN-${run}`,
    MPS: String(combinedMps),
  };
  const self = fileURLToPath(import.meta.url);
  const workers = [0, 1].map(() =>
    spawn(process.execPath, ['--import', 'tsx', self], { env, stdio: ['ignore', 'pipe', 'inherit'] }),
  );
  await Promise.all(workers.map((w) => new Promise((resolve) => w.stdout?.once('data', resolve))));
  const producer = new SendQueue({
    client: httpQueueClient(server.url, env.PHONE),
    messagesPerSecond: combinedMps,
    adapter: new BullMQAdapter({
      connection: { host: '127.0.0.1', port: 6379 },
      queueName: env.QUEUE,
      keyPrefix: env.KEY_PREFIX,
      worker: false,
    }),
  });
  const n = combinedMps * seconds;
  const outcomes = await Promise.all(
    Array.from({ length: n }, (_, i) => producer.enqueue(text(`+1${i}`), { idempotencyKey: `b${i}` })),
  );
  await producer.close();
  for (const w of workers) w.kill('SIGTERM');
  await server.close();
  await deleteKeys(`bull:${env.QUEUE}*`);
  await deleteKeys(`${env.KEY_PREFIX}*`);
  const times = server.arrivals.map((a) => a.at);
  const achieved = steadyRate(times);
  const maxWindow = maxInSlidingWindow(times);
  print('bullmq_2_workers_rate', achieved, 'msg/s', {
    configured: combinedMps,
    ratio: Math.round((achieved / combinedMps) * 1000) / 1000,
    maxInAnySlidingSecond: maxWindow,
    overLimit: maxWindow > combinedMps,
    sent: outcomes.filter((o) => o.status === 'sent').length,
    messages: n,
  });
}

function bullmqWorker(): void {
  const queue = new SendQueue({
    client: httpQueueClient(process.env.FAKE_URL as string, process.env.PHONE as string),
    messagesPerSecond: Number(process.env.MPS),
    adapter: new BullMQAdapter({
      connection: { host: '127.0.0.1', port: 6379 },
      queueName: process.env.QUEUE as string,
      keyPrefix: process.env.KEY_PREFIX as string,
    }),
  });
  process.on('SIGTERM', () => void queue.close().then(() => process.exit(0)));
  process.stdout.write('ready\n');
}

async function faults(total: number): Promise<void> {
  const now = Date.now;
  const startedAt = now();
  const arrivals: number[] = [];
  const plan = new Map<string, string>();
  const attempts = new Map<string, number>();
  let seq = 0;
  let x = 12345;
  const random = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 2 ** 32;
  };
  const client: QueueClient = {
    phoneNumberId: 'PN',
    messages: {
      async send(m) {
        const to = String(m.to);
        arrivals.push(now());
        const attempt = (attempts.get(to) ?? 0) + 1;
        attempts.set(to, attempt);
        let fault = plan.get(to);
        if (fault === undefined) {
          const r = random();
          fault =
            r < 0.001 ? '130429' : r < 0.011 ? '131056' : r < 0.031 ? '131000' : r < 0.036 ? 'lost' : '';
          plan.set(to, fault);
        }
        if (fault === 'lost') throw new NetworkError('timeout', { requestMayHaveReachedServer: true });
        if (fault === '131000' && attempt <= 2) throw graph(131000);
        if ((fault === '130429' || fault === '131056') && attempt === 1) throw graph(Number(fault));
        return { messageId: `wamid.${++seq}`, input: to };
      },
    },
  };
  const queue = new SendQueue({
    client,
    messagesPerSecond: 1000,
    random,
    // Shorter backoff steps than the defaults (1 s) so the figure fits the bench time budget.
    retry: { baseDelayMs: 100, maxDelayMs: 1000, pairBackoffUnitMs: 100 },
  });
  const seen = new Map<string, number>();
  const handle = queue.sendCampaign({
    campaignId: 'faults',
    recipients: (function* () {
      for (let i = 0; i < total; i++) yield `+1${String(i).padStart(9, '0')}`;
    })(),
    build: (to) => text(to),
  });
  handle.on('outcome', (o) => seen.set(o.recipientId, (seen.get(o.recipientId) ?? 0) + 1));
  const result = await handle.done;
  await queue.close();
  const exactlyOnce = seen.size === total && [...seen.values()].every((n) => n === 1);
  const maxWindow = maxInSlidingWindow(arrivals);
  print(`faults_${total}_accounted_once`, exactlyOnce ? 1 : 0, 'bool', {
    recipients: total,
    sent: result.sent,
    failed: result.failed,
    unknown: result.unknown,
    skipped: result.skipped,
    expectedUnknown: [...plan.values()].filter((f) => f === 'lost').length,
    requests: arrivals.length,
    maxInAnySlidingSecond: maxWindow,
    overLimit: maxWindow > 1000,
    seconds: Math.round((now() - startedAt) / 100) / 10,
    averageRate: Math.round((arrivals.length / (now() - startedAt)) * 1000),
  });
}

if (process.env.BENCH_WORKER === '1') {
  bullmqWorker();
} else {
  const only = process.argv[2];
  if (!only || only === '1') {
    await rate(80, 3);
    await rate(1000, 3);
  }
  if (!only || only === '2') await rss(1_000_000);
  if (!only || only === '3') await bullmq(500, 4);
  // Full 100k run: QUEUE_BENCH_FAULTS=100000 (about 110 s at 1,000 mps).
  if (!only || only === '4') await faults(Number(process.env.QUEUE_BENCH_FAULTS ?? 15_000));
  process.exit(0);
}
