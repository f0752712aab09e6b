import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../src/client/index.js';
import { ConfigError } from '../../src/errors/index.js';
import { template } from '../../src/messages/builders/template-builders.js';
import { BullMQAdapter } from '../../src/queue/adapters/bullmq/index.js';
import { type CampaignProgress, SendQueue } from '../../src/queue/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { redisClusterRequired } from '../helpers/test-services.js';
import { type FakeCloudApi, maxInSlidingWindow, startFakeCloudApi } from './helpers/fake-cloud-api.js';
import { httpQueueClient } from './helpers/http-client.js';
import { clusterKeys, deleteClusterKeys, keySlot, testCluster } from './helpers/redis-cluster.js';

const available = await redisClusterRequired();
const run = randomUUID().slice(0, 8);
const workerScript = fileURLToPath(new URL('./helpers/bullmq-worker.ts', import.meta.url));
const children: ChildProcess[] = [];
const servers: FakeCloudApi[] = [];
const simulators: Simulator[] = [];
const DAY = 24 * 3600_000;

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const server of servers) await server.close();
  for (const simulator of simulators) await simulator.close();
  if (available) {
    await deleteClusterKeys(`*wc-${run}*`);
  }
});

/** Starts a worker process on the cluster; resolves once it printed its first line. */
function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript], {
    env: { ...process.env, CLUSTER: '1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

const promo = (to: string) => ({
  to,
  type: 'template',
  template: { name: 'promo', language: { code: 'en' } },
});

/** How many requests each recipient got. */
function perRecipient(server: FakeCloudApi): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of server.arrivals) counts.set(a.to, (counts.get(a.to) ?? 0) + 1);
  return counts;
}

describe.skipIf(!available)('BullMQAdapter on a Redis Cluster (three local masters)', () => {
  it('sends a campaign to the simulator; each number keeps its jobs and limiter keys in one slot', async () => {
    const numbers = ['106540352242922', '106540352242923'];
    const simulator = await startSimulator({
      seed: 15,
      phoneNumbers: numbers,
      behaviour: { messagesPerSecond: 100, pairLimit: false },
    });
    simulators.push(simulator);
    const cluster = testCluster();
    try {
      const campaigns = numbers.map((phoneNumberId, n) => {
        const queue = new SendQueue({
          client: new WhatsAppClient({ accessToken: 'test-token', phoneNumberId, baseUrl: simulator.url }),
          messagesPerSecond: 100,
          perRecipientIntervalMs: 0,
          adapter: new BullMQAdapter({
            connection: cluster,
            queueName: `wc-${run}-campaign-${n}`,
            keyPrefix: `wc-${run}-k`,
          }),
        });
        const progress = queue.sendCampaign({
          campaignId: `wc-${run}-${n}`,
          recipients: Array.from({ length: 120 }, (_, i) => `+90532${n}55${String(1000 + i)}`),
          build: (to) => template(to, 'hello_world', 'en_US'),
        }).done;
        return { queue, progress };
      });
      const results = await Promise.all(campaigns.map((c) => c.progress));
      for (const { queue } of campaigns) await queue.close();
      for (const result of results) expect(result).toMatchObject({ sent: 120, failed: 0, unknown: 0 });
      expect(simulator.messages).toHaveLength(240);
      expect(new Set(simulator.messages.map((m) => m.to)).size).toBe(240);
      expect(simulator.stats().rejected).toEqual({});
      // Every key of a number (BullMQ's and wacloud's) hashes to that number's slot.
      for (const number of numbers) {
        const keys = await clusterKeys(cluster, `{wc-${run}-k:${number}}*`);
        expect(keys.some((k) => k.endsWith(':window'))).toBe(true);
        expect(keys.some((k) => k.includes(':dispatch:'))).toBe(true);
        expect(keys.some((k) => k.endsWith(':completed'))).toBe(true);
        const slots = new Set(await Promise.all(keys.map((k) => keySlot(cluster, k))));
        expect(slots.size).toBe(1);
      }
    } finally {
      cluster.disconnect();
    }
  }, 120_000);

  it('refuses a BullMQ prefix without a hash tag on a Cluster', () => {
    const cluster = testCluster();
    try {
      const queue = () =>
        new SendQueue({
          client: httpQueueClient('http://127.0.0.1:1', `PN-${run}-tagless`),
          adapter: new BullMQAdapter({ connection: cluster, prefix: 'bull', queueName: `wc-${run}-tagless` }),
        });
      expect(queue).toThrow(ConfigError);
      expect(queue).toThrow(/hash tag/);
    } finally {
      cluster.disconnect();
    }
  });

  it('dispatchLanes: eight lanes in one process still keep the number at its limit', async () => {
    expect(() => new BullMQAdapter({ connection: { port: 1 }, dispatchLanes: 0 })).toThrow(/dispatchLanes/);
    const server = await startFakeCloudApi();
    servers.push(server);
    const cluster = testCluster();
    const queue = new SendQueue({
      client: httpQueueClient(server.url, `PN-${run}-lanes`),
      messagesPerSecond: 100,
      perRecipientIntervalMs: 0,
      concurrency: 40,
      adapter: new BullMQAdapter({
        connection: cluster,
        queueName: `wc-${run}-lanes`,
        keyPrefix: `wc-${run}-lanes-k`,
        dispatchLanes: 8,
      }),
    });
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 250 }, (_, i) => queue.enqueue(promo(`+9053360${String(i).padStart(4, '0')}`))),
      );
      expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
      expect(server.arrivals).toHaveLength(250);
      expect(
        maxInSlidingWindow(
          server.arrivals.map((a) => a.at),
          1000,
        ),
      ).toBeLessThanOrEqual(100);
    } finally {
      await queue.close();
      cluster.disconnect();
    }
  }, 120_000);

  it('two worker processes share the number limit and the frequency cap across slots; nothing lost', async () => {
    const server = await startFakeCloudApi();
    servers.push(server);
    const queueName = `wc-${run}-race`;
    const keyPrefix = `wc-${run}-race-k`;
    const phone = `PN-${run}-race`;
    const env = {
      FAKE_URL: server.url,
      QUEUE: queueName,
      KEY_PREFIX: keyPrefix,
      PHONE: phone,
      MPS: '150',
      CONCURRENCY: '20',
      FCAP_MS: String(DAY),
    };
    await Promise.all([startWorker(env), startWorker(env)]);
    const cluster = testCluster();
    const recipients = Array.from({ length: 300 }, (_, i) => `+9053340${String(i).padStart(4, '0')}`);
    const producer = (label: string) =>
      new SendQueue({
        client: httpQueueClient(server.url, phone),
        messagesPerSecond: 150,
        perRecipientIntervalMs: 0,
        frequencyCap: { max: 1, perMs: DAY },
        adapter: new BullMQAdapter({ connection: cluster, queueName, keyPrefix, worker: false }),
      }).sendCampaign({
        campaignId: `${label}-${run}`,
        recipients,
        build: promo,
      });
    try {
      const results: CampaignProgress[] = await Promise.all([
        producer('spring').done,
        producer('summer').done,
      ]);
      const counts = perRecipient(server);
      expect(counts.size).toBe(300);
      expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
      expect(results.reduce((sum, p) => sum + p.sent, 0)).toBe(300);
      expect(results.reduce((sum, p) => sum + p.skipped, 0)).toBe(300);
      expect(results.every((p) => p.failed === 0 && p.unknown === 0)).toBe(true);
      expect(
        maxInSlidingWindow(
          server.arrivals.map((a) => a.at),
          1000,
        ),
      ).toBeLessThanOrEqual(150);
      // The cap's sorted sets are spread over the masters (one slot per recipient), not in one slot.
      const capKeys = await clusterKeys(cluster, `${keyPrefix}:fcap:*`);
      expect(capKeys).toHaveLength(300);
      expect(new Set(await Promise.all(capKeys.map((k) => keySlot(cluster, k)))).size).toBeGreaterThan(3);
    } finally {
      cluster.disconnect();
    }
  }, 120_000);

  it('two worker processes share the portfolio budget: only its users are reached, the rest wait', async () => {
    const server = await startFakeCloudApi();
    servers.push(server);
    const queueName = `wc-${run}-budget`;
    const keyPrefix = `wc-${run}-budget-k`;
    const phone = `PN-${run}-budget`;
    const env = {
      FAKE_URL: server.url,
      QUEUE: queueName,
      KEY_PREFIX: keyPrefix,
      PHONE: phone,
      MPS: '200',
      BUDGET: '25',
    };
    await Promise.all([startWorker(env), startWorker(env)]);
    const cluster = testCluster();
    const bull = new Queue(queueName, { connection: cluster, prefix: `{${keyPrefix}:${phone}}` });
    const queue = new SendQueue({
      client: httpQueueClient(server.url, phone),
      messagesPerSecond: 200,
      messagingLimit: 25,
      adapter: new BullMQAdapter({ connection: cluster, queueName, keyPrefix, worker: false }),
    });
    try {
      const pending = Array.from({ length: 80 }, (_, i) =>
        queue.enqueue(promo(`+9053350${String(i).padStart(4, '0')}`), { idempotencyKey: `b-${i}` }),
      );
      while (server.arrivals.length < 25 || (await bull.getDelayedCount()) < 55)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500));
      expect(server.arrivals).toHaveLength(25);
      expect(new Set(server.arrivals.map((a) => a.to)).size).toBe(25);
      expect(await bull.getDelayedCount()).toBe(55);
      await queue.close();
      const outcomes = await Promise.all(pending);
      expect(outcomes.filter((o) => o.status === 'sent')).toHaveLength(25);
      expect(outcomes.filter((o) => o.status === 'skipped' && o.reason === 'closed')).toHaveLength(55);
    } finally {
      await bull.close();
      cluster.disconnect();
    }
  }, 120_000);
});
