import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/client/index.js';
import { BullMQAdapter } from '../../src/queue/adapters/bullmq/index.js';
import { EventRecordError, MemoryQueueAdapter, SendQueue } from '../../src/queue/index.js';
import { scriptedClient } from './helpers/scripted-client.js';

function recordingLogger(): Logger & { errors: Array<{ message: string; data: unknown }> } {
  const errors: Array<{ message: string; data: unknown }> = [];
  const none = () => undefined;
  return {
    errors,
    debug: none,
    info: none,
    warn: none,
    error: (message, data) => errors.push({ message, data }),
  };
}

const refusingStore = { append: async () => Promise.reject(new Error('disk full')) };
const text = (to: string) => ({ to, type: 'text', text: { body: 'x' } });

/** A TCP port on loopback with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('background errors of the send queue', () => {
  it("logs an EventRecordError through the client's logger when nobody handles it, and hands it to onError otherwise", async () => {
    // Default policy: no onError, no `error` listener, a client with a logger.
    const logged = scriptedClient();
    const logger = recordingLogger();
    const withLogger = Object.assign(logged.client, { logger });
    const quiet = new SendQueue({ client: withLogger, store: refusingStore, perRecipientIntervalMs: 0 });

    // onError given, and it throws: the throw is logged, nothing crashes.
    const handled = scriptedClient();
    const seen: unknown[] = [];
    const fallback = recordingLogger();
    const loud = new SendQueue({
      client: handled.client,
      store: refusingStore,
      perRecipientIntervalMs: 0,
      logger: fallback,
      onError: (error) => {
        seen.push(error);
        throw new Error('handler bug');
      },
    });

    expect((await quiet.enqueue(text('+1555'))).status).toBe('sent');
    expect((await loud.enqueue(text('+1556'))).status).toBe('sent');
    // The store append is retried with doubling delays (about 3 s) before giving up.
    await Promise.all([quiet.close(), loud.close()]);

    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]!.message).toMatch(/background error/);
    expect(logger.errors[0]!.data).toMatchObject({
      error: { name: 'EventRecordError', attempts: 5, events: 1 },
    });

    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(EventRecordError);
    expect((seen[0] as EventRecordError).events).toMatchObject([{ kind: 'outbound', recipientId: '1556' }]);
    expect(fallback.errors.map((e) => e.message)).toEqual([
      'wacloud: onError threw',
      'wacloud: background error',
    ]);
  });

  it('reports a suppression check that throws instead of swallowing it', async () => {
    const { client } = scriptedClient();
    const seen: unknown[] = [];
    const queue = new SendQueue({
      client,
      perRecipientIntervalMs: 0,
      suppression: {
        isSuppressed: async () => Promise.reject(new Error('list offline')),
        suppress: () => undefined,
      },
      onError: (error) => seen.push(error),
    });
    await queue.enqueue(text('+1555'));
    await queue.close();
    expect(seen).toHaveLength(1);
    expect(String((seen[0] as Error).message)).toBe('list offline');
  });

  it("lets a MemoryQueueAdapter's own onError take its errors", async () => {
    const { client } = scriptedClient();
    const adapterErrors: unknown[] = [];
    const queueErrors: unknown[] = [];
    const queue = new SendQueue({
      client,
      perRecipientIntervalMs: 0,
      adapter: new MemoryQueueAdapter({ onError: (error) => adapterErrors.push(error) }),
      suppression: {
        isSuppressed: async () => Promise.reject(new Error('list offline')),
        suppress: () => undefined,
      },
      onError: (error) => queueErrors.push(error),
    });
    await queue.enqueue(text('+1555'));
    await queue.close();
    expect(adapterErrors).toHaveLength(1);
    expect(queueErrors).toHaveLength(0);
  });

  it('rejects a non-function onError', () => {
    const { client } = scriptedClient();
    expect(() => new SendQueue({ client, onError: 'log' as never })).toThrow(/onError/);
  });
});

describe('background errors of the BullMQ adapter', () => {
  it('hands connection errors of its worker, queue and Redis client to onError (no longer swallowed)', async () => {
    const port = await closedPort();
    const { client } = scriptedClient();
    const seen: unknown[] = [];
    const adapter = new BullMQAdapter({
      connection: { host: '127.0.0.1', port, retryStrategy: () => 50, lazyConnect: false },
      queueName: `bg-errors-${port}`,
      closeTimeoutMs: 50,
      onError: (error) => seen.push(error),
    });
    const queue = new SendQueue({ client, adapter });
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (seen.length >= 3) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    expect(seen.every((e) => /ECONNREFUSED/.test(String((e as Error).message ?? (e as Error).name)))).toBe(
      true,
    );
    expect(queue.phoneNumberId).toBe('PN1');
    // close() gives up on the unreachable Redis after closeTimeoutMs and stops every reconnect.
    await queue.close();
  });
});
