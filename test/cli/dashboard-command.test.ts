import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.js';
import { runCli } from '../../src/cli/run-cli.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';

const TOKEN = 'dash-token-DO-NOT-PRINT-3';
const dir = mkdtempSync(join(tmpdir(), 'wacloud-dashboard-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(argv: string[], env: Record<string, string> = {}) {
  const stop = new AbortController();
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env,
    cwd: dir,
    signal: stop.signal,
  };
  const done = runCli(['dashboard', ...argv], io);
  return {
    stop: () => stop.abort(),
    done,
    output: () => stdout + stderr,
    url: async (): Promise<string> => {
      for (let i = 0; i < 200; i++) {
        const match = /wacloud dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
        if (match) return match[1]!;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no URL printed: ${stdout}${stderr}`);
    },
  };
}

describe('wacloud dashboard', () => {
  it('refuses a missing store, and a non-loopback host without --auth-token', async () => {
    expect(await start([]).done).toBe(2);
    const exposed = start(['--store', 'sqlite:d.db', '--host', '0.0.0.0']);
    expect(await exposed.done).toBe(2);
    expect(exposed.output()).toContain('--auth-token');
  });

  it('serves the store read-only, asks for the token when given one, and stops cleanly', async () => {
    const store = new SqliteEventStore({ filename: join(dir, 'd.db') });
    await store.append([
      { kind: 'outbound', messageId: 'w1', recipientId: '15550001', at: new Date(), campaignId: 'dash' },
    ]);
    await store.close();
    const running = start(['--store', 'sqlite:d.db', '--port', '0'], { WACLOUD_DASHBOARD_TOKEN: TOKEN });
    const url = await running.url();
    expect((await fetch(`${url}?view=campaigns`)).status).toBe(401);
    const bearer = await fetch(`${url}?view=campaigns`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await bearer.json()).toMatchObject({ campaigns: [{ campaignId: 'dash', sends: 1 }] });
    const link = await fetch(`${url}?token=${TOKEN}&campaign=dash`, { redirect: 'manual' });
    expect(link.status).toBe(303);
    expect(link.headers.get('location')).toBe('/?campaign=dash');
    const cookie = link.headers.get('set-cookie')!.split(';')[0]!;
    const page = await fetch(`${url}?campaign=dash`, { headers: { cookie } });
    expect(await page.text()).toContain('data-campaign="dash"');
    expect((await fetch(url, { method: 'POST', headers: { cookie } })).status).toBe(405);
    running.stop();
    expect(await running.done).toBe(0);
    expect(running.output()).toContain('wacloud dashboard: stopped');
    expect(running.output()).not.toContain(TOKEN);
  });
});
