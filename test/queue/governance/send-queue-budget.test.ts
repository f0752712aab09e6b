import { afterEach, describe, expect, it } from 'vitest';
import { acceleratedClock, type Clock } from '../../../src/clock/index.js';
import { ConfigError } from '../../../src/errors/index.js';
import { msg } from '../../../src/messages/index.js';
import {
  MESSAGING_LIMIT_WINDOW_MS,
  MemoryPortfolioBudget,
} from '../../../src/queue/governance/portfolio-budget.js';
import { type QueueClient, SendQueue, type SendQueueOptions } from '../../../src/queue/index.js';
import { graph, scriptedClient } from '../helpers/scripted-client.js';

const DAY = MESSAGING_LIMIT_WINDOW_MS;
const T0 = Date.UTC(2026, 5, 1, 9);
const TR = (n: number) => `90532${String(1_000_000 + n)}`;
const promo = (n: number) => msg.template(`+${TR(n)}`, 'spring_sale', 'tr');

const queues: SendQueue[] = [];
afterEach(async () => {
  for (const queue of queues.splice(0)) await queue.close();
});

function queueWith(options: Partial<SendQueueOptions> & Pick<SendQueueOptions, 'client'>): SendQueue {
  const queue = new SendQueue({ perRecipientIntervalMs: 0, ...options });
  queues.push(queue);
  return queue;
}

/** A client that notes the clock's time of every request. */
function timedClient(clock: Clock, fail?: (to: string) => Error | undefined) {
  const { client, calls } = scriptedClient((to) => fail?.(to));
  const times: { to: string; at: number }[] = [];
  const timed: QueueClient = {
    phoneNumberId: client.phoneNumberId,
    messages: {
      send: (message) => {
        times.push({ to: String(message.to), at: clock.now() });
        return client.messages.send(message);
      },
    },
  };
  return { client: timed, calls, times };
}

/** The most unique users reached in any moving window, from the request times. */
function mostUsersInAWindow(times: { to: string; at: number }[]): number {
  let most = 0;
  for (const { at: end } of times) {
    const users = new Set(times.filter((t) => t.at > end - DAY && t.at <= end).map((t) => t.to));
    most = Math.max(most, users.size);
  }
  return most;
}

describe('SendQueue portfolio messaging limit', () => {
  it('validates messagingLimit, portfolioBudget and clock', () => {
    const { client } = scriptedClient();
    expect(() => new SendQueue({ client, messagingLimit: 'TIER_1K' as never })).toThrow(
      /messagingLimit must be/,
    );
    expect(
      () =>
        new SendQueue({
          client,
          messagingLimit: 10,
          portfolioBudget: new MemoryPortfolioBudget({ limit: 5 }),
        }),
    ).toThrow(ConfigError);
    expect(() => new SendQueue({ client, portfolioBudget: {} as never })).toThrow(
      /reserve\(\) and release\(\)/,
    );
    expect(() => new SendQueue({ client, clock: acceleratedClock({ speed: 2 }), now: Date.now })).toThrow(
      /clock/,
    );
    expect(() => new SendQueue({ client, clock: { now: Date.now, speed: 0 } })).toThrow(/clock/);
    expect(() => acceleratedClock({ speed: -1 })).toThrow(/speed/);
  });

  it('over budget, templates wait for the oldest reach to leave the 24 h; service messages never wait', async () => {
    const clock = acceleratedClock({ speed: 200_000, startAt: T0 });
    const { client, times, calls } = timedClient(clock);
    const queue = queueWith({ client, clock, messagingLimit: 2 });
    expect(await queue.portfolioBudget?.limit()).toBe(2);
    const outcomes = [1, 2, 3, 4, 5].map((n) => queue.enqueue(promo(n)));
    const reply = await queue.enqueue(msg.text(`+${TR(9)}`, 'thanks for writing'));
    expect(reply.status).toBe('sent');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(queue.waiting().count).toBe(3);
    expect(queue.waiting().nextAt!.getTime()).toBeGreaterThanOrEqual(T0 + DAY);
    const settled = await Promise.all(outcomes);
    expect(settled.map((o) => o.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    // Waiting for budget burns no attempt.
    expect(settled.map((o) => o.attempts)).toEqual([1, 1, 1, 1, 1]);
    expect(calls.length).toBe(6);
    const templates = times.filter((t) => t.to !== `+${TR(9)}`);
    expect(mostUsersInAWindow(templates)).toBe(2);
    const first = templates[0]!.at;
    for (const late of templates.slice(2, 4)) expect(late.at).toBeGreaterThanOrEqual(first + DAY);
    expect(templates[4]!.at).toBeGreaterThanOrEqual(first + 2 * DAY);
  });

  it('budget that frees at night sends nothing at night: the send waits for its window again', async () => {
    const evening = Date.UTC(2026, 5, 1, 20);
    const clock = acceleratedClock({ speed: 200_000, startAt: evening });
    const { client, times } = timedClient(clock);
    const queue = queueWith({
      client,
      clock,
      messagingLimit: 1,
      // A function wins over the number's country (Turkey).
      sendWindow: { start: '09:00', end: '17:00', timeZone: () => 'UTC' },
    });
    // Authentication codes never wait for the window, but they use the budget: 20:00 tonight.
    const code = await queue.enqueue(msg.template(`+${TR(1)}`, 'login_code', 'en'), {
      category: 'authentication',
    });
    expect(code.status).toBe('sent');
    const promoOutcome = await queue.enqueue(promo(2));
    expect(promoOutcome.status).toBe('sent');
    const at = times.at(-1)!.at;
    // 09:00 tomorrow the budget is still spent (until 20:00); at 20:00 the window is closed: 09:00 the day after.
    expect(at).toBeGreaterThanOrEqual(Date.UTC(2026, 5, 3, 9));
    expect(new Date(at).getUTCHours()).toBeGreaterThanOrEqual(9);
    expect(new Date(at).getUTCHours()).toBeLessThan(17);
  });

  it('a user already reached costs nothing, and a refused send gives its user back', async () => {
    const clock = acceleratedClock({ speed: 1, startAt: T0 });
    const { client } = timedClient(clock, (to) => (to === `+${TR(2)}` ? graph(131026) : undefined));
    const budget = new MemoryPortfolioBudget({ limit: 2 });
    const queue = queueWith({ client, clock, portfolioBudget: budget });
    expect(queue.portfolioBudget).toBe(budget);
    expect((await queue.enqueue(promo(1))).status).toBe('sent');
    expect((await queue.enqueue(promo(2))).status).toBe('failed');
    expect((await queue.enqueue(promo(3))).status).toBe('sent');
    expect((await queue.enqueue(promo(1))).status).toBe('sent');
    expect(budget.reachedAt(clock.now())).toBe(2);
    const waiting = queue.enqueue(promo(4));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(queue.waiting().count).toBe(1);
    await queue.close();
    expect((await waiting).status).toBe('skipped');
  });

  it('two queues given one budget share it, and setLimit lets waiting sends go', async () => {
    const clock = acceleratedClock({ speed: 1, startAt: T0 });
    const budget = new MemoryPortfolioBudget({ limit: 1 });
    const left = queueWith({ client: scriptedClient().client, clock, portfolioBudget: budget });
    const right = queueWith({ client: scriptedClient().client, clock, portfolioBudget: budget });
    expect((await left.enqueue(promo(1))).status).toBe('sent');
    const waiting = right.enqueue(promo(2));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(right.waiting().count).toBe(1);
    const campaign = right.sendCampaign({ campaignId: 'c1', recipients: [3], build: (n) => promo(n) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(campaign.progress()).toMatchObject({ waiting: 1 });
    await budget.setLimit('TIER_2K');
    // A raised limit is seen when the next send arrives: the line goes first, in order.
    expect((await right.enqueue(promo(4))).status).toBe('sent');
    expect((await waiting).status).toBe('sent');
    expect((await campaign.done).sent).toBe(1);
  });
  it("observe(): a business_capability_update sets the limit of the queue's budget", async () => {
    const clock = acceleratedClock({ speed: 1, startAt: T0 });
    const queue = queueWith({ client: scriptedClient().client, clock, messagingLimit: 1 });
    expect((await queue.enqueue(promo(1))).status).toBe('sent');
    const capabilityUpdate = {
      type: 'unknown',
      field: 'business_capability_update',
      value: { max_daily_conversations_per_business: 2000 },
    };
    expect(queue.observe(capabilityUpdate as never)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await queue.portfolioBudget?.limit()).toBe(2000);
    expect((await queue.enqueue(promo(2))).status).toBe('sent');
    expect(queue.observe({ type: 'unknown', field: 'something_else', value: {} } as never)).toBe(false);
  });
});
