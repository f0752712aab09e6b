import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../src/client/index.js';
import type { RetryInfo } from '../../src/queue/adapter.js';
import { BullMQAdapter } from '../../src/queue/adapters/bullmq/index.js';
import { SendQueue } from '../../src/queue/index.js';
import {
  type HostileGraphServer,
  startHostileGraphServer,
  throttled,
} from '../helpers/hostile-graph-server.js';
import { deleteKeys, redisAvailable } from './helpers/redis-available.js';

const available = await redisAvailable();
const run = randomUUID().slice(0, 8);
const servers: HostileGraphServer[] = [];

afterAll(async () => {
  for (const server of servers) await server.close();
  if (available) {
    await deleteKeys(`bull:wra-${run}*`);
    await deleteKeys(`wra-${run}*`);
  }
});

describe.skipIf(!available)('BullMQAdapter against an absurd Retry-After (real Redis)', () => {
  it('pauses the number for at most maxRetryAfterMs, not for decades', async () => {
    const server = await startHostileGraphServer((_request, res) => throttled(res, '1000000000'));
    servers.push(server);
    const phoneNumberId = `PN${run}`;
    const keyPrefix = `wra-${run}-k`;
    const client = new WhatsAppClient({
      accessToken: 'EAAGbullTOKEN123',
      phoneNumberId,
      baseUrl: server.url,
      env: {},
    });
    const connection = { host: '127.0.0.1', port: 6379 };
    const queue = new SendQueue({
      client,
      perRecipientIntervalMs: 0,
      adapter: new BullMQAdapter({ connection, queueName: `wra-${run}`, keyPrefix }),
    });
    const retry = new Promise<RetryInfo>((resolve) => queue.once('retry', resolve));
    void queue.enqueue({ to: '+16505550100', type: 'text', text: { body: 'hi' } });
    const info = await retry;
    expect(info.scope).toBe('number');
    expect(info.delayMs).toBe(3_600_000);
    const redis = new Redis(connection);
    try {
      // The pause every worker sees: an end time at most one hour away (not 31 years).
      let pttl = -2;
      for (let i = 0; i < 100 && pttl < 0; i++) {
        pttl = await redis.pttl(`${keyPrefix}:${phoneNumberId}:pause`);
        if (pttl < 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(3_600_000);
    } finally {
      redis.disconnect();
    }
    await queue.close();
    await client.close();
  });
});
