import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (where package.json and dist/ are). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The built command, as `npm install` links it (`bin.wacloud`). */
export const DIST_CLI = join(REPO_ROOT, 'dist/cli.js');

/** Files of dist/ the package promises (bin and every export's import, require and types). */
const OUTPUTS = [
  'cli.js',
  'index.js',
  'index.cjs',
  'index.d.ts',
  'index.d.cts',
  'simulator.js',
  'simulator.cjs',
];
/** What the build reads besides src/. */
const INPUTS = ['package.json', 'tsup.config.ts', 'tsconfig.json'];
/** Long enough for a build on a busy machine; a lock older than this is abandoned. */
export const BUILD_TIMEOUT_MS = 600_000;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether dist/ is missing any promised file or is older than a source file. */
export function distIsStale(): boolean {
  const outputs = OUTPUTS.map((f) => join(REPO_ROOT, 'dist', f));
  if (!outputs.every((f) => existsSync(f))) return true;
  const built = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  const sources = Math.max(
    newestMtime(join(REPO_ROOT, 'src')),
    ...INPUTS.map((f) => statSync(join(REPO_ROOT, f)).mtimeMs),
  );
  return sources > built;
}

/**
 * Builds the package (`npm run build`) when dist/ is missing or older than src/, once for all test
 * workers: the first takes a lock directory and builds, the others wait for it and re-check. CI runs
 * `npm run build` before `npm test`, so there this finds dist/ fresh and does nothing.
 */
export async function ensureBuilt(): Promise<void> {
  // Outside node_modules (shared between checkouts) and outside the repository: one lock per checkout.
  const lock = join(
    tmpdir(),
    `wacloud-build-${createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 12)}.lock`,
  );
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  while (distIsStale()) {
    try {
      mkdirSync(lock, { recursive: false });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() - statSync(lock).mtimeMs > BUILD_TIMEOUT_MS)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another worker to build dist/');
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    try {
      if (!distIsStale()) return;
      const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
      if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/**
 * Imports an entry of the built package (`dist/<entry>`), as a user would get it. The global setup
 * builds dist/ when it is stale; this still throws when the build is missing or older than `src/`, so
 * a test never passes against stale code.
 */
export async function importBuiltPackage<T = Record<string, unknown>>(entry = 'index.js'): Promise<T> {
  const file = join(REPO_ROOT, 'dist', entry);
  if (!existsSync(file)) {
    throw new Error(`dist/${entry} is missing: run \`npm run build\` before the built-package tests`);
  }
  if (distIsStale()) {
    throw new Error(`dist/ is older than src/: run \`npm run build\` before the built-package tests`);
  }
  return (await import(pathToFileURL(file).href)) as T;
}
