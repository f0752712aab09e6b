import { afterEach, describe, expect, it, vi } from 'vitest';
import { SendQueue } from '../../src/queue/index.js';
import { ThroughputLimiter } from '../../src/queue/throughput-limiter.js';
import { type FakeCloudApi, maxInSlidingWindow, startFakeCloudApi } from './helpers/fake-cloud-api.js';
import { httpQueueClient } from './helpers/http-client.js';
import { scriptedClient } from './helpers/scripted-client.js';

let server: FakeCloudApi | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('ThroughputLimiter', () => {
  it('counts a request from dispatch until a window after its response', () => {
    const limiter = new ThroughputLimiter({ limit: 2, burstToleranceMs: 1000 });
    expect(limiter.tryAcquire(0)).toBe(0);
    expect(limiter.tryAcquire(0)).toBe(0);
    expect(limiter.tryAcquire(0)).toBe(Number.POSITIVE_INFINITY);
    limiter.release(5000);
    expect(limiter.tryAcquire(5500)).toBe(500);
    expect(limiter.tryAcquire(6000)).toBe(0);
  });

  it('paces evenly: one slot per 1/limit seconds beyond the tolerance', () => {
    const limiter = new ThroughputLimiter({ limit: 100, burstToleranceMs: 0 });
    expect(limiter.tryAcquire(0)).toBe(0);
    expect(limiter.tryAcquire(0)).toBe(10);
    expect(limiter.tryAcquire(10)).toBe(0);
  });

  it('lets a burst after a night idle start at the full rate (the pacer does not start empty)', () => {
    const limiter = new ThroughputLimiter({ limit: 1000 });
    const latencyMs = 5;
    const answers: number[] = [];
    // Takes every slot offered, one fake millisecond at a time; each request is answered 5 ms later.
    const burst = (from: number, to: number): number[] => {
      const taken: number[] = [];
      for (let now = from; now < to; now++) {
        while (answers.length > 0 && (answers[0] as number) <= now)
          limiter.release(answers.shift() as number);
        while (limiter.tryAcquire(now) === 0) {
          taken.push(now);
          answers.push(now + latencyMs);
        }
      }
      return taken;
    };
    const perSecond = (taken: number[], from: number) =>
      [0, 1, 2].map((s) => taken.filter((t) => t >= from + s * 1000 && t < from + (s + 1) * 1000).length);
    expect(perSecond(burst(0, 3000), 0)).toEqual([1000, 1000, 1000]);
    // The window opens ten hours later: the first second carries the whole limit again.
    const opens = 10 * 60 * 60 * 1000;
    expect(perSecond(burst(opens, opens + 3000), opens)).toEqual([1000, 1000, 1000]);
  });
});

describe('SendQueue pair spacing on a virtual clock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('dispatches to one recipient at most once per interval without holding up the others', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 0 });
    const dispatches: { to: string; at: number }[] = [];
    const { client } = scriptedClient();
    const send = client.messages.send.bind(client.messages);
    client.messages.send = (message, options) => {
      dispatches.push({ to: String(message.to), at: Date.now() });
      return send(message, options);
    };
    const queue = new SendQueue({
      client,
      messagesPerSecond: 200,
      perRecipientIntervalMs: 150,
      concurrency: 2,
    });
    const jobs = [
      ...[1, 2, 3].map(() => queue.enqueue({ to: '+19990000', type: 'text', text: { body: 'x' } })),
      ...Array.from({ length: 20 }, (_, i) =>
        queue.enqueue({ to: `+1777${i}`, type: 'text', text: { body: 'x' } }),
      ),
    ];
    await vi.advanceTimersByTimeAsync(1_000);
    const outcomes = await Promise.all(jobs);
    await queue.close();
    expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
    const same = dispatches.filter((d) => d.to === '+19990000').map((d) => d.at);
    expect(same).toHaveLength(3);
    expect((same[1] as number) - (same[0] as number)).toBeGreaterThanOrEqual(150);
    expect((same[2] as number) - (same[1] as number)).toBeGreaterThanOrEqual(150);
    const others = dispatches.filter((d) => d.to !== '+19990000');
    expect(others).toHaveLength(20);
    expect(others.every((d) => d.at < (same[1] as number))).toBe(true);
  });
});

describe('SendQueue throughput over loopback', () => {
  it('never lets more than messagesPerSecond arrive in any sliding second', async () => {
    server = await startFakeCloudApi();
    const queue = new SendQueue({
      client: httpQueueClient(server.url),
      messagesPerSecond: 200,
      perRecipientIntervalMs: 0,
    });
    const outcomes = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        queue.enqueue({ to: `+1555${i}`, type: 'text', text: { body: 'x' } }),
      ),
    );
    await queue.close();
    expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
    expect(server.arrivals).toHaveLength(500);
    expect(maxInSlidingWindow(server.arrivals.map((a) => a.at))).toBeLessThanOrEqual(200);
  });

  it('gives two phone numbers in one process their own limits', async () => {
    server = await startFakeCloudApi();
    const a = new SendQueue({ client: httpQueueClient(server.url, 'PN_A'), messagesPerSecond: 100 });
    const b = new SendQueue({ client: httpQueueClient(server.url, 'PN_B'), messagesPerSecond: 100 });
    // Recipients tell the numbers apart at the server: +1666… for PN_A, +1777… for PN_B.
    const send = (q: SendQueue, prefix: string, i: number) =>
      q.enqueue({ to: `${prefix}${i}`, type: 'text', text: { body: 'x' } });
    await Promise.all(
      Array.from({ length: 150 }, (_, i) => [send(a, '+1666', i), send(b, '+1777', i)]).flat(),
    );
    await Promise.all([a.close(), b.close()]);
    expect(server.arrivals).toHaveLength(300);
    const times = (prefix: string) =>
      server!.arrivals.filter((x) => x.to.startsWith(prefix)).map((x) => x.at);
    // Each number stays within its own limit...
    expect(maxInSlidingWindow(times('+1666'))).toBeLessThanOrEqual(100);
    expect(maxInSlidingWindow(times('+1777'))).toBeLessThanOrEqual(100);
    // ...and the two together go past one number's limit, which a shared limiter would never allow.
    expect(maxInSlidingWindow(server.arrivals.map((x) => x.at))).toBeGreaterThan(100);
  });

  it('keeps the repeated recipient apart while the others go out over loopback', async () => {
    server = await startFakeCloudApi();
    const queue = new SendQueue({
      client: httpQueueClient(server.url),
      messagesPerSecond: 200,
      perRecipientIntervalMs: 500,
      concurrency: 2,
    });
    const jobs = [
      ...[1, 2, 3].map(() => queue.enqueue({ to: '+19990000', type: 'text', text: { body: 'x' } })),
      ...Array.from({ length: 20 }, (_, i) =>
        queue.enqueue({ to: `+1777${i}`, type: 'text', text: { body: 'x' } }),
      ),
    ];
    const outcomes = await Promise.all(jobs);
    await queue.close();
    expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
    const order = server.arrivals.map((a) => a.to);
    // The repeated recipient's first message goes out at once; its second waits out the
    // interval, and the 20 others (100 ms of budget at 200/s) do not wait behind it.
    const positions = order.flatMap((to, i) => (to === '+19990000' ? [i] : []));
    expect(positions).toHaveLength(3);
    expect(positions[0]).toBeLessThan(2); // dispatched together with the first other recipient
    expect(positions.slice(1)).toEqual([21, 22]);
  });
});
