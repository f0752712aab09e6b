import { afterEach, describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../src/client/index.js';
import { parseRetryAfter } from '../../src/client/retry-after.js';
import type { GraphApiError } from '../../src/errors/index.js';
import type { RetryInfo } from '../../src/queue/adapter.js';
import { SendQueue } from '../../src/queue/index.js';
import { decideRetry } from '../../src/queue/retry-policy.js';
import {
  countTimerOverflows,
  type HostileGraphServer,
  json,
  startHostileGraphServer,
  throttled,
} from '../helpers/hostile-graph-server.js';
import { graph, scriptedClient } from './helpers/scripted-client.js';

let server: HostileGraphServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A queue on a real client against a server that answers every send with 130429 and `retryAfter`. */
async function throttledQueue(retryAfter: string, options: Record<string, unknown> = {}) {
  server = await startHostileGraphServer((_request, res) => throttled(res, retryAfter));
  const client = new WhatsAppClient({
    accessToken: 'EAAGhostileTOKEN123',
    phoneNumberId: '106540352242922',
    baseUrl: server.url,
    env: {},
  });
  const queue = new SendQueue({ client, perRecipientIntervalMs: 0, random: () => 0.5, ...options });
  const retry = new Promise<RetryInfo>((resolve) => queue.once('retry', resolve));
  const outcome = queue.enqueue({ to: '+16505550100', type: 'text', text: { body: 'hi' } });
  return { client, queue, retry: await retry, outcome };
}

describe('parseRetryAfter (RFC 9110 forms only)', () => {
  it('reads delta-seconds and IMF-fixdate', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(' 120 ')).toBe(120_000);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(5000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('2016-01-01T00:00:00Z'))).toBe(0);
  });

  it('ignores every other form', () => {
    for (const value of [
      '-5',
      '0.5',
      '1e3',
      '+3',
      'soon',
      '',
      '2015-10-21T07:28:05Z',
      'Wed Oct 21 2015',
      '5 s',
    ]) {
      expect(parseRetryAfter(value), value).toBeUndefined();
    }
  });

  it('keeps an absurd delta finite', () => {
    expect(Number.isFinite(parseRetryAfter('9'.repeat(400)))).toBe(true);
  });
});

describe('SendQueue against absurd Retry-After values', () => {
  it('caps Retry-After: 1000000000 to maxRetryAfterMs (default one hour) without overflowing a timer', async () => {
    let run: Awaited<ReturnType<typeof throttledQueue>> | undefined;
    const overflows = await countTimerOverflows(async () => {
      run = await throttledQueue('1000000000');
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    const { queue, client, retry, outcome } = run!;
    expect(retry.scope).toBe('number');
    expect(retry.delayMs).toBe(3_600_000);
    expect(overflows).toBe(0);
    expect(server!.requests).toHaveLength(1);
    await queue.close();
    expect((await outcome).status).toBe('skipped');
    await client.close();
  });

  it('honours a configured retry.maxRetryAfterMs and sends again after it', async () => {
    server = await startHostileGraphServer((_request, res, n) =>
      n === 0
        ? throttled(res, '1000000000')
        : json(res, 200, { messages: [{ id: 'wamid.OK' }], contacts: [] }),
    );
    const client = new WhatsAppClient({
      accessToken: 'EAAGhostileTOKEN123',
      phoneNumberId: '106540352242922',
      baseUrl: server.url,
      env: {},
    });
    const queue = new SendQueue({ client, perRecipientIntervalMs: 0, retry: { maxRetryAfterMs: 30 } });
    const delays: number[] = [];
    queue.on('retry', (info) => delays.push(info.delayMs));
    const outcome = await queue.enqueue({ to: '+16505550100', type: 'text', text: { body: 'hi' } });
    await queue.close();
    await client.close();
    expect(delays).toEqual([30]);
    expect(outcome).toMatchObject({ status: 'sent', messageId: 'wamid.OK', attempts: 2 });
  });

  it('ignores Retry-After: -5 and uses the computed backoff instead of burning attempts', async () => {
    const { queue, client, retry, outcome } = await throttledQueue('-5');
    // Equal jitter of the first step (1,000 ms) with random() = 0.5: 500 + 250.
    expect(retry.delayMs).toBe(750);
    expect(server!.requests).toHaveLength(1);
    await queue.close();
    expect((await outcome).attempts).toBe(1);
    await client.close();
  });

  it('ignores a fractional Retry-After (not delta-seconds)', async () => {
    const { queue, client, retry } = await throttledQueue('0.001');
    expect(retry.delayMs).toBe(750);
    await queue.close();
    await client.close();
  });

  it('arms no overflowing timer for a number pause longer than 24.8 days', async () => {
    const { client } = scriptedClient(() => graph(80007));
    const queue = new SendQueue({
      client,
      perRecipientIntervalMs: 0,
      retry: { longDelayMs: 10_000_000_000 },
    });
    const delays: number[] = [];
    queue.on('retry', (info) => delays.push(info.delayMs));
    const overflows = await countTimerOverflows(async () => {
      void queue.enqueue({ to: '+1555', type: 'text', text: { body: 'x' } });
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    expect(delays).toEqual([10_000_000_000]);
    expect(overflows).toBe(0);
    await queue.close();
  });

  it('rejects a foreign client error carrying a negative or non-finite retryAfterMs', () => {
    const settings = {
      maxAttempts: 5,
      baseDelayMs: 1000,
      maxDelayMs: 60_000,
      pairBackoffUnitMs: 1000,
      longDelayMs: 60_000,
      random: () => 0.5,
    };
    for (const retryAfterMs of [-5000, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = graph(130429, retryAfterMs) as GraphApiError;
      expect(decideRetry(error, { attempt: 1, pairRateHits: 0 }, settings)).toEqual({
        action: 'retry',
        scope: 'number',
        delayMs: 750,
      });
    }
    const huge = graph(130429, 1e12) as GraphApiError;
    expect(decideRetry(huge, { attempt: 1, pairRateHits: 0 }, settings)).toMatchObject({
      delayMs: 3_600_000,
    });
  });
});
