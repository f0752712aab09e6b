import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../.ci/run', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Service = 'redis' | 'cluster' | 'postgres' | 'chromium';

/**
 * Runs a copy of `.ci/run` in a scratch directory with every external command stubbed (services up
 * or down as asked, `scripts/redis-cluster.sh` included; `npm` only records its arguments and the CI variable it saw). Nothing is
 * installed, started or built for real.
 */
function runCi(down: Service[] = []): { status: number | null; stderr: string; npm: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'wacloud-ci-'));
  dirs.push(root);
  mkdirSync(join(root, '.ci'));
  copyFileSync(script, join(root, '.ci/run'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  for (const tool of ['dirname', 'seq', 'grep', 'ls', 'cat']) {
    const found = spawnSync('which', [tool], { encoding: 'utf8' }).stdout.trim();
    if (found) symlinkSync(found, join(bin, tool));
  }
  const log = join(root, 'npm.log');
  const stub = (name: string, body: string, dir = bin) => {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  mkdirSync(join(root, 'scripts'));
  stub('redis-cluster.sh', down.includes('cluster') ? 'exit 1' : 'exit 0', join(root, 'scripts'));
  stub('redis-cli', down.includes('redis') ? 'exit 1' : 'echo PONG');
  stub('redis-server', 'exit 0');
  stub('pg_isready', down.includes('postgres') ? 'exit 2' : 'exit 0');
  stub('pg_ctlcluster', 'exit 1');
  stub('psql', 'echo 1');
  stub('createdb', 'exit 0');
  stub('apt-get', 'exit 0');
  stub('sleep', 'exit 0');
  if (!down.includes('chromium')) stub('chromium', 'exit 0');
  stub('npm', `echo "CI=$CI $*" >> '${log}'`);
  const result = spawnSync('/bin/bash', [join(root, '.ci/run')], {
    env: { PATH: bin, HOME: root },
    encoding: 'utf8',
  });
  const npm = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { status: result.status, stderr: result.stderr, npm };
}

describe('.ci/run', () => {
  it('exports CI=true to every step when the services are up', () => {
    const run = runCi();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.npm).toContain('CI=true ci --no-audit --no-fund');
    expect(run.npm.at(-1)).toBe('CI=true test');
    // The import rules (layers, cycles, file names) run right after lint.
    expect(run.npm.indexOf('CI=true run check:imports')).toBe(run.npm.indexOf('CI=true run lint') + 1);
    for (const call of run.npm) expect(call).toMatch(/^CI=true /);
  });

  it('checks the API report right after the build', () => {
    const run = runCi();
    expect(run.npm.indexOf('CI=true run api:check')).toBe(run.npm.indexOf('CI=true run build') + 1);
    expect(run.npm).toContain('CI=true run build');
  });

  it.each([
    ['redis' as const, /Redis did not come up/],
    ['cluster' as const, /Redis Cluster did not come up/],
    ['postgres' as const, /PostgreSQL did not come up/],
    ['chromium' as const, /chromium is not installed/],
  ])('fails before installing or testing anything when %s is missing', (service, message) => {
    const run = runCi([service]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(message);
    expect(run.npm).toEqual([]);
  });
});
