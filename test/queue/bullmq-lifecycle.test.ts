import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, NetworkError } from '../../src/errors/index.js';
import type { SendJob } from '../../src/queue/adapter.js';
import { BullMQAdapter } from '../../src/queue/adapters/bullmq/index.js';
import { SendQueue } from '../../src/queue/index.js';
import { scriptedClient } from './helpers/scripted-client.js';

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return address.port;
}

const text = (to: string) => ({ to, type: 'text', text: { body: 'x' } });

describe('BullMQAdapter lifecycle (no Redis needed)', () => {
  it('throws a ConfigError naming the fix when used before a SendQueue attached it', async () => {
    const adapter = new BullMQAdapter({ connection: { host: '127.0.0.1', port: 1 } });
    expect(() => adapter.queueName).toThrow(ConfigError);
    expect(() => adapter.queueName).toThrow(/not attached.*new SendQueue\(\{ adapter \}\)/);
    const job: SendJob = {
      id: 'j1',
      recipientId: '1555',
      message: text('+1555'),
      options: {},
      attempts: 0,
      pairRateHits: 0,
    };
    await expect(adapter.add(job)).rejects.toBeInstanceOf(ConfigError);
    // Closing an adapter that was never attached has nothing to wait for.
    await expect(adapter.close()).resolves.toBeUndefined();
  });

  it('keeps an explicit queue name readable before attach', () => {
    const adapter = new BullMQAdapter({ connection: { host: '127.0.0.1', port: 1 }, queueName: 'named' });
    expect(adapter.queueName).toBe('named');
  });

  it('rejects a closeTimeoutMs that is not a finite number >= 0', () => {
    const connection = { host: '127.0.0.1', port: 1 };
    expect(() => new BullMQAdapter({ connection, closeTimeoutMs: -1 })).toThrow(ConfigError);
    expect(() => new BullMQAdapter({ connection, closeTimeoutMs: Number.NaN })).toThrow(ConfigError);
  });

  it('close() does not hang when Redis is unreachable: enqueues end skipped/closed, a NetworkError is reported', async () => {
    const port = await closedPort();
    const errors: unknown[] = [];
    const adapter = new BullMQAdapter({
      connection: { host: '127.0.0.1', port },
      closeTimeoutMs: 50,
      onError: (error) => errors.push(error),
    });
    const { client, calls } = scriptedClient();
    const queue = new SendQueue({ client, adapter, messagesPerSecond: 80, perRecipientIntervalMs: 0 });
    const waiting = queue.enqueue(text('+15550001'));

    await queue.close();

    await expect(waiting).resolves.toMatchObject({ status: 'skipped', reason: 'closed', attempts: 0 });
    expect(calls).toEqual([]);
    const closeErrors = errors.filter(
      (error) => error instanceof NetworkError && /did not answer/.test(error.message),
    );
    expect(closeErrors).toHaveLength(1);
    expect((closeErrors[0] as NetworkError).requestMayHaveReachedServer).toBe(false);
    // After close, a later enqueue is skipped at once rather than waiting for Redis.
    await expect(queue.enqueue(text('+15550002'))).resolves.toMatchObject({
      status: 'skipped',
      reason: 'closed',
    });
    // A second close is a no-op.
    await expect(adapter.close()).resolves.toBeUndefined();
  });

  it('after close() on an unreachable Redis, nothing keeps reconnecting: the process exits by itself', async () => {
    const script = fileURLToPath(new URL('./helpers/close-unreachable-redis.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      outcome: { status: 'skipped', reason: 'closed' },
      closeErrors: 1,
    });
  }, 60_000);
});
