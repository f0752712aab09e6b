import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Imports an entry of the built package (`dist/<entry>`), as a user would get it. Throws when the
 * build is missing or older than `src/`, so a test never passes against stale code: run
 * `npm run build` first.
 */
export async function importBuiltPackage<T = Record<string, unknown>>(entry = 'index.js'): Promise<T> {
  const file = join(root, 'dist', entry);
  if (!existsSync(file)) {
    throw new Error(`dist/${entry} is missing: run \`npm run build\` before the built-package tests`);
  }
  if (statSync(file).mtimeMs < newestMtimeMs(join(root, 'src'))) {
    throw new Error(`dist/${entry} is older than src/: run \`npm run build\` before the built-package tests`);
  }
  return (await import(pathToFileURL(file).href)) as T;
}
