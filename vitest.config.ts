import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Hang guards, not speed limits (speed lives in bench/): CI has two cores, and the CPU-bound property
    // tests and spawned processes take several times longer when the machine is busy.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
