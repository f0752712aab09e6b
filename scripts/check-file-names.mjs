#!/usr/bin/env node
// One file name per idea: no two files under src/ share a basename (a module's index.ts excepted).
// Part of `npm run check:imports`; exits 1 and lists the clashes when there are any.
import { readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

const root = join(import.meta.dirname, '..', 'src');
const EXEMPT = new Set(['index.ts']);

/** Every file under `dir`, recursively. */
function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

const byName = new Map();
for (const path of files(root)) {
  const name = basename(path);
  if (EXEMPT.has(name)) continue;
  byName.set(name, [...(byName.get(name) ?? []), relative(join(root, '..'), path)]);
}
const clashes = [...byName].filter(([, paths]) => paths.length > 1);
for (const [name, paths] of clashes) {
  console.error(`check-file-names: ${name} is used ${paths.length} times: ${paths.join(', ')}`);
}
if (clashes.length > 0) {
  console.error('check-file-names: give each file a name that says its own idea (see docs/architecture.md).');
  process.exit(1);
}
console.log(`check-file-names: ${byName.size} file names under src/, each used once (index.ts aside).`);
