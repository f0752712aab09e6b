import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/index.js';
import {
  checkFrequencyCap,
  type FrequencyCapLedger,
  MemoryFrequencyCapLedger,
  RedisFrequencyCapLedger,
} from '../../../src/queue/governance/frequency-cap.js';
import { TEST_REDIS } from '../../helpers/test-services.js';
import { deleteKeys, redisAvailable } from '../helpers/redis-available.js';

const available = await redisAvailable();
const prefix = `wacloud-test:fcap:${randomUUID()}:`;
const HOUR = 3_600_000;

afterAll(async () => {
  if (available) await deleteKeys(`${prefix}*`);
});

describe('checkFrequencyCap', () => {
  it('rejects a cap that could not hold', () => {
    expect(() => checkFrequencyCap({ max: 0, perMs: HOUR })).toThrow(/frequencyCap\.max/);
    expect(() => checkFrequencyCap({ max: 1.5, perMs: HOUR })).toThrow(ConfigError);
    expect(() => checkFrequencyCap({ max: 2, perMs: -1 })).toThrow(/frequencyCap\.perMs/);
    expect(checkFrequencyCap({ max: 2, perMs: HOUR })).toEqual({ max: 2, perMs: HOUR });
  });
});

function ledgerContract(name: string, make: () => FrequencyCapLedger) {
  describe(`${name} ledger`, () => {
    const cap = { max: 2, perMs: HOUR };

    it('grants max slots per period, then refuses until the oldest slot leaves the period', async () => {
      const ledger = make();
      const t0 = 1_800_000_000_000;
      expect(await ledger.tryReserve('a', t0, cap)).toBe(true);
      expect(await ledger.tryReserve('a', t0 + 1000, cap)).toBe(true);
      expect(await ledger.tryReserve('a', t0 + 2000, cap)).toBe(false);
      expect(await ledger.tryReserve('b', t0 + 2000, cap)).toBe(true);
      expect(await ledger.tryReserve('a', t0 + HOUR - 1, cap)).toBe(false);
      expect(await ledger.tryReserve('a', t0 + HOUR, cap)).toBe(true);
      expect(await ledger.tryReserve('a', t0 + HOUR + 999, cap)).toBe(false);
    });

    it('gives a released slot back', async () => {
      const ledger = make();
      const t0 = 1_800_000_000_000;
      expect(await ledger.tryReserve('c', t0, cap)).toBe(true);
      expect(await ledger.tryReserve('c', t0 + 5, cap)).toBe(true);
      await ledger.release('c', t0 + 5);
      await ledger.release('c', t0 + 123);
      expect(await ledger.tryReserve('c', t0 + 10, cap)).toBe(true);
      expect(await ledger.tryReserve('c', t0 + 11, cap)).toBe(false);
    });
  });
}

ledgerContract('memory', () => new MemoryFrequencyCapLedger());

describe('MemoryFrequencyCapLedger', () => {
  it('forgets recipients whose slots expired', async () => {
    const ledger = new MemoryFrequencyCapLedger();
    const cap = { max: 1, perMs: 1000 };
    for (let i = 0; i < 2000; i++) await ledger.tryReserve(`r${i}`, 0, cap);
    expect(ledger.size).toBe(2000);
    for (let i = 0; i < 3000; i++) await ledger.tryReserve('late', 10_000 + i, cap);
    expect(ledger.size).toBe(1);
  });
});

describe.skipIf(!available)('RedisFrequencyCapLedger (real Redis)', () => {
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(TEST_REDIS);
    connections.push(redis);
    return redis;
  };
  afterAll(() => {
    for (const redis of connections) redis.disconnect();
  });

  ledgerContract(
    'redis',
    () => new RedisFrequencyCapLedger({ redis: connect(), keyPrefix: `${prefix}${randomUUID()}:` }),
  );

  it('never exceeds max when two connections race 10,000 reserves over 1,000 recipients', async () => {
    const keyPrefix = `${prefix}race:`;
    const left = new RedisFrequencyCapLedger({ redis: connect(), keyPrefix });
    const right = new RedisFrequencyCapLedger({ redis: connect(), keyPrefix });
    const cap = { max: 3, perMs: HOUR };
    const t0 = Date.now();
    const granted = new Map<string, number>();
    const attempts: Promise<void>[] = [];
    for (let i = 0; i < 10_000; i++) {
      const recipient = `r${i % 1000}`;
      const ledger = i % 2 === 0 ? left : right;
      attempts.push(
        ledger.tryReserve(recipient, t0 + (i % 7), cap).then((ok) => {
          if (ok) granted.set(recipient, (granted.get(recipient) ?? 0) + 1);
        }),
      );
    }
    await Promise.all(attempts);
    expect(granted.size).toBe(1000);
    for (const count of granted.values()) expect(count).toBe(3);
    const probe = connect();
    expect(await probe.zcard(`${keyPrefix}r0`)).toBe(3);
    const ttl = await probe.pttl(`${keyPrefix}r0`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(HOUR + 10);
  });

  it('a holder that already has a slot keeps it (a re-run after a crash), others are still refused', async () => {
    const keyPrefix = `${prefix}holder:`;
    const ledger = new RedisFrequencyCapLedger({ redis: connect(), keyPrefix });
    const cap = { max: 1, perMs: HOUR };
    const t0 = Date.now();
    expect(await ledger.tryReserve('r', t0, cap, 'q:job-1')).toBe(true);
    expect(await ledger.tryReserve('r', t0 + 500, cap, 'q:job-1')).toBe(true);
    expect(await ledger.tryReserve('r', t0 + 600, cap, 'q:job-2')).toBe(false);
    expect(await ledger.tryReserve('r', t0 + 700, cap)).toBe(false);
    const probe = connect();
    expect(await probe.zcard(`${keyPrefix}r`)).toBe(1);
    // The slot moved to the re-run's time, so releasing it by that time frees it.
    await ledger.release('r', t0 + 500);
    expect(await probe.zcard(`${keyPrefix}r`)).toBe(0);
  });
});
