import { Redis } from 'ioredis';

/**
 * Whether Redis answers on 127.0.0.1:6379. Outside CI a missing server skips the suite with a
 * visible message; with CI=true the tests run (and fail) anyway.
 */
export async function redisAvailable(): Promise<boolean> {
  const redis = new Redis({
    host: '127.0.0.1',
    port: 6379,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    if (process.env.CI === 'true') return true;
    console.warn('[test/queue] Redis is not running on 127.0.0.1:6379: BullMQ tests skipped');
    return false;
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key matching `pattern`. */
export async function deleteKeys(pattern: string): Promise<void> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
