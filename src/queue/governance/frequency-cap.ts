import { ConfigError } from '../../errors/index.js';

/** At most `max` marketing messages to one recipient in any `perMs` milliseconds (the `frequencyCap` option). */
export interface FrequencyCap {
  /** Most messages in the period (a positive integer). */
  max: number;
  /** Length of the sliding period in milliseconds. */
  perMs: number;
}

/**
 * Where the frequency cap is counted. A reservation is taken before a send and given back with
 * {@link FrequencyCapLedger.release} when the message ends without reaching the recipient (failed,
 * skipped), so only messages Meta accepted keep counting. Implementations decide atomically: two
 * processes racing for one recipient never both get the last slot.
 */
export interface FrequencyCapLedger {
  /**
   * Takes one slot of the recipient's cap at `at` (epoch ms); false when `max` are already taken in
   * `perMs`. `holder`, a stable id of the send: a send that already holds a slot (re-run after its
   * worker died between taking it and sending) keeps that slot, moved to `at`, instead of needing a
   * second. Optional for implementations (the memory ledger ignores it: it dies with its process).
   */
  tryReserve(recipientId: string, at: number, cap: FrequencyCap, holder?: string): Promise<boolean>;
  /** Gives back the slot taken at `at` (no-op when there is none). */
  release(recipientId: string, at: number): Promise<void>;
}

/** Checks a {@link FrequencyCap}; throws `ConfigError` naming the field. */
export function checkFrequencyCap(cap: FrequencyCap): FrequencyCap {
  if (typeof cap !== 'object' || cap === null) throw new ConfigError('frequencyCap must be { max, perMs }');
  if (!Number.isInteger(cap.max) || cap.max < 1)
    throw new ConfigError(`frequencyCap.max must be a positive integer, got ${String(cap.max)}`);
  if (!Number.isInteger(cap.perMs) || cap.perMs < 1)
    throw new ConfigError(`frequencyCap.perMs must be a positive integer, got ${String(cap.perMs)}`);
  return cap;
}

/**
 * A {@link FrequencyCapLedger} for one process: per recipient, the times of its slots in the period.
 * Recipients whose slots have all expired are forgotten (checked on access, and a sweep of the whole map
 * once per as many reservations as it holds recipients, so memory follows the recipients still capped).
 */
export class MemoryFrequencyCapLedger implements FrequencyCapLedger {
  readonly #slots = new Map<string, number[]>();
  #longestPerMs = 0;
  #sinceSweep = 0;

  async tryReserve(recipientId: string, at: number, cap: FrequencyCap): Promise<boolean> {
    this.#longestPerMs = Math.max(this.#longestPerMs, cap.perMs);
    if (++this.#sinceSweep > Math.max(1024, this.#slots.size)) this.#sweep(at);
    const slots = (this.#slots.get(recipientId) ?? []).filter((t) => t > at - cap.perMs);
    if (slots.length >= cap.max) {
      this.#slots.set(recipientId, slots);
      return false;
    }
    slots.push(at);
    this.#slots.set(recipientId, slots);
    return true;
  }

  async release(recipientId: string, at: number): Promise<void> {
    const slots = this.#slots.get(recipientId);
    if (!slots) return;
    const index = slots.indexOf(at);
    if (index >= 0) slots.splice(index, 1);
    if (slots.length === 0) this.#slots.delete(recipientId);
  }

  /** How many recipients have slots in memory (for tests and monitoring). */
  get size(): number {
    return this.#slots.size;
  }

  #sweep(now: number): void {
    this.#sinceSweep = 0;
    const oldest = now - this.#longestPerMs;
    for (const [recipientId, slots] of this.#slots) {
      if (slots.every((t) => t <= oldest)) this.#slots.delete(recipientId);
    }
  }
}

/** The one Redis command the Redis ledger needs; an ioredis `Redis` or `Cluster` fits. */
export interface FrequencyCapRedis {
  /** `EVAL script numkeys key... arg...` */
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of {@link RedisFrequencyCapLedger}. */
export interface RedisFrequencyCapLedgerOptions {
  /** A connection (ioredis `Redis`), shared by every process that must respect one cap. */
  redis: FrequencyCapRedis;
  /** Prefix of the keys (one sorted set per recipient); default `wacloud:fcap:`. */
  keyPrefix?: string;
}

// KEYS: the recipient's sorted set. ARGV: at, perMs, max, member, '1' when member is a holder id.
// Drops slots older than the period; a holder that already has a slot keeps it (moved to at), else
// takes one if fewer than max remain; the key expires perMs after its newest slot, so idle recipients
// leave nothing behind.
const RESERVE = `
local at = tonumber(ARGV[1])
local per = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', at - per)
local held = ARGV[5] == '1' and redis.call('ZSCORE', KEYS[1], ARGV[4])
if not held and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], at, ARGV[4])
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local ttl = tonumber(newest[2]) + per - at
if ttl < 1 then ttl = 1 end
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`;

// KEYS: the recipient's sorted set. ARGV: at. Removes one slot taken at `at`.
const RELEASE = `
local found = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1], 'LIMIT', 0, 1)
if found[1] then redis.call('ZREM', KEYS[1], found[1]) end
return 0
`;

/**
 * A {@link FrequencyCapLedger} in Redis, for queues in several processes (the BullMQ adapter): one
 * sorted set per recipient, read and written by one Lua script, so racing workers never exceed the cap.
 */
export class RedisFrequencyCapLedger implements FrequencyCapLedger {
  readonly #redis: FrequencyCapRedis;
  readonly #prefix: string;
  #sequence = 0;

  /** @param options the connection and key prefix. */
  constructor(options: RedisFrequencyCapLedgerOptions) {
    if (typeof options?.redis?.eval !== 'function')
      throw new ConfigError('RedisFrequencyCapLedger needs a redis connection with eval()');
    this.#redis = options.redis;
    this.#prefix = options.keyPrefix ?? 'wacloud:fcap:';
  }

  async tryReserve(recipientId: string, at: number, cap: FrequencyCap, holder?: string): Promise<boolean> {
    const member =
      holder === undefined
        ? `${at}:${process.pid}:${(this.#sequence++).toString(36)}:${Math.random().toString(36).slice(2)}`
        : `h:${holder}`;
    const taken = await this.#redis.eval(
      RESERVE,
      1,
      this.#prefix + recipientId,
      at,
      cap.perMs,
      cap.max,
      member,
      holder === undefined ? '0' : '1',
    );
    return Number(taken) === 1;
  }

  async release(recipientId: string, at: number): Promise<void> {
    await this.#redis.eval(RELEASE, 1, this.#prefix + recipientId, at);
  }
}
