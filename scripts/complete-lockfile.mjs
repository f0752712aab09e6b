#!/usr/bin/env node
/**
 * Completes package-lock.json with the platform-specific optional packages (biome, esbuild, rollup,
 * msgpackr-extract builds for other operating systems) that this machine's npm registry mirror does not
 * carry. `npm install` silently leaves them out, after which `npm ci` refuses the lockfile as out of sync.
 * Each added entry names its os/cpu (read from the package name), so `npm ci` skips it on a platform
 * it does not fit without ever fetching it. Run after `npm install`: `node scripts/complete-lockfile.mjs`.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const OS = [
  'android',
  'darwin',
  'freebsd',
  'linux',
  'netbsd',
  'openbsd',
  'sunos',
  'win32',
  'aix',
  'openharmony',
];
const CPU = ['arm64', 'x64', 'arm', 'ia32', 'loong64', 'mips64el', 'ppc64', 'riscv64', 's390x', 'wasm32'];

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;

for (const [key, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const version = String(range).replace(/^[\^~=]/, '');
    const nested = `${key === '' ? '' : `${key}/`}node_modules/${name}`;
    const top = `node_modules/${name}`;
    if (packages[nested]) continue;
    // Node resolves upward: a top-level copy of the same version serves; another version must nest.
    if (packages[top] && (key === '' || packages[top].version === version)) continue;
    const target = packages[top] ? nested : top;
    const segments = name.split(/[/-]/);
    const os = OS.find((o) => segments.includes(o) || (o === 'win32' && segments.includes('windows')));
    const cpu = CPU.find((c) => segments.includes(c)) ?? (segments.includes('arm') ? 'arm' : undefined);
    if (!os) continue;
    const musl = segments.includes('musl');
    packages[target] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(musl ? { libc: ['musl'] } : {}),
    };
    added++;
  }
}

lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => a.localeCompare(b, 'en')));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
