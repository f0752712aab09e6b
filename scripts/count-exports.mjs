#!/usr/bin/env node
// Counts what each public entry exports, from the build in dist/: every name its .d.ts declares
// (types and values, read with the TypeScript compiler) and the runtime values its ESM module has.
// Usage: node scripts/count-exports.mjs [--names]   (run `npm run build` first)
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
const listNames = process.argv.includes('--names');

const entries = Object.entries(pkg.exports)
  .filter(([, target]) => typeof target === 'object')
  .map(([subpath, target]) => ({
    name: subpath === '.' ? 'wacloud' : `wacloud${subpath.slice(1)}`,
    types: resolve(root, target.import.types),
    module: resolve(root, target.import.default),
  }));

const program = ts.createProgram(
  entries.map((entry) => entry.types),
  {
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  },
);
const checker = program.getTypeChecker();

for (const entry of entries) {
  const source = program.getSourceFile(entry.types);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  const names = moduleSymbol ? checker.getExportsOfModule(moduleSymbol).map((symbol) => symbol.name) : [];
  const values = Object.keys(await import(pathToFileURL(entry.module).href));
  const line = { entry: entry.name, names: names.length, values: values.length };
  if (listNames)
    Object.assign(line, {
      typeOnly: names.filter((n) => !values.includes(n)).sort(),
      valueNames: values.sort(),
    });
  console.log(JSON.stringify(line));
}
