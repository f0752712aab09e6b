import { afterEach, describe, expect, it, vi } from 'vitest';

/** A fresh copy of the helper, reading the environment as stubbed now. */
async function load() {
  vi.resetModules();
  return import('./test-services.js');
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('test-services: one policy for missing services', () => {
  it('outside CI a missing service is skipped with a visible message', async () => {
    vi.stubEnv('CI', '');
    vi.stubEnv('WACLOUD_TEST_DATABASE_URL', 'postgres://postgres@127.0.0.1:1/test');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const services = await load();
    expect(services.inCi).toBe(false);
    await expect(services.postgresRequired()).resolves.toBe(false);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/SKIPPED: PostgreSQL is not reachable at 127\.0\.0\.1:1/),
    );
  });

  it('with CI=true a missing service fails', async () => {
    vi.stubEnv('CI', 'true');
    vi.stubEnv('WACLOUD_TEST_REDIS_URL', 'redis://127.0.0.1:1');
    const services = await load();
    expect(services.inCi).toBe(true);
    await expect(services.redisRequired()).rejects.toThrow(/Redis is required in CI/);
    expect(() => services.serviceRequired('Chromium', false, 'is not on PATH')).toThrow(/Chromium/);
  });

  it('service locations come from WACLOUD_TEST_* only, never DATABASE_URL or REDIS_URL', async () => {
    vi.stubEnv('WACLOUD_TEST_DATABASE_URL', '');
    vi.stubEnv('DATABASE_URL', 'postgres://prod@db.example.com/live');
    vi.stubEnv('REDIS_URL', 'redis://cache.example.com:6380');
    vi.stubEnv('WACLOUD_TEST_REDIS_URL', 'redis://127.0.0.1:6390');
    const services = await load();
    expect(services.TEST_DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/test');
    expect(services.TEST_REDIS).toEqual({ host: '127.0.0.1', port: 6390 });
  });

  it('a Redis Cluster that does not answer is skipped outside CI and fails with CI=true', async () => {
    vi.stubEnv('WACLOUD_TEST_REDIS_CLUSTER', '127.0.0.1:1,127.0.0.1:2');
    vi.stubEnv('CI', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let services = await load();
    expect(services.TEST_REDIS_CLUSTER_NODES).toEqual([
      { host: '127.0.0.1', port: 1 },
      { host: '127.0.0.1', port: 2 },
    ]);
    await expect(services.redisClusterRequired()).resolves.toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/SKIPPED: Redis Cluster does not answer/));
    vi.stubEnv('CI', 'true');
    services = await load();
    await expect(services.redisClusterRequired()).rejects.toThrow(/Redis Cluster is required in CI/);
  });

  it('a plain (non-cluster) Redis is not taken for a cluster', async () => {
    vi.stubEnv('CI', '');
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const plain = await load();
    if (!(await plain.redisRequired())) return;
    vi.stubEnv('WACLOUD_TEST_REDIS_CLUSTER', `${plain.TEST_REDIS.host}:${plain.TEST_REDIS.port}`);
    const services = await load();
    await expect(services.redisClusterRequired()).resolves.toBe(false);
  });
});
