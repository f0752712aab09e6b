import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { QUIET, send } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const DAY = 24 * 60 * 60 * 1000;
const template = (to: string, name = 'welcome') => ({
  to,
  type: 'template',
  template: { name, language: { code: 'en_US' } },
});
const user = (i: number) => `90532${String(1_000_000 + i)}`;

describe('the per-user marketing limit (131049)', () => {
  it('refuses the share of users it holds back until a retry 24 h after the first refusal', async () => {
    let now = Date.UTC(2026, 5, 1, 9);
    sim = await startSimulator({
      behaviour: { ...QUIET, pairLimit: false, marketingLimitRate: 0.5 },
      now: () => now,
    });
    const first = await Promise.all(Array.from({ length: 40 }, (_, i) => send(sim!, template(user(i)))));
    const held = first.flatMap((r, i) => (r.json.error?.code === 131049 ? [i] : []));
    expect(held.length).toBeGreaterThan(5);
    expect(held.length).toBeLessThan(35);
    expect(first.filter((r) => r.status === 200)).toHaveLength(40 - held.length);
    // Utility templates are not marketing: never held.
    expect((await send(sim, template(user(held[0]!), 'hello_world'))).status).toBe(200);
    now += DAY - 1;
    expect((await send(sim, template(user(held[0]!)))).json.error?.code).toBe(131049);
    now += 1;
    const retried = await Promise.all(held.map((i) => send(sim!, template(user(i)))));
    expect(retried.every((r) => r.status === 200)).toBe(true);
    expect(sim.stats().rejected[131049]).toBe(held.length + 1);
  });
});

describe('the portfolio messaging limit', () => {
  it('refuses one unique user more than the tier in a moving 24 h, with 131048', async () => {
    let now = Date.UTC(2026, 5, 1, 9);
    sim = await startSimulator({
      phoneNumbers: [
        { id: '111', messagingLimit: 'TIER_50' },
        { id: '222', messagingLimit: 'TIER_50' },
      ],
      behaviour: { ...QUIET, pairLimit: false, enforceMessagingLimit: true },
      now: () => now,
    });
    // Both numbers share the portfolio's 50 users.
    for (let i = 0; i < 50; i++)
      expect((await send(sim, template(user(i)), i % 2 ? '111' : '222')).status).toBe(200);
    const over = await send(sim, template(user(50)), '111');
    expect(over.json.error?.code).toBe(131048);
    // A user already reached costs nothing; a user who wrote in the last 24 h is not business-initiated.
    expect((await send(sim, template(user(7)), '222')).status).toBe(200);
    sim.inbound(user(60), 'hi');
    expect((await send(sim, template(user(60)), '111')).status).toBe(200);
    now += 60_000;
    expect((await send(sim, template(user(51)), '111')).json.error?.code).toBe(131048);
    // The first reaches leave the window 24 h later.
    now = Date.UTC(2026, 5, 2, 9);
    expect((await send(sim, template(user(51)), '111')).status).toBe(200);
  });

  it('is off by default, and phone numbers must name a tier Meta uses', async () => {
    sim = await startSimulator({
      phoneNumbers: [{ id: '111', messagingLimit: 'TIER_50' }],
      behaviour: QUIET,
    });
    const all = await Promise.all(Array.from({ length: 60 }, (_, i) => send(sim!, template(user(i)), '111')));
    expect(all.every((r) => r.status === 200)).toBe(true);
    await expect(startSimulator({ phoneNumbers: [{ id: '1', messagingLimit: 'TIER_1K' }] })).rejects.toThrow(
      ConfigError,
    );
  });

  it('takes a clock, and refuses it beside now or behaviour.speed', async () => {
    const clock = { now: () => Date.UTC(2026, 0, 1), speed: 100 };
    sim = await startSimulator({ clock, behaviour: QUIET });
    expect((await send(sim, template(user(1)))).status).toBe(200);
    expect(sim.messages[0]?.acceptedAt.getTime()).toBe(Date.UTC(2026, 0, 1));
    await expect(startSimulator({ clock, now: Date.now })).rejects.toThrow(/clock/);
    await expect(startSimulator({ clock, behaviour: { speed: 2 } })).rejects.toThrow(/clock/);
  });
});

describe('template pacing (held_for_quality_assessment)', () => {
  it('answers a share of marketing template sends as held, and never a utility one', async () => {
    sim = await startSimulator({ behaviour: { ...QUIET, pairLimit: false, pacingHoldRate: 0.5 } });
    const marketing = await Promise.all(Array.from({ length: 40 }, (_, i) => send(sim!, template(user(i)))));
    const statuses = marketing.map((r) => r.json.messages?.[0]?.message_status);
    const held = statuses.filter((s) => s === 'held_for_quality_assessment').length;
    expect(held).toBeGreaterThan(5);
    expect(held).toBeLessThan(35);
    expect(statuses.filter((s) => s === 'accepted')).toHaveLength(40 - held);
    const utility = await Promise.all(
      Array.from({ length: 10 }, (_, i) => send(sim!, template(user(100 + i), 'hello_world'))),
    );
    expect(utility.every((r) => r.json.messages?.[0]?.message_status === 'accepted')).toBe(true);
  });

  it('rejects a pacingHoldRate outside 0..1 with a ConfigError', async () => {
    await expect(startSimulator({ behaviour: { pacingHoldRate: 2 } })).rejects.toBeInstanceOf(ConfigError);
  });
});
