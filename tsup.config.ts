import { defineConfig, type Options } from 'tsup';

/** Public entry points: the root and every subpath export in package.json. */
const entry = {
  index: 'src/index.ts',
  express: 'src/webhooks/frameworks/express.ts',
  next: 'src/webhooks/frameworks/next.ts',
  bullmq: 'src/queue/adapters/bullmq/index.ts',
  sqlite: 'src/events/stores/sqlite.ts',
  postgres: 'src/events/stores/postgres.ts',
  simulator: 'src/simulator/index.ts',
  adapters: 'src/adapters.ts',
};

/** Optional peers stay external everywhere: the root entry must not load any of them. */
const external = ['express', 'next', 'bullmq', 'ioredis', 'pg', 'better-sqlite3'];

const shared: Options = {
  entry,
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  dts: true,
  splitting: true,
  treeshake: true,
  external,
};

export default defineConfig([
  { ...shared, format: ['esm'], clean: true },
  // p-queue (and its p-timeout) are ESM-only: bundle them into the CJS build so `require('wacloud')` works.
  { ...shared, format: ['cjs'], noExternal: ['p-queue', 'p-timeout'] },
  {
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    dts: false,
    splitting: true,
    external,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
