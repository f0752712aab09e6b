import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { PairLimiter } from '../../src/simulator/limits/pair-token-bucket.js';
import { ThroughputWindow } from '../../src/simulator/limits/throughput-window.js';
import { APP_SECRET, graph, QUIET, send, startReceiver } from './helpers.js';

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

const welcome = (to: string) => ({
  to,
  type: 'template',
  template: { name: 'welcome', language: { code: 'en_US' } },
});

describe('ThroughputWindow', () => {
  it('admits `limit` arrivals in any sliding second', () => {
    const window = new ThroughputWindow(3);
    expect([0, 100, 200, 300].map((t) => window.tryAdmit(t))).toEqual([true, true, true, false]);
    expect(window.tryAdmit(999)).toBe(false);
    expect(window.tryAdmit(1000)).toBe(true); // the arrival at 0 left the window
    expect(window.tryAdmit(1050)).toBe(false);
    expect(window.tryAdmit(1100)).toBe(true);
  });
});

describe('PairLimiter', () => {
  it('allows a burst, then one per interval', () => {
    const limiter = new PairLimiter({ intervalMs: 6000, burst: 3 });
    expect([0, 0, 0, 0].map((t) => limiter.tryConsume('a', t))).toEqual([true, true, true, false]);
    expect(limiter.tryConsume('b', 0)).toBe(true);
    expect(limiter.tryConsume('a', 5999)).toBe(false);
    expect(limiter.tryConsume('a', 6000)).toBe(true);
    expect(limiter.tryConsume('a', 6001)).toBe(false);
  });
});

describe('limits over HTTP', () => {
  it('answers 130429 when a burst exceeds the number’s messages per second', async () => {
    const now = Date.UTC(2026, 0, 1);
    sim = await startSimulator({
      behaviour: { ...QUIET, messagesPerSecond: 5, pairLimit: false },
      now: () => now,
    });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => send(sim, welcome(`1650555${String(i).padStart(4, '0')}`))),
    );
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.json.error?.code === 130429);
    expect(ok).toHaveLength(5);
    expect(limited).toHaveLength(7);
    expect(limited[0]?.status).toBe(400);
    expect(limited[0]?.json.error).toMatchObject({
      message: '(#130429) Rate limit hit',
      type: 'OAuthException',
      error_data: {
        messaging_product: 'whatsapp',
        details: 'Cloud API message throughput has been reached.',
      },
    });
    expect(sim.stats().rejected['130429']).toBe(7);
  });

  it('a per-number messagesPerSecond overrides the default, and the window slides', async () => {
    let now = Date.UTC(2026, 0, 1);
    sim = await startSimulator({
      phoneNumbers: [{ id: '111', messagesPerSecond: 2 }],
      behaviour: { ...QUIET, pairLimit: false },
      now: () => now,
    });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await send(sim, welcome(`1650555010${i}`), '111')).status);
    expect(codes).toEqual([200, 200, 400]);
    now += 1000;
    expect((await send(sim, welcome('16505550109'), '111')).status).toBe(200);
  });

  it('each phone number has its own throughput window', async () => {
    const now = Date.UTC(2026, 0, 1);
    sim = await startSimulator({
      phoneNumbers: ['111', { id: '222' }],
      behaviour: { ...QUIET, messagesPerSecond: 1, pairLimit: false },
      now: () => now,
    });
    expect((await send(sim, welcome('16505550101'), '111')).status).toBe(200);
    expect((await send(sim, welcome('16505550102'), '111')).json.error.code).toBe(130429);
    expect((await send(sim, welcome('16505550103'), '222')).status).toBe(200);
  });

  it('answers 131056 when one recipient gets more than the pair limit allows', async () => {
    let now = Date.UTC(2026, 0, 1);
    sim = await startSimulator({
      behaviour: { ...QUIET, pairLimit: { intervalMs: 6000, burst: 2 } },
      now: () => now,
    });
    expect((await send(sim, welcome('16505551234'))).status).toBe(200);
    expect((await send(sim, welcome('+1 650 555 1234'))).status).toBe(200);
    const third = await send(sim, welcome('16505551234'));
    expect(third.status).toBe(400);
    expect(third.json.error).toMatchObject({
      code: 131056,
      message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
    });
    expect((await send(sim, welcome('16505559999'))).status).toBe(200);
    now += 6000;
    expect((await send(sim, welcome('16505551234'))).status).toBe(200);
  });

  it('the pair limit can be turned off', async () => {
    sim = await startSimulator({ behaviour: { ...QUIET, pairLimit: false }, now: () => 0 });
    for (let i = 0; i < 50; i++) expect((await send(sim, welcome('16505551234'))).status).toBe(200);
  });

  it('injected faults answer the next matching request, then stop', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    sim.injectFault({ code: 131000, status: 500, edge: 'messages', times: 2 });
    expect((await send(sim, welcome('16505550100'))).json.error.code).toBe(131000);
    expect((await send(sim, welcome('16505550100'))).status).toBe(500);
    expect((await send(sim, welcome('16505550100'))).status).toBe(200);
    sim.injectFault({ disconnect: true, to: '+1 555 0100' });
    await expect(send(sim, welcome('15550100'))).rejects.toThrow();
    expect((await send(sim, welcome('15550100'))).status).toBe(200);
  });

  it('a delay-only fault lets the request through late: a client that gave up still had its message accepted', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    sim.injectFault({ delayMs: 300, edge: 'messages' });
    const controller = new AbortController();
    const late = fetch(`${sim.url}/v23.0/${sim.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', ...welcome('16505550177') }),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    await expect(late).rejects.toThrow();
    await sim.flush();
    expect(sim.messages.map((m) => m.waId)).toEqual(['16505550177']);
  });
});

describe('throughput upgrade', () => {
  it('answers 131057 while the upgrade runs, then admits 1,000 mps, reports HIGH and posts THROUGHPUT_UPGRADE', async () => {
    const receiver = await startReceiver();
    let now = Date.UTC(2026, 0, 1);
    sim = await startSimulator({
      appSecret: APP_SECRET,
      webhookUrl: receiver.url,
      behaviour: { ...QUIET, messagesPerSecond: 5, pairLimit: false },
      now: () => now,
    });
    try {
      sim.startThroughputUpgrade(50);
      const refused = await send(sim, welcome('905321000001'));
      expect(refused.status).toBe(400);
      expect(refused.json.error).toMatchObject({
        code: 131057,
        message: '(#131057) Account in maintenance mode',
        error_data: { details: expect.stringMatching(/throughput upgrade/) },
      });
      expect(sim.stats().rejected[131057]).toBe(1);
      now += 50;
      await sim.flush(); // the upgrade's end and its webhook
      const burst = await Promise.all(
        Array.from({ length: 40 }, (_, i) => send(sim, welcome(`90532${String(1_000_100 + i)}`))),
      );
      expect(burst.filter((r) => r.status === 200)).toHaveLength(40); // over the 5 mps of before
      expect((await graph(sim, `${sim.phoneNumberId}?fields=throughput`)).json.throughput).toEqual({
        level: 'HIGH',
      });
      type Change = { field: string; value: { event?: string } };
      const events = receiver.received
        .flatMap((w) => (w.body.entry as { changes: Change[] }[]).flatMap((e) => e.changes))
        .filter((c) => c.field === 'phone_number_quality_update');
      expect(events.map((c) => c.value.event)).toEqual(['THROUGHPUT_UPGRADE']);
      expect(() => sim.startThroughputUpgrade(-1)).toThrow(ConfigError);
    } finally {
      await sim.close();
      await receiver.close();
    }
  });
});

describe('options', () => {
  it('rejects unknown keys and bad values with ConfigError', async () => {
    await expect(startSimulator({ bogus: 1 } as never)).rejects.toBeInstanceOf(ConfigError);
    await expect(startSimulator({ behaviour: { readRate: 2 } })).rejects.toThrow(/behaviour.readRate/);
    await expect(startSimulator({ behaviour: { nope: true } as never })).rejects.toBeInstanceOf(ConfigError);
  });
});
