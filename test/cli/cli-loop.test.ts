import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../helpers/built-package.js';
import { type CliProcess, runCliProcess, spawnCli } from '../helpers/spawn-cli.js';

/**
 * The README's loop, as spawned processes with credentials in the environment only:
 * `wacloud listen` + `wacloud simulate --webhook` + `wacloud dashboard` + `wacloud send --store` +
 * `wacloud report --format html`.
 */
const TOKEN = 'EAAGloop-token-DO-NOT-PRINT-5';
const APP_SECRET = 'loop-app-secret-DO-NOT-PRINT-8';
const dir = mkdtempSync(join(tmpdir(), 'wacloud-loop-'));
const running: CliProcess[] = [];
const RECIPIENTS = 12;

beforeAll(() => ensureBuilt(), BUILD_TIMEOUT_MS);

afterAll(() => {
  for (const p of running)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface ReportJson {
  metrics: { sent: number; delivered: number; failed: number };
}

describe('the whole loop from the command line', () => {
  it('listen + simulate --webhook + dashboard + send + report --format html', async () => {
    const secrets = { WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: 'loop-verify' };
    const listen = spawnCli(['listen', '--port', '0', '--store', 'sqlite:wa.db'], { cwd: dir, env: secrets });
    running.push(listen);
    const [, webhook] = await listen.waitFor('stdout', /listening on (http:\/\/127\.0\.0\.1:\d+\/webhook)/);

    const simulator = spawnCli(['simulate', '--port', '0', '--webhook', webhook as string, '--speed', '50'], {
      cwd: dir,
      env: { ...secrets, WHATSAPP_ACCESS_TOKEN: TOKEN },
    });
    running.push(simulator);
    const [, baseUrl] = await simulator.waitFor('stdout', /baseUrl:\s+(http:\/\/127\.0\.0\.1:\d+)/);
    const [, phone] = await simulator.waitFor('stdout', /phoneNumberId:\s+(\d+)/);
    const [, waba] = await simulator.waitFor('stdout', /businessAccountId:\s+(\d+)/);
    const env = {
      WHATSAPP_ACCESS_TOKEN: TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: phone as string,
      WHATSAPP_BUSINESS_ACCOUNT_ID: waba as string,
      WHATSAPP_BASE_URL: baseUrl as string,
    };

    // The dashboard is up before the campaign starts, as a marketer would leave it open.
    const dashboard = spawnCli(
      ['dashboard', '--port', '0', '--store', 'sqlite:wa.db', '--interval-ms', '200'],
      {
        cwd: dir,
      },
    );
    running.push(dashboard);
    const [, dashboardUrl] = await dashboard.waitFor(
      'stdout',
      /wacloud dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/,
    );

    // One US number: hello_world is a UTILITY template (read from the simulator), so the US marketing
    // pause does not skip it.
    const rows = Array.from({ length: RECIPIENTS - 1 }, (_, i) => `+90532555${String(2000 + i)},R${i}`);
    rows.push('+12015550199,US');
    writeFileSync(join(dir, 'r.csv'), `phone,name\n${rows.join('\n')}\n`);
    const send = await runCliProcess(
      ['send', '--template', 'hello_world', '--to', 'r.csv', '--store', 'sqlite:wa.db', '--campaign', 'loop'],
      { cwd: dir, env },
    );
    expect(send.code).toBe(0);
    expect(send.stdout).toContain(`Campaign loop: sent ${RECIPIENTS}`);

    // The simulator's status webhooks reach the store through `wacloud listen`: wait until every
    // message has at least one status and one message has been delivered.
    const store = new SqliteEventStore({ filename: join(dir, 'wa.db') });
    for (let attempt = 0; attempt < 300; attempt++) {
      const sent = new Set<string>();
      const withStatus = new Set<string>();
      let delivered = 0;
      for await (const event of store.scan({})) {
        if (event.kind === 'outbound') sent.add(event.messageId);
        if (event.kind === 'status') withStatus.add(event.messageId);
        if (event.kind === 'status' && event.status === 'delivered') delivered++;
      }
      if (sent.size === RECIPIENTS && [...sent].every((id) => withStatus.has(id)) && delivered > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await store.close();
    const report = ['report', '--campaign', 'loop', '--store', 'sqlite:wa.db'];
    const json = await runCliProcess([...report, '--format', 'json'], { cwd: dir });
    expect(json.code).toBe(0);
    const { metrics } = JSON.parse(json.stdout) as ReportJson;
    expect(metrics.sent).toBe(RECIPIENTS);
    expect(metrics.delivered).toBeGreaterThan(0);
    expect(metrics.delivered + metrics.failed).toBeLessThanOrEqual(RECIPIENTS);

    const listed = (await (await fetch(`${dashboardUrl}?view=campaigns`)).json()) as {
      campaigns: Array<{ campaignId: string; sends: number }>;
    };
    expect(listed.campaigns).toContainEqual(
      expect.objectContaining({ campaignId: 'loop', sends: RECIPIENTS }),
    );
    const live = (await (
      await fetch(`${dashboardUrl}?view=metrics&campaign=loop`)
    ).json()) as ReportJson['metrics'];
    expect(live.sent).toBe(RECIPIENTS);
    expect(live.delivered).toBeGreaterThan(0);
    const dashboardPage = await (await fetch(`${dashboardUrl}?campaign=loop`)).text();
    expect(dashboardPage).toContain('data-field="campaign-id">loop<');
    expect(dashboardPage).toMatch(/data-kpi="sent"[\s\S]*?>12</);
    dashboard.child.kill('SIGTERM');
    const dashboardStopped = await dashboard.done;
    expect(dashboardStopped.code).toBe(0);
    expect(dashboardStopped.stdout).toContain('wacloud dashboard: stopped');

    const html = await runCliProcess([...report, '--format', 'html', '--out', 'report.html'], {
      cwd: dir,
    });
    expect(html.code).toBe(0);
    const page = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('data-field="campaign-id">loop<');

    listen.child.kill('SIGTERM');
    const stopped = await listen.done;
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/stopped · .* 0 rejected signatures/);
    simulator.child.kill('SIGINT');
    await simulator.done;
    for (const output of [send.stdout, send.stderr, stopped.stdout, stopped.stderr, page]) {
      expect(output).not.toContain(TOKEN);
      expect(output).not.toContain(APP_SECRET);
    }
  }, 120_000);
});
