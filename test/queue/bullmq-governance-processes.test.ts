import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { BullMQAdapter } from '../../src/queue/adapters/bullmq/index.js';
import { type CampaignProgress, SendQueue } from '../../src/queue/index.js';
import { TEST_REDIS } from '../helpers/test-services.js';
import { type FakeCloudApi, startFakeCloudApi } from './helpers/fake-cloud-api.js';
import { httpQueueClient } from './helpers/http-client.js';
import { deleteKeys, redisAvailable } from './helpers/redis-available.js';

const available = await redisAvailable();
const run = randomUUID().slice(0, 8);
const connection = TEST_REDIS;
const workerScript = fileURLToPath(new URL('./helpers/bullmq-worker.ts', import.meta.url));
const children: ChildProcess[] = [];
const servers: FakeCloudApi[] = [];
const DAY = 24 * 3600_000;

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const server of servers) await server.close();
  if (available) {
    await deleteKeys(`bull:wgp-${run}*`);
    await deleteKeys(`wgp-${run}*`);
  }
});

/** Starts a worker process; resolves with it and the first line it printed (`ready <notBefore>`). */
function startWorker(env: Record<string, string>): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', (data: Buffer) => resolve({ child, line: data.toString().trim() }));
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How many requests each recipient got. */
function perRecipient(server: FakeCloudApi): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of server.arrivals) counts.set(a.to, (counts.get(a.to) ?? 0) + 1);
  return counts;
}

describe.skipIf(!available)('BullMQ governance across processes (real Redis)', () => {
  it('sends waiting for their time survive a SIGKILL: each goes out once, when due, none early', async () => {
    const server = await startFakeCloudApi();
    servers.push(server);
    const queueName = `wgp-${run}-kill`;
    const env = {
      FAKE_URL: server.url,
      QUEUE: queueName,
      KEY_PREFIX: `wgp-${run}-kill-k`,
      PHONE: `PN-${run}-kill`,
      MPS: '200',
      LOCK_MS: '1000',
    };
    const total = 50;
    // The victim enqueues (as producer and worker) sends not due for 6 s, and dies before they are.
    const victim = await startWorker({
      ...env,
      ENQUEUE: String(total),
      ENQUEUE_PREFIX: '90532',
      NOT_BEFORE_IN_MS: '6000',
    });
    const notBefore = Number(victim.line.split(' ')[1]);
    const bull = new Queue(queueName, { connection });
    try {
      while ((await bull.getDelayedCount()) < total) await sleep(20);
      expect(server.arrivals).toHaveLength(0);
      victim.child.kill('SIGKILL');
      await once(victim.child, 'exit');
      // Nothing of them lived only in the dead process: a new worker finds every one in Redis.
      await startWorker(env);
      const deadline = notBefore + 20_000;
      while (server.arrivals.length < total && Date.now() < deadline) await sleep(50);
      await sleep(500); // room for a duplicate to show up, if there were one
      const counts = perRecipient(server);
      expect(counts.size).toBe(total);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(server.arrivals.every((a) => a.at >= notBefore)).toBe(true);
      expect(await bull.getCompletedCount()).toBe(total);
    } finally {
      await bull.close();
    }
  }, 60_000);

  it('two worker processes and two campaigns racing for 1,000 recipients never exceed a cap of one', async () => {
    const server = await startFakeCloudApi();
    servers.push(server);
    const queueName = `wgp-${run}-race`;
    const keyPrefix = `wgp-${run}-race-k`;
    const phone = `PN-${run}-race`;
    const env = {
      FAKE_URL: server.url,
      QUEUE: queueName,
      KEY_PREFIX: keyPrefix,
      PHONE: phone,
      MPS: '1000',
      CONCURRENCY: '50',
      FCAP_MS: String(DAY),
    };
    await Promise.all([startWorker(env), startWorker(env)]);
    const recipients = Array.from({ length: 1000 }, (_, i) => `+9053330${String(i).padStart(4, '0')}`);
    const producer = (label: string) =>
      new SendQueue({
        client: httpQueueClient(server.url, phone),
        messagesPerSecond: 1000,
        perRecipientIntervalMs: 0,
        frequencyCap: { max: 1, perMs: DAY },
        adapter: new BullMQAdapter({ connection, queueName, keyPrefix: `${keyPrefix}`, worker: false }),
      }).sendCampaign({
        campaignId: `${label}-${run}`,
        recipients,
        build: (to) => ({ to, type: 'template', template: { name: label, language: { code: 'en' } } }),
      });
    const results: CampaignProgress[] = await Promise.all([producer('spring').done, producer('summer').done]);
    const counts = perRecipient(server);
    expect(counts.size).toBe(1000);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    expect(results.reduce((sum, p) => sum + p.sent, 0)).toBe(1000);
    expect(results.reduce((sum, p) => sum + p.skipped, 0)).toBe(1000);
    expect(results.every((p) => p.failed === 0 && p.unknown === 0)).toBe(true);
  }, 120_000);
});
