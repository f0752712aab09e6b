import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/index.js';
import { messagingLimitOf, parseMessagingLimit } from '../../../src/queue/governance/messaging-limit.js';
import {
  MESSAGING_LIMIT_WINDOW_MS,
  MemoryPortfolioBudget,
  type PortfolioBudget,
} from '../../../src/queue/governance/portfolio-budget.js';
import { RedisPortfolioBudget } from '../../../src/queue/governance/redis-portfolio-budget.js';
import { parseWebhook } from '../../../src/webhooks/parse.js';
import { TEST_REDIS } from '../../helpers/test-services.js';
import { deleteKeys, redisAvailable } from '../helpers/redis-available.js';

const available = await redisAvailable();
const DAY = MESSAGING_LIMIT_WINDOW_MS;
const T0 = Date.UTC(2026, 5, 1, 9);

function budgetContract(name: string, make: (limit: number) => PortfolioBudget): void {
  describe(`PortfolioBudget contract (${name})`, () => {
    it('counts unique users: a user reached in the window costs nothing', async () => {
      const budget = make(2);
      expect(await budget.reserve('a', T0)).toEqual({ granted: true, newUser: true });
      expect(await budget.reserve('a', T0 + 1000)).toEqual({ granted: true, newUser: false });
      expect(await budget.reserve('b', T0 + 2000)).toEqual({ granted: true, newUser: true });
      expect(await budget.reserve('b', T0 + 3000)).toEqual({ granted: true, newUser: false });
    });

    it('over the limit says when the oldest reach leaves the moving 24 h', async () => {
      const budget = make(2);
      await budget.reserve('a', T0);
      await budget.reserve('b', T0 + 500);
      // a's last reach is T0 + 1000: the window follows the last message to a user.
      await budget.reserve('a', T0 + 1000);
      expect(await budget.reserve('c', T0 + 10_000)).toEqual({ granted: false, retryAt: T0 + 500 + DAY });
      expect(await budget.reserve('c', T0 + 500 + DAY - 1)).toMatchObject({ granted: false });
      expect(await budget.reserve('c', T0 + 500 + DAY)).toEqual({ granted: true, newUser: true });
      expect(await budget.reserve('d', T0 + 500 + DAY)).toEqual({ granted: false, retryAt: T0 + 1000 + DAY });
    });

    it('release gives back a new user, and only the reach taken at that instant', async () => {
      const budget = make(1);
      await budget.reserve('a', T0);
      await budget.release('a', T0 + 1);
      expect(await budget.reserve('b', T0 + 2)).toMatchObject({ granted: false });
      await budget.release('a', T0);
      expect(await budget.reserve('b', T0 + 3)).toEqual({ granted: true, newUser: true });
    });

    it('setLimit takes tiers, numbers and unlimited; a lower limit holds new users back', async () => {
      const budget = make(1);
      await budget.reserve('a', T0);
      await budget.setLimit('TIER_2K');
      expect(await budget.limit()).toBe(2000);
      expect(await budget.reserve('b', T0 + 1)).toMatchObject({ granted: true, newUser: true });
      await budget.setLimit(-1);
      expect(await budget.limit()).toBe(Number.POSITIVE_INFINITY);
      for (let i = 0; i < 50; i++)
        expect(await budget.reserve(`u${i}`, T0 + 2)).toMatchObject({ granted: true });
      await budget.setLimit(10);
      expect(await budget.reserve('late', T0 + 3)).toEqual({ granted: false, retryAt: T0 + DAY });
      await expect(budget.setLimit('TIER_NOT_SET' as never)).rejects.toThrow(ConfigError);
    });
  });
}

budgetContract('memory', (limit) => new MemoryPortfolioBudget({ limit }));

describe('MemoryPortfolioBudget', () => {
  it('forgets reaches that left the window', async () => {
    const budget = new MemoryPortfolioBudget({ limit: 'TIER_100K' });
    for (let i = 0; i < 1000; i++) await budget.reserve(`u${i}`, T0 + i);
    expect(budget.reachedAt(T0 + 999)).toBe(1000);
    expect(budget.reachedAt(T0 + DAY + 500)).toBe(499);
  });

  it('rejects a limit that names none', () => {
    expect(() => new MemoryPortfolioBudget({ limit: 'TIER_1K' as never })).toThrow(/limit must be TIER_50/);
    expect(() => new MemoryPortfolioBudget({ limit: 2.5 })).toThrow(ConfigError);
  });
});

describe('messaging limits from Meta', () => {
  it('reads tiers, numbers and unlimited', () => {
    expect(parseMessagingLimit('TIER_250')).toBe(250);
    expect(parseMessagingLimit('TIER_UNLIMITED')).toBe(Number.POSITIVE_INFINITY);
    expect(parseMessagingLimit('10000')).toBe(10_000);
    expect(parseMessagingLimit(-1)).toBe(Number.POSITIVE_INFINITY);
    expect(parseMessagingLimit('TIER_NOT_SET')).toBeUndefined();
    expect(parseMessagingLimit(-5)).toBeUndefined();
  });

  it('reads the limit from a parsed business_capability_update and phone_number_quality_update', () => {
    const capability = parseWebhook(
      payload('business_capability_update', {
        max_daily_conversation_per_phone: 2000,
        max_daily_conversations_per_business: 10000,
        max_phone_numbers_per_business: 2,
      }),
    );
    expect(capability.map(messagingLimitOf)).toEqual([10_000]);
    const older = parseWebhook(
      payload('business_capability_update', { max_daily_conversation_per_phone: -1 }),
    );
    expect(older.map(messagingLimitOf)).toEqual([Number.POSITIVE_INFINITY]);
    const quality = parseWebhook(
      payload('phone_number_quality_update', {
        display_phone_number: '15550783881',
        event: 'UPGRADE',
        max_daily_conversations_per_business: 'TIER_100K',
      }),
    );
    expect(quality.map(messagingLimitOf)).toEqual([100_000]);
    const unrelated = parseWebhook(payload('account_update', { event: 'ACCOUNT_VIOLATION' }));
    expect(unrelated.map(messagingLimitOf)).toEqual([undefined]);
  });
});

function payload(field: string, value: Record<string, unknown>): unknown {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', time: 1_750_000_000, changes: [{ field, value }] }],
  };
}

describe.skipIf(!available)('RedisPortfolioBudget (real Redis)', () => {
  const prefix = `wacloud-test:budget:${randomUUID()}:`;
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(TEST_REDIS);
    connections.push(redis);
    return redis;
  };
  afterAll(async () => {
    for (const redis of connections) redis.disconnect();
    await deleteKeys(`*${prefix}*`);
  });

  budgetContract(
    'redis',
    (limit) =>
      new RedisPortfolioBudget({ redis: connect(), portfolioId: randomUUID(), limit, keyPrefix: prefix }),
  );

  it('never reaches more users than the limit when two processes race, and shares setLimit', async () => {
    const portfolioId = randomUUID();
    const left = new RedisPortfolioBudget({ redis: connect(), portfolioId, limit: 300, keyPrefix: prefix });
    const right = new RedisPortfolioBudget({ redis: connect(), portfolioId, limit: 300, keyPrefix: prefix });
    const answers = await Promise.all(
      Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? left : right).reserve(`u${i % 1000}`, T0 + i)),
    );
    const newUsers = answers.filter((a) => a.granted && a.newUser).length;
    expect(newUsers).toBe(300);
    await left.setLimit('TIER_2K');
    expect(await right.limit()).toBe(2000);
    expect(await right.reserve('someone-else', T0 + 5000)).toEqual({ granted: true, newUser: true });
  });

  it('needs a connection and a portfolio id', () => {
    expect(() => new RedisPortfolioBudget({ redis: {} as never, portfolioId: 'p', limit: 1 })).toThrow(
      /eval/,
    );
    expect(() => new RedisPortfolioBudget({ redis: connect(), portfolioId: '', limit: 1 })).toThrow(
      /portfolioId/,
    );
  });
});
