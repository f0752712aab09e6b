import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../helpers/built-package.js';
import { type CliProcess, runCliProcess, spawnCli } from '../helpers/spawn-cli.js';

/**
 * The built `wacloud` (dist/cli.js) spawned as a user runs it: credentials in the real process
 * environment, real exit codes, Ctrl-C as SIGINT, a simulator started with `wacloud simulate`.
 */
const TOKEN = 'EAAGdist-token-DO-NOT-PRINT-7';
const dir = mkdtempSync(join(tmpdir(), 'wacloud-dist-'));
let simulator: CliProcess;
let env: Record<string, string>;

beforeAll(async () => {
  await ensureBuilt();
  simulator = spawnCli(['simulate', '--port', '0', '--token', TOKEN]);
  const [, url] = await simulator.waitFor('stdout', /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  const [, phone] = await simulator.waitFor('stdout', /phoneNumberId:\s+(\d+)/);
  const [, waba] = await simulator.waitFor('stdout', /businessAccountId:\s+(\d+)/);
  env = {
    WHATSAPP_ACCESS_TOKEN: TOKEN,
    WHATSAPP_PHONE_NUMBER_ID: phone as string,
    WHATSAPP_BUSINESS_ACCOUNT_ID: waba as string,
    WHATSAPP_BASE_URL: url as string,
  };
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  if (simulator && simulator.child.exitCode === null) simulator.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], extraEnv: Record<string, string> = {}) {
  return runCliProcess(args, { cwd: dir, env: { ...env, ...extraEnv } });
}

function expectNoToken(...outputs: string[]) {
  for (const output of outputs) expect(output).not.toContain(TOKEN);
}

describe('dist/cli.js, spawned', () => {
  it('--version exits 0; an unknown flag exits 2 with a hint', async () => {
    const version = await run(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
    const bad = await run(['send', '--nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Run "wacloud send --help"');
  });

  it('templates list works with credentials in the process environment', async () => {
    const list = await run(['templates', 'list']);
    expect(list.stderr).not.toMatch(/expected record/);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^hello_world\s+en_US\s+APPROVED\s+UTILITY$/m);
    expectNoToken(list.stdout, list.stderr);
  });

  it('templates list works with credentials as flags', async () => {
    const list = await runCliProcess(
      [
        'templates',
        'list',
        '--json',
        '--token',
        TOKEN,
        '--business-account-id',
        env.WHATSAPP_BUSINESS_ACCOUNT_ID as string,
        '--base-url',
        env.WHATSAPP_BASE_URL as string,
      ],
      { cwd: dir, env: { WHATSAPP_ACCESS_TOKEN: '', WHATSAPP_BUSINESS_ACCOUNT_ID: '' } },
    );
    expect(list.code).toBe(0);
    expect(
      list.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { name: string }).name),
    ).toContain('hello_world');
  });

  it('send from a CSV: sends the good rows, reports the bad one, exits 1 with the summary', async () => {
    writeFileSync(
      join(dir, 'r.csv'),
      'phone,name\n+905325550001,Ann\n+905325550002,"Bo"b\n+905325550003,Cy\nnope,Dee\n+905325550005,Eve\n',
    );
    const send = await run([
      'send',
      '--template',
      'hello_world',
      '--to',
      'r.csv',
      '--store',
      'sqlite:./wa.db',
      '--campaign',
      'dist',
    ]);
    expect(send.code).toBe(1);
    expect(send.stderr).toMatch(/^line 3: skipped: malformed CSV/m);
    expect(send.stderr).toMatch(/^line 5: skipped: "nope" is not a phone number/m);
    expect(send.stdout).toContain(
      'Campaign dist: sent 3, failed 0, unknown 0, skipped 0, already sent 0, bad rows 2',
    );
    expectNoToken(send.stdout, send.stderr);
  });

  it('report prints a table, JSON, CSV and HTML (stdout and --out)', async () => {
    const base = ['report', '--campaign', 'dist', '--store', 'sqlite:./wa.db'];
    const table = await run(base);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^total\s+3\s+0\s/m);
    const json = await run([...base, '--format', 'json']);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { metrics: { sent: number } }).metrics.sent).toBe(3);
    const csv = await run([...base, '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^variant,sent,rejected,/);
    expect(csv.stdout.split('\r\n')[1]).toMatch(/^total,3,0,/);
    const html = await run([...base, '--format', 'html']);
    expect(html.code).toBe(0);
    expect(html.stdout).toMatch(/^<!doctype html>/i);
    const out = await run([...base, '--format', 'html', '--out', 'report.html']);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('Wrote report.html');
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('data-field="campaign-id">dist<');
    const bad = await run([...base, '--format', 'xml']);
    expect(bad.code).toBe(2);
  });

  it('send stops cleanly on Ctrl-C (SIGINT): summary printed, exit 1, the rest resumable', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `+90532555${String(1000 + i)},R${i}`);
    writeFileSync(join(dir, 'slow.csv'), `phone,name\n${rows.join('\n')}\n`);
    const args = ['send', '--template', 'hello_world', '--to', 'slow.csv', '--mps', '2'];
    const store = ['--store', 'sqlite:./wa.db', '--campaign', 'slow'];
    const send = spawnCli([...args, ...store], { cwd: dir, env });
    await send.waitFor('stderr', /Campaign slow: template hello_world/);
    send.child.kill('SIGINT');
    const result = await send.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Stopping after the messages in flight');
    const summary = /Campaign slow: sent (\d+),/.exec(result.stdout);
    expect(summary).not.toBeNull();
    const sent = Number(summary?.[1]);
    expect(sent).toBeLessThan(40);
    const rerun = await run([...args, '--mps', '500', ...store]);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain(`already sent ${sent}`);
    expect(rerun.stdout).toContain(`sent ${40 - sent},`);
  });

  it('simulate stops on SIGINT with exit code 0', async () => {
    simulator.child.kill('SIGINT');
    const result = await simulator.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/simulator stopped: \d+ accepted/);
    expectNoToken(result.stdout, result.stderr);
  });
});
