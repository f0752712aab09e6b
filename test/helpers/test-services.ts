import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { portReachable } from './port-reachable.js';

/**
 * The one place that decides what a test does when a local service it needs (PostgreSQL, Redis,
 * headless Chromium) is missing: outside CI the test is skipped with a visible message; with
 * `CI=true` (which `.ci/run` exports) it fails. Service locations come from `WACLOUD_TEST_*`
 * variables only, never from production-looking names such as `DATABASE_URL`.
 */

/** True when running under CI (`CI=true` or `CI=1`): a missing service is then a failure. */
export const inCi = process.env.CI === 'true' || process.env.CI === '1';

/** PostgreSQL for tests: `WACLOUD_TEST_DATABASE_URL`, default the local `test` database. */
export const TEST_DATABASE_URL =
  process.env.WACLOUD_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Redis for tests: `WACLOUD_TEST_REDIS_URL`, default 127.0.0.1:6379. */
export const TEST_REDIS_URL = process.env.WACLOUD_TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** {@link TEST_REDIS_URL} as ioredis/BullMQ connection options. */
export const TEST_REDIS = (() => {
  const url = new URL(TEST_REDIS_URL);
  return { host: url.hostname, port: Number(url.port || 6379) };
})();

/**
 * Redis Cluster nodes for tests: `WACLOUD_TEST_REDIS_CLUSTER` (comma-separated `host:port`), default the
 * three masters `scripts/redis-cluster.sh start` runs on 127.0.0.1:7101-7103.
 */
export const TEST_REDIS_CLUSTER_NODES: Array<{ host: string; port: number }> = (
  process.env.WACLOUD_TEST_REDIS_CLUSTER || '127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103'
)
  .split(',')
  .map((node) => {
    const [host = '127.0.0.1', port = '7101'] = node.trim().split(':');
    return { host, port: Number(port) };
  });

/**
 * Whether tests needing `service` may run. `available` false: with CI it throws (the suite fails,
 * naming the service and `why`); without CI it warns visibly and returns false (the caller skips).
 */
export function serviceRequired(service: string, available: boolean, why: string): boolean {
  if (available) return true;
  if (inCi) throw new Error(`${service} is required in CI (CI=true) but ${why}`);
  console.warn(
    `\n⚠ SKIPPED: ${service} ${why}; the tests that need it are skipped (with CI=true they fail).\n`,
  );
  return false;
}

/** Whether PostgreSQL at {@link TEST_DATABASE_URL} accepts connections (see {@link serviceRequired}). */
export async function postgresRequired(): Promise<boolean> {
  const url = new URL(TEST_DATABASE_URL);
  const up = await portReachable(url.hostname, Number(url.port || 5432));
  return serviceRequired('PostgreSQL', up, `is not reachable at ${url.host} (WACLOUD_TEST_DATABASE_URL)`);
}

/** Whether Redis at {@link TEST_REDIS_URL} accepts connections (see {@link serviceRequired}). */
export async function redisRequired(): Promise<boolean> {
  const up = await portReachable(TEST_REDIS.host, TEST_REDIS.port);
  return serviceRequired(
    'Redis',
    up,
    `is not reachable at ${TEST_REDIS.host}:${TEST_REDIS.port} (WACLOUD_TEST_REDIS_URL)`,
  );
}

/** Path of a headless Chromium on PATH (`WACLOUD_TEST_CHROMIUM` wins), or undefined (see {@link serviceRequired}). */
export function chromiumRequired(): string | undefined {
  const candidates = [process.env.WACLOUD_TEST_CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome'];
  for (const name of candidates) {
    if (!name) continue;
    const found = spawnSync('which', [name], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  serviceRequired('Chromium', false, 'is not on PATH (apt-get install -y chromium)');
  return undefined;
}

/**
 * Whether the Redis Cluster at {@link TEST_REDIS_CLUSTER_NODES} answers `CLUSTER INFO` with
 * `cluster_state:ok` (see {@link serviceRequired}; start it with `scripts/redis-cluster.sh start`).
 */
export async function redisClusterRequired(): Promise<boolean> {
  const [first] = TEST_REDIS_CLUSTER_NODES;
  let ok = false;
  if (first && (await portReachable(first.host, first.port))) {
    const probe = new Redis({
      ...first,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      ok = /cluster_state:ok/.test(String(await probe.call('CLUSTER', 'INFO')));
    } catch {
      ok = false;
    } finally {
      probe.disconnect();
    }
  }
  return serviceRequired(
    'Redis Cluster',
    ok,
    `does not answer cluster_state:ok at ${first?.host}:${first?.port} (scripts/redis-cluster.sh start; WACLOUD_TEST_REDIS_CLUSTER)`,
  );
}
