import type { Cluster, Redis } from 'ioredis';

// Server time, so that every worker on every machine shares one clock.
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

// KEYS: window zset, pacer key, pause key, pair key, marker key (one hash slot on a Redis Cluster:
// they all start with the number's key base, hash-tagged there).
// ARGV: limit, windowMs, intervalMs, toleranceMs, member, leaseMs, pairIntervalMs, retentionMs.
// Returns {0} when dispatched (slot, pair and "dispatching" marker taken atomically), {1, ms} to
// retry the throughput slot later, {2, ms} when the recipient must wait, {3, marker} when the job
// already has a dispatch marker (a re-run after a crash).
// A request is counted from dispatch until windowMs after its response (score = response time, or
// dispatch + lease while in flight): see ThroughputLimiter for why that bounds arrivals at Meta.
const DISPATCH = `${NOW}
local marker = redis.call('GET', KEYS[5])
if marker then return {3, marker} end
local pairTtl = redis.call('PTTL', KEYS[4])
if pairTtl > 0 then return {2, pairTtl} end
local pause = tonumber(redis.call('GET', KEYS[3]) or '0')
if pause > now then return {1, pause - now} end
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local interval = tonumber(ARGV[3])
local tolerance = tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[2]) or '0')
if tat - tolerance > now then return {1, math.ceil(tat - tolerance - now)} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local wait = tonumber(oldest[2]) + window - now
  if wait > 10 then wait = 10 end
  if wait < 1 then wait = 1 end
  return {1, wait}
end
local lease = tonumber(ARGV[6])
redis.call('ZADD', KEYS[1], now + lease, ARGV[5])
redis.call('PEXPIRE', KEYS[1], lease + window + 60000)
redis.call('SET', KEYS[2], tostring(math.max(tat, now - tolerance) + interval), 'PX', 60000)
if tonumber(ARGV[7]) > 0 then redis.call('SET', KEYS[4], '1', 'PX', ARGV[7]) end
redis.call('SET', KEYS[5], 'dispatching', 'PX', ARGV[8])
return {0}
`;

// KEYS: window zset, marker key. ARGV: member, marker value ('' deletes it), retentionMs.
// Marks the request answered now and records its result in the dispatch marker.
const FINISH = `${NOW}
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
if ARGV[2] == '' then redis.call('DEL', KEYS[2]) else redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
return 0
`;

// KEYS: key. ARGV: ms. Holds the key at least ms from now (pause of a number or a recipient).
const HOLD = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 0
`;

// KEYS: pause key. ARGV: ms. Number pauses store the end time (the reserve script compares it).
const PAUSE = `${NOW}
local until_ms = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > current then redis.call('SET', KEYS[1], tostring(until_ms), 'PX', ARGV[1]) end
return 0
`;

/** What {@link RedisLimits.dispatch} decided. */
export type DispatchVerdict =
  | { kind: 'dispatched' }
  | { kind: 'wait'; ms: number }
  | { kind: 'recipient_wait'; ms: number }
  | { kind: 'marked'; marker: string };

/** Redis keys of one phone number's shared limits. */
export interface NumberKeys {
  window: string;
  pacer: string;
  pause: string;
  pairPrefix: string;
}

/**
 * The per-number throughput window, pacer, pauses and per-recipient spacing, kept in Redis. Every key
 * starts with the number's key base (`{wacloud:<number>}` on a Redis Cluster), so each script runs in
 * one slot.
 */
export class RedisLimits {
  readonly #keys: NumberKeys;

  readonly #settings: {
    limit: number;
    pairIntervalMs: number;
    leaseMs: number;
    toleranceMs: number;
    retentionMs: number;
  };

  readonly #redis: Redis | Cluster;

  /**
   * @param base the number's key base (`<keyPrefix>:<number>`, hash-tagged on a Cluster); the
   * callers' dispatch markers must start with it too.
   */
  constructor(
    redis: Redis | Cluster,
    base: string,
    settings: {
      limit: number;
      pairIntervalMs: number;
      leaseMs: number;
      toleranceMs: number;
      retentionMs: number;
    },
  ) {
    this.#redis = redis;
    this.#settings = settings;
    this.#keys = {
      window: `${base}:window`,
      pacer: `${base}:pacer`,
      pause: `${base}:pause`,
      pairPrefix: `${base}:pair:`,
    };
  }

  /** Every key this number uses (for clean-up). */
  get allKeys(): NumberKeys {
    return this.#keys;
  }

  /**
   * Atomically checks the job's dispatch marker and the recipient's spacing, takes a throughput
   * slot, reserves the recipient and writes the "dispatching" marker.
   */
  async dispatch(member: string, recipientId: string, markerKey: string): Promise<DispatchVerdict> {
    const { limit, leaseMs, toleranceMs, pairIntervalMs, retentionMs } = this.#settings;
    const reply = (await this.#redis.eval(
      DISPATCH,
      5,
      this.#keys.window,
      this.#keys.pacer,
      this.#keys.pause,
      this.#keys.pairPrefix + recipientId,
      markerKey,
      limit,
      1000,
      1000 / limit,
      toleranceMs,
      member,
      leaseMs,
      pairIntervalMs,
      retentionMs,
    )) as [number, (number | string)?];
    const [kind, value] = reply;
    if (kind === 0) return { kind: 'dispatched' };
    if (kind === 3) return { kind: 'marked', marker: String(value) };
    return { kind: kind === 2 ? 'recipient_wait' : 'wait', ms: Number(value) };
  }

  /** Marks a dispatched request answered and stores `marker` (or deletes it when empty). */
  async finish(member: string, markerKey: string, marker: string): Promise<void> {
    await this.#redis.eval(
      FINISH,
      2,
      this.#keys.window,
      markerKey,
      member,
      marker,
      this.#settings.retentionMs,
    );
  }

  /** Holds the recipient for `ms` (131056). */
  async holdRecipient(recipientId: string, ms: number): Promise<void> {
    await this.#redis.eval(HOLD, 1, this.#keys.pairPrefix + recipientId, Math.max(1, Math.ceil(ms)));
  }

  /** Forgets the recipient's reservation after a refused request (it did not count toward the pair rate). */
  async releaseRecipient(recipientId: string): Promise<void> {
    await this.#redis.del(this.#keys.pairPrefix + recipientId);
  }

  /** Pauses the whole number for `ms` (130429, 80007, 4, 131057), for every worker. */
  async pauseNumber(ms: number): Promise<void> {
    await this.#redis.eval(PAUSE, 1, this.#keys.pause, Math.max(1, Math.ceil(ms)));
  }
}
