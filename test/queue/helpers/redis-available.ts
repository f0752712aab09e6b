import { Redis } from 'ioredis';
import { serviceRequired, TEST_REDIS, TEST_REDIS_URL } from '../../helpers/test-services.js';

/**
 * Whether Redis answers at `WACLOUD_TEST_REDIS_URL` (default 127.0.0.1:6379). Outside CI a missing
 * server skips the suite with a visible message; with CI=true it fails (test/helpers/test-services.ts).
 */
export async function redisAvailable(): Promise<boolean> {
  const redis = new Redis({
    ...TEST_REDIS,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return serviceRequired('Redis', false, `is not running at ${TEST_REDIS_URL} (WACLOUD_TEST_REDIS_URL)`);
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key matching `pattern`. */
export async function deleteKeys(pattern: string): Promise<void> {
  const redis = new Redis(TEST_REDIS);
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
