import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { BullMQAdapter } from '../../src/queue/adapters/bullmq/index.js';
import { type DeferredInfo, SendQueue, type SendQueueOptions } from '../../src/queue/index.js';
import { TEST_REDIS } from '../helpers/test-services.js';
import { type FakeCloudApi, graphError, startFakeCloudApi } from './helpers/fake-cloud-api.js';
import { httpQueueClient } from './helpers/http-client.js';
import { deleteKeys, redisAvailable } from './helpers/redis-available.js';

const available = await redisAvailable();
const run = randomUUID().slice(0, 8);
const connection = TEST_REDIS;
const servers: FakeCloudApi[] = [];
const queues: SendQueue[] = [];
const DAY = 24 * 3600_000;

afterAll(async () => {
  for (const queue of queues) await queue.close();
  for (const server of servers) await server.close();
  if (available) {
    await deleteKeys(`bull:wg-${run}*`);
    await deleteKeys(`wg-${run}*`);
    await deleteKeys(`{wg-${run}*`);
  }
});

const promo = (to: string) => ({
  to,
  type: 'template',
  template: { name: 'promo', language: { code: 'en' } },
});

async function fakeApi(fault?: Parameters<typeof startFakeCloudApi>[0]): Promise<FakeCloudApi> {
  const server = await startFakeCloudApi(fault);
  servers.push(server);
  return server;
}

function bullQueue(
  server: FakeCloudApi,
  label: string,
  options: Partial<SendQueueOptions> = {},
  keyLabel = label,
): SendQueue {
  const queue = new SendQueue({
    client: httpQueueClient(server.url, `PN-${run}-${label}`),
    messagesPerSecond: 200,
    perRecipientIntervalMs: 0,
    adapter: new BullMQAdapter({
      connection,
      queueName: `wg-${run}-${label}`,
      keyPrefix: `wg-${run}-${keyLabel}-k`,
    }),
    ...options,
  });
  queues.push(queue);
  return queue;
}

describe.skipIf(!available)('BullMQAdapter governance (real Redis)', () => {
  it('keeps a send waiting for notBefore as a delayed job in Redis, and sends it no earlier', async () => {
    const server = await fakeApi();
    const queue = bullQueue(server, 'later');
    const notBefore = new Date(Date.now() + 2500);
    const pending = ['+905321110001', '+905321110002', '+905321110003'].map((to) =>
      queue.enqueue(promo(to), { notBefore, idempotencyKey: `later-${to}` }),
    );
    const bull = new Queue(`wg-${run}-later`, { connection });
    try {
      while ((await bull.getDelayedCount()) < 3) await new Promise((r) => setTimeout(r, 20));
      expect(queue.waiting()).toEqual({ count: 3, nextAt: notBefore });
      const outcomes = await Promise.all(pending);
      expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent', 'sent']);
      expect(server.arrivals).toHaveLength(3);
      expect(server.arrivals.every((a) => a.at >= notBefore.getTime())).toBe(true);
      expect(queue.waiting().count).toBe(0);
    } finally {
      await bull.close();
    }
  });

  it('keepJobsOnClose: a graceful restart leaves scheduled sends in Redis, and a later worker sends them', async () => {
    const server = await fakeApi();
    const names = { connection, queueName: `wg-${run}-keep`, keyPrefix: `wg-${run}-keep-k` };
    const client = httpQueueClient(server.url, `PN-${run}-keep`);
    const producer = new SendQueue({
      client,
      adapter: new BullMQAdapter({ ...names, worker: false, keepJobsOnClose: true }),
    });
    const notBefore = new Date(Date.now() + 1500);
    const tos = ['+905321170001', '+905321170002'];
    const pending = tos.map((to) => producer.enqueue(promo(to), { notBefore, idempotencyKey: `keep-${to}` }));
    const bull = new Queue(names.queueName, { connection });
    try {
      while ((await bull.getDelayedCount()) < 2) await new Promise((r) => setTimeout(r, 20));
      await producer.close();
      expect((await Promise.all(pending)).map((o) => o.reason)).toEqual(['closed', 'closed']);
      expect(await bull.getDelayedCount()).toBe(2);
      const worker = bullQueue(server, 'keep');
      while (server.arrivals.length < 2) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      expect(server.arrivals.map((a) => a.to).sort()).toEqual(tos);
      expect(server.arrivals.every((a) => a.at >= notBefore.getTime())).toBe(true);
      // The idempotency keys were kept with the jobs: enqueuing again is a duplicate.
      expect(await worker.enqueue(promo(tos[0]!), { idempotencyKey: `keep-${tos[0]}` })).toMatchObject({
        status: 'skipped',
        reason: 'duplicate',
      });
    } finally {
      await bull.close();
    }
  });

  it('a campaign reports its sends waiting on BullMQ, and how long', async () => {
    const server = await fakeApi();
    // A one-minute window that opens at the next minute, so every send waits for it. The recipients'
    // time zone comes from their number (+90: Europe/Istanbul, UTC+3 all year).
    const opens = new Date(Math.ceil((Date.now() + 1500) / 60_000) * 60_000);
    const hhmm = (d: Date) => new Date(d.getTime() + 3 * 3600_000).toISOString().slice(11, 16);
    const windowed = bullQueue(server, 'campaign', {
      sendWindow: {
        start: hhmm(opens),
        end: hhmm(new Date(opens.getTime() + 60_000)),
        timeZone: 'Europe/Istanbul',
      },
    });
    const handle = windowed.sendCampaign({
      campaignId: `c-${run}`,
      recipients: ['+905321120001', '+905321120002'],
      build: (to) => promo(to),
    });
    while (handle.progress().waiting < 2) await new Promise((r) => setTimeout(r, 20));
    expect(handle.progress().waitingUntil?.getTime()).toBeGreaterThanOrEqual(opens.getTime());
    expect(windowed.waiting()).toEqual({ count: 2, nextAt: opens });
    expect(server.arrivals).toHaveLength(0);
  });

  it('a worker re-checks the window when it picks a job up: an early job goes back to waiting in Redis', async () => {
    const server = await fakeApi();
    const queueName = `wg-${run}-recheck`;
    const names = { connection, queueName, keyPrefix: `wg-${run}-recheck-k` };
    const client = httpQueueClient(server.url, `PN-${run}-recheck`);
    // The worker's window opens in two hours (Istanbul time, as +90 numbers are); the producer has none.
    const istanbul = (ms: number) => new Date(Date.now() + 3 * 3600_000 + ms).toISOString().slice(11, 16);
    const worker = new SendQueue({
      client,
      perRecipientIntervalMs: 0,
      sendWindow: { start: istanbul(2 * 3600_000), end: istanbul(3 * 3600_000), timeZone: 'UTC' },
      adapter: new BullMQAdapter(names),
    });
    queues.push(worker);
    const producer = new SendQueue({ client, adapter: new BullMQAdapter({ ...names, worker: false }) });
    const outcome = producer.enqueue(promo('+905321160001'));
    const bull = new Queue(queueName, { connection });
    try {
      while ((await bull.getDelayedCount()) < 1) await new Promise((r) => setTimeout(r, 20));
      expect(server.arrivals).toHaveLength(0);
      // Closing the producer cancels what it enqueued and no worker started, waiting jobs included.
      await producer.close();
      expect(await outcome).toMatchObject({ status: 'skipped', reason: 'closed' });
      expect(await bull.getDelayedCount()).toBe(0);
    } finally {
      await bull.close();
    }
  });

  it('holds the frequency cap in Redis by default: two queues, one recipient, one send', async () => {
    const server = await fakeApi();
    const cap = { frequencyCap: { max: 1, perMs: DAY } };
    const a = bullQueue(server, 'capA', cap, 'cap');
    const b = bullQueue(server, 'capB', cap, 'cap');
    const outcomes = await Promise.all([
      a.enqueue(promo('+905321130001'), { campaignId: 'A' }),
      b.enqueue(promo('+905321130001'), { campaignId: 'B' }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['sent', 'skipped']);
    expect(outcomes.find((o) => o.status === 'skipped')?.reason).toBe('frequency_cap');
    expect(server.arrivals).toHaveLength(1);
    const redis = new Redis(connection);
    try {
      expect(await redis.zcard(`wg-${run}-cap-k:fcap:905321130001`)).toBe(1);
    } finally {
      redis.disconnect();
    }
  });

  it('reschedules a 131049 as a delayed job, counts the deferral, and sends on the next round', async () => {
    const server = await fakeApi({
      fault: (body, n) => (body.to === '+905321140001' && n === 0 ? graphError(131049) : undefined),
    });
    const queue = bullQueue(server, 'defer', { deferralDelayMs: 400 });
    const deferred: DeferredInfo[] = [];
    queue.on('deferred', (info) => deferred.push(info));
    const outcome = await queue.enqueue(promo('+905321140001'));
    expect(outcome).toMatchObject({ status: 'sent', attempts: 2 });
    expect(deferred.map((d) => d.deferral)).toEqual([1]);
    expect(server.arrivals).toHaveLength(2);
    expect(server.arrivals[1]!.at - server.arrivals[0]!.at).toBeGreaterThanOrEqual(400);
  });

  it('fails a send after maxDeferrals 131049 answers, counting every request', async () => {
    const server = await fakeApi({ fault: () => graphError(131049) });
    const queue = bullQueue(server, 'defer-max', { deferralDelayMs: 50, maxDeferrals: 2 });
    const outcome = await queue.enqueue(promo('+905321150001'));
    expect(outcome).toMatchObject({ status: 'failed', attempts: 3 });
    expect(server.arrivals).toHaveLength(3);
  });
  it('messagingLimit: workers share the portfolio budget in Redis; a send over it waits as a delayed job', async () => {
    const server = await fakeApi();
    const queue = bullQueue(server, 'budget', { messagingLimit: 2 });
    const tos = ['+905321180001', '+905321180002', '+905321180003'];
    const pending = tos.map((to) => queue.enqueue(promo(to), { idempotencyKey: `budget-${to}` }));
    const bull = new Queue(`wg-${run}-budget`, { connection });
    try {
      while (server.arrivals.length < 2 || (await bull.getDelayedCount()) < 1)
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      expect(server.arrivals).toHaveLength(2);
      expect(await bull.getDelayedCount()).toBe(1);
      // The budget lives in Redis: a second queue on the same keys sees it spent.
      const redis = new Redis(connection);
      try {
        const keys = await redis.keys(`{wg-${run}-budget-k:budget:*`);
        expect(keys.length).toBeGreaterThan(0);
      } finally {
        redis.disconnect();
      }
      // A user already reached costs nothing: a second message to them goes at once.
      expect(await queue.enqueue(promo(tos[0]!), { idempotencyKey: 'budget-again' })).toMatchObject({
        status: 'sent',
      });
      await queue.close();
      const outcomes = await Promise.all(pending);
      expect(outcomes.filter((o) => o.status === 'sent')).toHaveLength(2);
    } finally {
      await bull.close();
    }
  });
});
