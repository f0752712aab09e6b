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
});
