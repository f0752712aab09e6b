import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RetryInfo } from '../../src/queue/adapter.js';
import { BullMQAdapter } from '../../src/queue/adapters/bullmq/index.js';
import { SendQueue } from '../../src/queue/index.js';
import { TEST_REDIS } from '../helpers/test-services.js';
import {
  type FakeCloudApi,
  graphError,
  maxInSlidingWindow,
  startFakeCloudApi,
} from './helpers/fake-cloud-api.js';
import { httpQueueClient } from './helpers/http-client.js';
import { deleteKeys, redisAvailable } from './helpers/redis-available.js';

const available = await redisAvailable();
const run = randomUUID().slice(0, 8);
const connection = TEST_REDIS;
const workerScript = fileURLToPath(new URL('./helpers/bullmq-worker.ts', import.meta.url));
const children: ChildProcess[] = [];
const servers: FakeCloudApi[] = [];

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const server of servers) await server.close();
  if (available) {
    await deleteKeys(`bull:wq-${run}*`);
    await deleteKeys(`wq-${run}*`);
  }
});

function names(label: string) {
  return { queueName: `wq-${run}-${label}`, keyPrefix: `wq-${run}-${label}-k` };
}

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

const text = (to: string) => ({ to, type: 'text', text: { body: 'x' } });

describe.skipIf(!available)('BullMQAdapter (real Redis)', () => {
  it('sends, retries by policy, dedupes idempotency keys and records outcomes', async () => {
    let hits = 0;
    const server = await startFakeCloudApi({
      fault: (body) => (body.to === '+1002' && hits++ === 0 ? graphError(130429) : undefined),
    });
    servers.push(server);
    const { queueName, keyPrefix } = names('basic');
    const queue = new SendQueue({
      client: httpQueueClient(server.url, `PN-${run}-basic`),
      messagesPerSecond: 200,
      perRecipientIntervalMs: 0,
      retry: { baseDelayMs: 5, maxDelayMs: 20, longDelayMs: 20 },
      adapter: new BullMQAdapter({ connection, queueName, keyPrefix }),
    });
    const retries: RetryInfo[] = [];
    queue.on('retry', (r) => retries.push(r));
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        queue.enqueue(text(`+1${String(i).padStart(3, '0')}`), { idempotencyKey: `k${i}` }),
      ),
    );
    expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
    expect(outcomes[2]?.attempts).toBe(2);
    expect(retries.map((r) => r.scope)).toEqual(['number']);
    expect(await queue.enqueue(text('+1000'), { idempotencyKey: 'k0' })).toMatchObject({
      status: 'skipped',
      reason: 'duplicate',
    });
    await queue.close();
    expect(server.arrivals).toHaveLength(31);
  });

  it('fails at once on a non-retryable code and decodes the typed error', async () => {
    const server = await startFakeCloudApi({ fault: () => graphError(131026) });
    servers.push(server);
    const { queueName, keyPrefix } = names('fail');
    const queue = new SendQueue({
      client: httpQueueClient(server.url, `PN-${run}-fail`),
      adapter: new BullMQAdapter({ connection, queueName, keyPrefix }),
    });
    const outcome = await queue.enqueue(text('+1555'), { idempotencyKey: 'f1' });
    expect(outcome).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 131026, name: 'RecipientError' },
    });
    // A failed key is released (key and job id), so the same message can be enqueued again.
    const again = await queue.enqueue(text('+1555'), { idempotencyKey: 'f1' });
    await queue.close();
    expect(again.status).toBe('failed');
    expect(server.arrivals).toHaveLength(2);
  });

  it('two worker processes share one per-number limit', async () => {
    const server = await startFakeCloudApi();
    servers.push(server);
    const { queueName, keyPrefix } = names('shared');
    const phone = `PN-${run}-shared`;
    const env = { FAKE_URL: server.url, QUEUE: queueName, KEY_PREFIX: keyPrefix, PHONE: phone, MPS: '100' };
    await Promise.all([startWorker(env), startWorker(env)]);
    const producer = new SendQueue({
      client: httpQueueClient(server.url, phone),
      messagesPerSecond: 100,
      adapter: new BullMQAdapter({ connection, queueName, keyPrefix, worker: false }),
    });
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) => producer.enqueue(text(`+2${i}`), { idempotencyKey: `s${i}` })),
    );
    await producer.close();
    expect(outcomes.filter((o) => o.status === 'sent')).toHaveLength(300);
    expect(server.arrivals).toHaveLength(300);
    expect(maxInSlidingWindow(server.arrivals.map((a) => a.at))).toBeLessThanOrEqual(100);
  });

  it('a worker killed with SIGKILL mid-run: no message sent twice, none lost', async () => {
    const server = await startFakeCloudApi({ delayMs: 150 });
    servers.push(server);
    const { queueName, keyPrefix } = names('crash');
    const phone = `PN-${run}-crash`;
    const env = {
      FAKE_URL: server.url,
      QUEUE: queueName,
      KEY_PREFIX: keyPrefix,
      PHONE: phone,
      MPS: '100',
      LOCK_MS: '1000',
      CONCURRENCY: '20',
    };
    const [victim] = await Promise.all([startWorker(env), startWorker(env)]);
    const producer = new SendQueue({
      client: httpQueueClient(server.url, phone),
      messagesPerSecond: 100,
      adapter: new BullMQAdapter({ connection, queueName, keyPrefix, worker: false }),
    });
    const total = 200;
    const pending = Array.from({ length: total }, (_, i) =>
      producer.enqueue(text(`+3${i}`), { idempotencyKey: `c${i}` }),
    );
    while (server.arrivals.length < 40) await new Promise((r) => setTimeout(r, 10));
    victim?.kill('SIGKILL');
    const outcomes = await Promise.all(pending);
    await producer.close();
    const perRecipient = new Map<string, number>();
    for (const a of server.arrivals) perRecipient.set(a.to, (perRecipient.get(a.to) ?? 0) + 1);
    expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
    expect(outcomes).toHaveLength(total);
    expect(outcomes.every((o) => o.status === 'sent' || o.status === 'unknown')).toBe(true);
    // Every message Meta saw is either reported sent or honestly unknown; every sent one reached Meta.
    const sent = outcomes.filter((o) => o.status === 'sent');
    // The victim had requests in flight (150 ms each): those end unknown, at most its concurrency.
    const unknown = outcomes.length - sent.length;
    expect(unknown).toBeGreaterThanOrEqual(1);
    expect(unknown).toBeLessThanOrEqual(20);
    expect(sent.every((o) => perRecipient.get(`+${o.recipientId}`) === 1)).toBe(true);
    expect(server.arrivals.length).toBeGreaterThanOrEqual(sent.length);
    expect(server.arrivals.length).toBeLessThanOrEqual(total);
  });
});
