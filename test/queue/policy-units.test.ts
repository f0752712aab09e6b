import { describe, expect, it } from 'vitest';
import { NetworkError, TimeoutError, ValidationError } from '../../src/errors/index.js';
import { IdempotencyKeys } from '../../src/queue/idempotency-keys.js';
import { recipientIdOf } from '../../src/queue/message-recipient.js';
import { PairLimiter } from '../../src/queue/pair-limiter.js';
import { decideRetry, type RetrySettings } from '../../src/queue/retry-policy.js';
import { graph } from './helpers/scripted-client.js';

const settings: RetrySettings = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  pairBackoffUnitMs: 1000,
  longDelayMs: 60_000,
  random: () => 0.5,
};
const at = (attempt: number, pairRateHits = 0) => ({ attempt, pairRateHits });

describe('decideRetry', () => {
  it('pauses the number on 130429, honouring Retry-After', () => {
    expect(decideRetry(graph(130429, 7000), at(1), settings)).toEqual({
      action: 'retry',
      scope: 'number',
      delayMs: 7000,
    });
    expect(decideRetry(graph(130429), at(3), settings)).toEqual({
      action: 'retry',
      scope: 'number',
      delayMs: 3000,
    });
  });

  it('waits at least longDelayMs on 4 and 80007, about a minute on 131057', () => {
    for (const code of [4, 80007, 131057]) {
      const decision = decideRetry(graph(code), at(1), settings);
      expect(decision).toMatchObject({ action: 'retry', scope: 'number' });
      expect(decision.action === 'retry' && decision.delayMs).toBeGreaterThanOrEqual(60_000);
    }
  });

  it('backs off one recipient 4^X on 131056', () => {
    expect(decideRetry(graph(131056), at(1, 0), settings)).toEqual({
      action: 'retry',
      scope: 'recipient',
      delayMs: 1000,
    });
    expect(decideRetry(graph(131056), at(2, 2), settings)).toEqual({
      action: 'retry',
      scope: 'recipient',
      delayMs: 16_000,
    });
  });

  it('retries transient codes with capped full jitter', () => {
    for (const code of [1, 2, 131000, 131016]) {
      expect(decideRetry(graph(code), at(2), settings)).toEqual({
        action: 'retry',
        scope: 'request',
        delayMs: 1000,
      });
    }
    const capped = decideRetry(graph(131000), at(4), { ...settings, maxDelayMs: 3000, random: () => 0.999 });
    expect(capped.action === 'retry' && capped.delayMs).toBeLessThanOrEqual(3000);
  });

  it('stops at maxAttempts', () => {
    expect(decideRetry(graph(131000), at(5), settings)).toEqual({ action: 'fail', suppressRecipient: false });
    expect(decideRetry(graph(130429), at(5), settings)).toEqual({ action: 'fail', suppressRecipient: false });
  });

  it('answers unknown for a request that may have reached Meta, retries one that did not', () => {
    expect(
      decideRetry(new TimeoutError('t', { requestMayHaveReachedServer: true }), at(1), settings),
    ).toEqual({
      action: 'unknown',
    });
    expect(
      decideRetry(new NetworkError('refused', { requestMayHaveReachedServer: false }), at(1), settings),
    ).toMatchObject({
      action: 'retry',
      scope: 'request',
    });
  });

  it('fails at once otherwise; 131050 also suppresses', () => {
    expect(decideRetry(graph(131050), at(1), settings)).toEqual({ action: 'fail', suppressRecipient: true });
    for (const code of [100, 131026, 131049, 132001, 190, 368]) {
      expect(decideRetry(graph(code), at(1), settings)).toEqual({ action: 'fail', suppressRecipient: false });
    }
    expect(decideRetry(new ValidationError([{ path: 'to', message: 'x' }]), at(1), settings).action).toBe(
      'fail',
    );
  });
});

describe('PairLimiter', () => {
  it('spaces one recipient and forgets expired entries', () => {
    const pair = new PairLimiter(100);
    pair.reserve('a', 0);
    expect(pair.waitMs('a', 40)).toBe(60);
    expect(pair.waitMs('b', 40)).toBe(0);
    for (let i = 0; i < 1000; i++) pair.reserve(`r${i}`, i * 10);
    // Only recipients reserved within the last interval (plus a few not yet swept) remain.
    expect(pair.size).toBeLessThan(30);
    pair.backoff('z', 20_000);
    expect(pair.waitMs('z', 10_000)).toBe(10_000);
    pair.unreserve('z');
    expect(pair.waitMs('z', 10_000)).toBe(0);
  });
});

describe('IdempotencyKeys', () => {
  it('claims once, releases, and forgets the oldest past its size', () => {
    const keys = new IdempotencyKeys(3);
    expect(keys.claim('a')).toBe(true);
    expect(keys.claim('a')).toBe(false);
    keys.release('a');
    expect(keys.claim('a')).toBe(true);
    keys.claim('b');
    keys.claim('c');
    keys.claim('d');
    expect(keys.claim('b')).toBe(false);
    expect(keys.claim('a')).toBe(true);
  });
});

describe('recipientIdOf', () => {
  it('reduces phone numbers to digits and keeps BSUIDs', () => {
    expect(recipientIdOf({ to: '+1 (650) 555-1234' })).toBe('16505551234');
    expect(recipientIdOf({ recipient: 'US.13491208655302741918' })).toBe('US.13491208655302741918');
    expect(() => recipientIdOf({})).toThrow(ValidationError);
  });
});
