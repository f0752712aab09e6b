import { ConfigError } from '../../errors/index.js';
import type { FrequencyCapRedis } from './frequency-cap.js';
import { checkMessagingLimit, type MessagingLimit } from './messaging-limit.js';
import {
  type BudgetReservation,
  MESSAGING_LIMIT_WINDOW_MS,
  type PortfolioBudget,
} from './portfolio-budget.js';

/** Options of {@link RedisPortfolioBudget}. */
export interface RedisPortfolioBudgetOptions {
  /** A connection (ioredis `Redis`), shared by every process sending for the portfolio. */
  redis: FrequencyCapRedis;
  /** The business portfolio (its id, or any name every process agrees on). */
  portfolioId: string;
  /**
   * The limit used until one is set with `setLimit()` (a tier or unique users per 24 h). A limit set
   * with `setLimit()` is stored in Redis and wins, so one process learning of a change tells them all.
   */
  limit: MessagingLimit;
  /** Prefix of the keys; default `wacloud:budget:`. */
  keyPrefix?: string;
  /** Length of the moving window (default 24 h, Meta's). */
  windowMs?: number;
}

// KEYS: the portfolio's sorted set (member user, score last reach), its limit key.
// ARGV: at, windowMs, default limit (-1: unlimited), user.
// Returns {1, newUser} when the user may be messaged, {0, retryAt} when the budget is spent.
const RESERVE = `
local at = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', at - window)
local limit = tonumber(redis.call('GET', KEYS[2]) or ARGV[3])
local last = redis.call('ZSCORE', KEYS[1], ARGV[4])
if last then
  if tonumber(last) < at then redis.call('ZADD', KEYS[1], at, ARGV[4]) end
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
if limit >= 0 and redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tostring(tonumber(oldest[2]) + window)}
end
redis.call('ZADD', KEYS[1], at, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return {1, 1}
`;

// KEYS: the portfolio's sorted set. ARGV: at, user. Removes the user if its last reach is `at`.
const RELEASE = `
local last = redis.call('ZSCORE', KEYS[1], ARGV[2])
if last and tonumber(last) == tonumber(ARGV[1]) then redis.call('ZREM', KEYS[1], ARGV[2]) end
return 0
`;

/**
 * A {@link PortfolioBudget} in Redis, for every number and worker of a portfolio: one sorted set of
 * users by last reach per portfolio, read and written by one Lua script, so racing processes never
 * reach more unique users than the limit. The set expires a window after its newest reach.
 */
export class RedisPortfolioBudget implements PortfolioBudget {
  readonly #redis: FrequencyCapRedis;
  readonly #reachKey: string;
  readonly #limitKey: string;
  readonly #defaultLimit: number;
  readonly #windowMs: number;

  /** @param options the connection, the portfolio, its default limit. */
  constructor(options: RedisPortfolioBudgetOptions) {
    if (typeof options?.redis?.eval !== 'function')
      throw new ConfigError('RedisPortfolioBudget needs a redis connection with eval()', { option: 'redis' });
    if (typeof options.portfolioId !== 'string' || options.portfolioId === '')
      throw new ConfigError('RedisPortfolioBudget needs a portfolioId', { option: 'portfolioId' });
    this.#redis = options.redis;
    const base = `${options.keyPrefix ?? 'wacloud:budget:'}${options.portfolioId}`;
    // One hash tag, so both keys live on one Redis Cluster slot.
    this.#reachKey = `{${base}}:reached`;
    this.#limitKey = `{${base}}:limit`;
    this.#defaultLimit = checkMessagingLimit(options.limit, 'limit');
    this.#windowMs = options.windowMs ?? MESSAGING_LIMIT_WINDOW_MS;
  }

  async reserve(userId: string, at: number): Promise<BudgetReservation> {
    const answer = (await this.#redis.eval(
      RESERVE,
      2,
      this.#reachKey,
      this.#limitKey,
      at,
      this.#windowMs,
      toRedisLimit(this.#defaultLimit),
      userId,
    )) as [number, number | string];
    return Number(answer[0]) === 1
      ? { granted: true, newUser: Number(answer[1]) === 1 }
      : { granted: false, retryAt: Number(answer[1]) };
  }

  async release(userId: string, at: number): Promise<void> {
    await this.#redis.eval(RELEASE, 1, this.#reachKey, at, userId);
  }

  async setLimit(limit: MessagingLimit): Promise<void> {
    const users = checkMessagingLimit(limit, 'limit');
    await this.#redis.eval(
      "redis.call('SET', KEYS[1], ARGV[1]) return 0",
      1,
      this.#limitKey,
      toRedisLimit(users),
    );
  }

  async limit(): Promise<number> {
    const stored = await this.#redis.eval("return redis.call('GET', KEYS[1])", 1, this.#limitKey);
    if (stored === null || stored === undefined) return this.#defaultLimit;
    const users = Number(stored);
    return users < 0 ? Number.POSITIVE_INFINITY : users;
  }
}

function toRedisLimit(users: number): number {
  return users === Number.POSITIVE_INFINITY ? -1 : users;
}
