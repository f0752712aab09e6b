import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, ensureBuilt, REPO_ROOT } from '../helpers/built-package.js';

/**
 * The package as a user gets it: `npm pack`, the tarball unpacked into a scratch project's
 * node_modules (outside the repository), every subpath imported and required there, and a `tsc`
 * run over code that uses its types. No network: the tarball is unpacked by hand and the
 * dependencies are symlinked from the repository's node_modules (npm install --offline would need
 * every tarball in the npm cache, which a shared checkout does not guarantee).
 */

/** Each subpath and names it must export, at runtime, from `import` and from `require`. */
const SUBPATHS: Record<string, string[]> = {
  wacloud: ['WhatsAppClient', 'SendQueue', 'ValidationError', 'computeCampaignMetrics', 'msg'],
  'wacloud/express': ['createExpressWebhookHandler'],
  'wacloud/next': ['createNextRouteHandlers', 'createNextPagesHandler'],
  'wacloud/bullmq': ['BullMQAdapter'],
  'wacloud/sqlite': ['SqliteEventStore'],
  'wacloud/postgres': ['PostgresEventStore'],
  'wacloud/simulator': ['startSimulator'],
  'wacloud/adapters': ['eventKey', 'assertStoredEvents'],
};

/** Optional peers and type packages the subpaths' code and declarations refer to. */
const LINKED_EXTRAS = [
  'express',
  'bullmq',
  'ioredis',
  'pg',
  'better-sqlite3',
  '@types/node',
  '@types/express',
  '@types/pg',
  '@types/better-sqlite3',
];

const scratch = mkdtempSync(join(tmpdir(), 'wacloud-pack-'));
const app = join(scratch, 'app');
const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');

function sh(command: string, args: string[], cwd: string) {
  const env = { ...process.env, NODE_OPTIONS: '', npm_config_update_notifier: 'false' };
  return spawnSync(command, args, { cwd, env, encoding: 'utf8' });
}

function link(name: string) {
  const from = join(REPO_ROOT, 'node_modules', name);
  if (!existsSync(from)) throw new Error(`${name} is not installed in the repository`);
  const to = join(app, 'node_modules', name);
  mkdirSync(dirname(to), { recursive: true });
  if (!existsSync(to)) symlinkSync(realpathSync(from), to, 'dir');
}

beforeAll(async () => {
  await ensureBuilt();
  const pack = sh(
    'npm',
    ['pack', '--offline', '--ignore-scripts', '--json', '--pack-destination', scratch],
    REPO_ROOT,
  );
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const [{ filename }] = JSON.parse(pack.stdout) as [{ filename: string }];
  const target = join(app, 'node_modules/wacloud');
  mkdirSync(target, { recursive: true });
  const untar = sh('tar', ['-xzf', join(scratch, filename), '-C', target, '--strip-components=1'], app);
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const name of [...Object.keys(manifest.dependencies), ...LINKED_EXTRAS]) link(name);
}, BUILD_TIMEOUT_MS);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the packed package, installed in a scratch project', () => {
  it('ships dist/, README and CHANGELOG, and no sources or tests', () => {
    const root = join(app, 'node_modules/wacloud');
    for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/cli.js', 'README.md', 'CHANGELOG.md']) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
    expect(existsSync(join(root, 'src'))).toBe(false);
    expect(existsSync(join(root, 'test'))).toBe(false);
  });

  it('every subpath loads with import and with require, with the same exports', () => {
    const names = JSON.stringify(Object.keys(SUBPATHS));
    writeFileSync(
      join(app, 'load.mjs'),
      `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const out = {};
for (const name of ${names}) {
  out[name] = {
    esm: Object.keys(await import(name)).sort(),
    cjs: Object.keys(require(name)).sort(),
    file: require.resolve(name),
  };
}
console.log(JSON.stringify(out));
`,
    );
    const run = sh(process.execPath, ['load.mjs'], app);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const loaded = JSON.parse(run.stdout) as Record<string, { esm: string[]; cjs: string[]; file: string }>;
    for (const [name, expected] of Object.entries(SUBPATHS)) {
      const got = loaded[name];
      expect(got?.file.startsWith(realpathSync(join(app, 'node_modules/wacloud'))), name).toBe(true);
      for (const key of expected) {
        expect(got?.esm, `${name} (import)`).toContain(key);
        expect(got?.cjs, `${name} (require)`).toContain(key);
      }
      expect(
        got?.cjs.filter((k) => k !== 'default'),
        name,
      ).toEqual(got?.esm.filter((k) => k !== 'default'));
    }
  });

  it('the packed CLI runs: wacloud --version', () => {
    const run = sh(process.execPath, ['node_modules/wacloud/dist/cli.js', '--version'], app);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each(['node16', 'nodenext'])(
    'tsc (module %s) type-checks ESM and CommonJS code using every subpath',
    (mode) => {
      const usage = `import { WhatsAppClient, SendQueue, msg, type CampaignMetrics, type TextMessage } from 'wacloud';
import { eventKey, type QueueAdapter } from 'wacloud/adapters';
import { createExpressWebhookHandler } from 'wacloud/express';
import { createNextRouteHandlers } from 'wacloud/next';
import { BullMQAdapter } from 'wacloud/bullmq';
import { SqliteEventStore } from 'wacloud/sqlite';
import { PostgresEventStore } from 'wacloud/postgres';
import { startSimulator, type Simulator } from 'wacloud/simulator';

export async function use(): Promise<number> {
  const sim: Simulator = await startSimulator({ port: 0 });
  const client = new WhatsAppClient({ accessToken: 't', phoneNumberId: sim.phoneNumberId, baseUrl: sim.url, env: process.env });
  const queue: SendQueue | undefined = undefined;
  const metrics: Partial<CampaignMetrics> = { sent: 1 };
  const text: TextMessage = msg.text('+16505551234', 'hi');
  const adapter: QueueAdapter | undefined = undefined;
  const store = new SqliteEventStore({ filename: ':memory:' });
  void [createExpressWebhookHandler, createNextRouteHandlers, BullMQAdapter, PostgresEventStore, queue, client];
  void [text, adapter, eventKey];
  await store.close();
  await sim.close();
  return metrics.sent ?? 0;
}
`;
      writeFileSync(join(app, 'use-esm.ts'), usage);
      writeFileSync(join(app, 'use-cjs.cts'), usage);
      writeFileSync(
        join(app, `tsconfig.${mode}.json`),
        JSON.stringify({
          compilerOptions: {
            module: mode,
            moduleResolution: mode,
            target: 'es2022',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: ['node'],
          },
          files: ['use-esm.ts', 'use-cjs.cts'],
        }),
      );
      const run = sh(process.execPath, [tsc, '-p', `tsconfig.${mode}.json`], app);
      expect(`${run.stdout}${run.stderr}`).toBe('');
      expect(run.status).toBe(0);
    },
    180_000,
  );
});
