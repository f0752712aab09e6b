/**
 * Runs every benchmark in bench/ (each `*.bench.ts` file, in its own process, one after another).
 * Each prints one JSON line per figure to stdout: `{ "bench": "...", "figure": "...", "value": n, "unit": "...", ... }`.
 * Usage: `npm run bench` or `npm run bench -- queue` to run the files whose name contains "queue".
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter || f.includes(filter))
  .sort();

let failed = 0;
for (const file of files) {
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, file)], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    failed++;
    console.error(`bench ${file} exited with ${result.status}`);
  }
}
process.exit(failed ? 1 : 0);
