import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../../src/client/index.js';
import { ConfigError, ValidationError } from '../../../src/errors/index.js';
import type { StoredEvent } from '../../../src/events/stored-event.js';
import { MemoryEventStore } from '../../../src/events/stores/memory.js';
import { msg } from '../../../src/messages/index.js';
import { RedisFrequencyCapLedger } from '../../../src/queue/governance/frequency-cap.js';
import type { DeferredInfo } from '../../../src/queue/governance/send-governance.js';
import { SendWindow } from '../../../src/queue/governance/send-window.js';
import { SendQueue, type SendQueueOptions } from '../../../src/queue/index.js';
import { type Simulator, startSimulator } from '../../../src/simulator/index.js';
import { TEST_REDIS } from '../../helpers/test-services.js';
import { deleteKeys, redisAvailable } from '../helpers/redis-available.js';
import { graph, scriptedClient } from '../helpers/scripted-client.js';

const TR = (n: number) => `+90532${String(1_000_000 + n)}`;
const BERLIN = '+4915112345678';
const US = '+16505551234';
const HOUR = 3_600_000;

const queues: SendQueue[] = [];
let simulator: Simulator | undefined;
afterEach(async () => {
  for (const queue of queues.splice(0)) await queue.close();
  await simulator?.close();
  simulator = undefined;
});

function queueWith(options: Partial<SendQueueOptions> & Pick<SendQueueOptions, 'client'>): SendQueue {
  const queue = new SendQueue({ perRecipientIntervalMs: 0, ...options });
  queues.push(queue);
  return queue;
}

async function collect(store: MemoryEventStore): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const event of store.scan({})) out.push(event);
  return out;
}

describe('SendQueue governance options', () => {
  it('rejects requireConsent without a store to read, and bad caps and windows', () => {
    const { client } = scriptedClient();
    expect(() => new SendQueue({ client, requireConsent: true })).toThrow(/requireConsent needs a store/);
    expect(() => new SendQueue({ client, frequencyCap: { max: 0, perMs: HOUR } })).toThrow(ConfigError);
    expect(() => new SendQueue({ client, sendWindow: { start: '25:00', end: '08:00' } })).toThrow(
      /sendWindow\.start/,
    );
    expect(() => new SendQueue({ client, maxDeferrals: -1 })).toThrow(/maxDeferrals/);
  });

  it('checks the new enqueue options', async () => {
    const queue = queueWith({ client: scriptedClient().client });
    const message = msg.text(BERLIN, 'hi');
    await expect(queue.enqueue(message, { category: 'promo' as never })).rejects.toThrow(ValidationError);
    await expect(queue.enqueue(message, { notBefore: new Date(Number.NaN) })).rejects.toThrow(
      /options\.notBefore/,
    );
  });
});

describe('requireConsent', () => {
  it('sends marketing only to a standing opt-in; other categories go out', async () => {
    const store = new MemoryEventStore();
    const t = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m));
    await store.append([
      { kind: 'opt_in', recipientId: TR(1), at: t(1), category: 'marketing', source: 'web_form' },
      { kind: 'opt_in', recipientId: TR(2), at: t(1), category: 'marketing' },
      { kind: 'opt_out', recipientId: TR(2), at: t(2), source: 'keyword' },
      { kind: 'opt_in', recipientId: TR(3), at: t(1), category: 'utility' },
    ]);
    const { client, calls } = scriptedClient();
    const queue = queueWith({ client, store, requireConsent: true });
    const outcomes = await Promise.all([
      queue.enqueue(msg.template(TR(1), 'promo', 'en')),
      queue.enqueue(msg.template(TR(2), 'promo', 'en')),
      queue.enqueue(msg.template(TR(3), 'promo', 'en')),
      queue.enqueue(msg.template(TR(3), 'order_update', 'en'), { category: 'utility' }),
      queue.enqueue(msg.text(TR(4), 'thanks for writing')),
    ]);
    expect(outcomes.map((o) => [o.status, o.reason])).toEqual([
      ['sent', undefined],
      ['skipped', 'no_consent'],
      ['skipped', 'no_consent'],
      ['sent', undefined],
      ['sent', undefined],
    ]);
    expect(calls.map((c) => c.to).sort()).toEqual([TR(1), TR(3), TR(4)].sort());
  });
});

describe('frequencyCap', () => {
  it('skips marketing past the cap, and a failed send gives its slot back', async () => {
    const { client, calls } = scriptedClient((to, attempt) =>
      to === TR(2) && attempt === 1 ? graph(132000) : undefined,
    );
    const queue = queueWith({ client, frequencyCap: { max: 2, perMs: HOUR } });
    const one = [];
    for (let i = 0; i < 3; i++) one.push(await queue.enqueue(msg.template(TR(1), 'promo', 'en')));
    expect(one.map((o) => o.reason ?? o.status)).toEqual(['sent', 'sent', 'frequency_cap']);
    const two = [];
    for (let i = 0; i < 3; i++) two.push(await queue.enqueue(msg.template(TR(2), 'promo', 'en')));
    expect(two.map((o) => o.reason ?? o.status)).toEqual(['failed', 'sent', 'sent']);
    expect(
      (await queue.enqueue(msg.template(TR(1), 'otp', 'en'), { category: 'authentication' })).status,
    ).toBe('sent');
    expect(calls).toHaveLength(6);
  });
});

describe('sendWindow and notBefore', () => {
  it('holds marketing until the recipient’s morning, one timer for all, and lets authentication through', async () => {
    // The clock reads 08:59:59.700 in Berlin (CEST); the window opens at 09:00.
    const target = Date.UTC(2026, 5, 1, 6, 59, 59, 700);
    const shift = target - Date.now();
    const now = () => Date.now() + shift;
    const sentAt: number[] = [];
    const { client } = scriptedClient(() => {
      sentAt.push(now());
      return undefined;
    });
    const queue = queueWith({ client, now, sendWindow: { start: '09:00', end: '20:00' } });
    const marketing = queue.enqueue(msg.template(BERLIN, 'promo', 'en'));
    const otp = await queue.enqueue(msg.template(BERLIN, 'otp', 'en'), { category: 'authentication' });
    expect(otp.status).toBe('sent');
    expect(queue.waiting()).toEqual({ count: 1, nextAt: new Date(Date.UTC(2026, 5, 1, 7, 0)) });
    expect((await marketing).status).toBe('sent');
    expect(sentAt).toHaveLength(2);
    expect(sentAt[1]).toBeGreaterThanOrEqual(Date.UTC(2026, 5, 1, 7, 0));
    expect(queue.waiting().count).toBe(0);
  });

  it('sends no earlier than notBefore, and onIdle waits for waiting sends', async () => {
    const sentAt: number[] = [];
    const { client } = scriptedClient(() => {
      sentAt.push(Date.now());
      return undefined;
    });
    const queue = queueWith({ client });
    const notBefore = new Date(Date.now() + 150);
    const outcome = queue.enqueue(msg.text(BERLIN, 'later'), { notBefore });
    await queue.onIdle();
    expect(sentAt).toHaveLength(1);
    expect(sentAt[0]).toBeGreaterThanOrEqual(notBefore.getTime());
    expect((await outcome).status).toBe('sent');
  });

  it('ends waiting sends skipped (closed) when the queue closes', async () => {
    const { client, calls } = scriptedClient();
    const queue = queueWith({ client });
    const outcome = queue.enqueue(msg.text(BERLIN, 'tomorrow'), {
      notBefore: new Date(Date.now() + 86_400_000),
    });
    await queue.close();
    expect(await outcome).toMatchObject({ status: 'skipped', reason: 'closed' });
    expect(calls).toEqual([]);
  });
});

describe('131049 (Meta’s per-user marketing limit)', () => {
  it('reschedules instead of failing, records only the final outcome, and emits deferred', async () => {
    const { client, calls } = scriptedClient((_to, attempt) => (attempt === 1 ? graph(131049) : undefined));
    const store = new MemoryEventStore();
    const queue = queueWith({ client, store, deferralDelayMs: 100 });
    const deferred: DeferredInfo[] = [];
    queue.on('deferred', (info) => deferred.push(info));
    const outcome = await queue.enqueue(msg.template(TR(1), 'promo', 'en'), { campaignId: 'c' });
    await queue.onIdle();
    expect(outcome).toMatchObject({ status: 'sent', attempts: 2 });
    expect(deferred).toHaveLength(1);
    expect(deferred[0]).toMatchObject({ deferral: 1, error: { code: 131049 } });
    expect(calls).toHaveLength(2);
    expect((await collect(store)).map((e) => e.kind)).toEqual(['outbound']);
  });

  it('fails after maxDeferrals, recording one send_failed', async () => {
    const { client, calls } = scriptedClient(() => graph(131049));
    const store = new MemoryEventStore();
    const queue = queueWith({ client, store, deferralDelayMs: 20, maxDeferrals: 2 });
    const outcome = await queue.enqueue(msg.template(TR(1), 'promo', 'en'), { campaignId: 'c' });
    await queue.onIdle();
    expect(outcome).toMatchObject({ status: 'failed', attempts: 3, error: { code: 131049 } });
    expect(calls).toHaveLength(3);
    const events = await collect(store);
    expect(events).toEqual([expect.objectContaining({ kind: 'send_failed', errorCode: 131049 })]);
  });

  it('ends a deferred send closed when the queue closes, recording nothing', async () => {
    const { client } = scriptedClient(() => graph(131049));
    const store = new MemoryEventStore();
    const queue = queueWith({ client, store });
    const deferred = new Promise<DeferredInfo>((resolve) => queue.once('deferred', resolve));
    const outcome = queue.enqueue(msg.template(TR(1), 'promo', 'en'));
    const info = await deferred;
    expect(info.until.getTime() - Date.now()).toBeGreaterThan(23 * HOUR);
    expect(queue.waiting().count).toBe(1);
    await queue.close();
    expect(await outcome).toMatchObject({ status: 'skipped', reason: 'closed', attempts: 1 });
    expect(await collect(store)).toEqual([]);
  });

  it('does not reschedule EEA, UK, Japanese or Korean numbers', async () => {
    const { client } = scriptedClient(() => graph(131049));
    const queue = queueWith({ client, deferralDelayMs: 20 });
    const deferred: DeferredInfo[] = [];
    queue.on('deferred', (info) => deferred.push(info));
    for (const to of [BERLIN, '+447911123456', '+819012345678', '+821012345678']) {
      expect((await queue.enqueue(msg.template(to, 'promo', 'en'))).status).toBe('failed');
    }
    expect(deferred).toEqual([]);
  });
});

describe('skipUsMarketing', () => {
  it('skips marketing to US numbers with reason region, and nothing else', async () => {
    const { client, calls } = scriptedClient();
    const queue = queueWith({ client, skipUsMarketing: true });
    expect(await queue.enqueue(msg.template(US, 'promo', 'en'))).toMatchObject({
      status: 'skipped',
      reason: 'region',
    });
    expect((await queue.enqueue(msg.template(US, 'receipt', 'en'), { category: 'utility' })).status).toBe(
      'sent',
    );
    expect((await queue.enqueue(msg.template(TR(1), 'promo', 'en'))).status).toBe('sent');
    expect(calls).toHaveLength(2);
  });
});

describe('governance through the simulator', () => {
  it('two campaigns to consenting recipients: the cap holds across campaigns, no_consent skips the rest', async () => {
    simulator = await startSimulator({ seed: 12, behaviour: { pairLimit: false } });
    const client = new WhatsAppClient({
      accessToken: 'test-token',
      phoneNumberId: simulator.phoneNumberId,
      businessAccountId: simulator.businessAccountId,
      baseUrl: simulator.url,
    });
    const store = new MemoryEventStore();
    const recipients = Array.from({ length: 20 }, (_, i) => TR(i));
    await store.append(
      recipients
        .filter((_, i) => i % 2 === 0)
        .map((to) => ({ kind: 'opt_in' as const, recipientId: to, at: new Date(0), category: 'marketing' })),
    );
    const queue = queueWith({ client, store, requireConsent: true, frequencyCap: { max: 1, perMs: HOUR } });
    const run = (campaignId: string) =>
      queue.sendCampaign({ campaignId, recipients, build: (to) => msg.template(to, 'hello_world', 'en_US') })
        .done;
    const first = await run('spring');
    const second = await run('summer');
    expect(first).toMatchObject({ sent: 10, skipped: 10, failed: 0 });
    expect(second).toMatchObject({ sent: 0, skipped: 20, failed: 0 });
    const outbound = (await collect(store)).filter((e) => e.kind === 'outbound');
    expect(outbound).toHaveLength(10);
  });
});

const redisUp = await redisAvailable();
describe.skipIf(!redisUp)('frequency cap shared through Redis', () => {
  const prefix = `wacloud-test:gov:${randomUUID()}:`;
  const connections: Redis[] = [];
  afterAll(async () => {
    for (const redis of connections) redis.disconnect();
    await deleteKeys(`${prefix}*`);
  });

  it('two queues racing for the same recipients never exceed the cap together', async () => {
    const ledgerFor = () => {
      const redis = new Redis(TEST_REDIS);
      connections.push(redis);
      return new RedisFrequencyCapLedger({ redis, keyPrefix: prefix });
    };
    const cap = { max: 2, perMs: HOUR };
    const left = scriptedClient();
    const right = scriptedClient();
    const a = queueWith({ client: left.client, frequencyCap: cap, frequencyCapLedger: ledgerFor() });
    const b = queueWith({ client: right.client, frequencyCap: cap, frequencyCapLedger: ledgerFor() });
    const recipients = Array.from({ length: 50 }, (_, i) => TR(i));
    await Promise.all(
      recipients.flatMap((to) =>
        [0, 1, 2].flatMap(() => [a, b].map((q) => q.enqueue(msg.template(to, 'p', 'en')))),
      ),
    );
    const perRecipient = new Map<string, number>();
    for (const call of [...left.calls, ...right.calls])
      perRecipient.set(call.to, (perRecipient.get(call.to) ?? 0) + 1);
    expect(perRecipient.size).toBe(50);
    for (const count of perRecipient.values()) expect(count).toBe(2);
  });
});

describe('campaigns with waiting sends', () => {
  it('keeps sending to recipients in their window while others wait, and reports the waiting', async () => {
    const probe = new SendWindow({ start: '09:00', end: '17:00' });
    const zones = Array.from({ length: 24 }, (_, i) => `Etc/GMT${i - 12 < 0 ? '' : '+'}${i - 12}`);
    const open = zones.find(
      (zone) => probe.isOpenIn(zone, Date.now() + 60_000) && probe.isOpenIn(zone, Date.now()),
    );
    const closed = zones.find(
      (zone) => !probe.isOpenIn(zone, Date.now()) && !probe.isOpenIn(zone, Date.now() + 60_000),
    );
    const sleepers = [TR(1), TR(2), TR(3)];
    const { client, calls } = scriptedClient();
    const queue = queueWith({
      client,
      sendWindow: {
        start: '09:00',
        end: '17:00',
        timeZone: (to) => (sleepers.includes(`+${to}`) ? closed : open),
      },
    });
    const campaign = queue.sendCampaign({
      campaignId: 'zones',
      recipients: [...sleepers, TR(4), TR(5), TR(6), TR(7), TR(8)],
      build: (to) => msg.template(to, 'promo', 'en'),
      maxPending: 2,
    });
    await new Promise<void>((resolve) => {
      const check = () => (campaign.progress().sent === 5 ? resolve() : setTimeout(check, 5));
      check();
    });
    const progress = campaign.progress();
    expect(progress).toMatchObject({ sent: 5, waiting: 3, done: false });
    expect(progress.waitingUntil?.getTime()).toBeGreaterThan(Date.now());
    expect(queue.waiting().count).toBe(3);
    await queue.close();
    expect(await campaign.done).toMatchObject({ sent: 5, skipped: 3, waiting: 0, done: true });
    expect(calls).toHaveLength(5);
  });
});
