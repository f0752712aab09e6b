import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../src/client/index.js';
import type { CampaignReconciliation } from '../../src/insights/index.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../helpers/built-package.js';
import { type CliProcess, runCliProcess, spawnCli } from '../helpers/spawn-cli.js';
import { awayFromUtcMidnight } from '../helpers/utc-day.js';

/**
 * `wacloud report --reconcile`, the built binary against `wacloud simulate`: a campaign sent with
 * `wacloud send` and no webhook receiver (every status webhook lost), then our counts beside Meta's.
 */
const TOKEN = 'EAAGreconcile-token-DO-NOT-PRINT-3';
const dir = mkdtempSync(join(tmpdir(), 'wacloud-reconcile-'));
let simulator: CliProcess;
let env: Record<string, string>;

beforeAll(async () => {
  await ensureBuilt();
  // Our sends are stamped by this machine's clock, Meta's analytics by the simulator's real-time one:
  // the test must not straddle a UTC midnight.
  await awayFromUtcMidnight();
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
  // Template analytics are off on a new account (as on Meta's); the user turns them on once, knowingly.
  const wa = new WhatsAppClient({
    accessToken: TOKEN,
    businessAccountId: waba as string,
    baseUrl: url as string,
    env: {},
  });
  await wa.insights.enableTemplateAnalytics({ irreversible: true });
  await wa.close();
  writeFileSync(join(dir, 'r.csv'), 'phone\n+90532550101\n+90532550102\n+90532550103\n');
  const send = await run([
    'send',
    '--template',
    'hello_world',
    '--to',
    'r.csv',
    ...STORE,
    '--campaign',
    'rc',
  ]);
  expect(send.code).toBe(0);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  if (simulator && simulator.child.exitCode === null) simulator.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const STORE = ['--store', 'sqlite:./rc.db'];
const REPORT = ['report', '--campaign', 'rc', ...STORE, '--reconcile'];

function run(args: string[], extraEnv: Record<string, string> = {}) {
  return runCliProcess(args, { cwd: dir, env: { ...env, ...extraEnv } });
}

/** Meta delivers within a couple of seconds: waits until its analytics show all 3. */
async function reconciled(args: string[] = []): Promise<CampaignReconciliation> {
  for (let attempt = 0; ; attempt++) {
    const json = await run([...REPORT, '--format', 'json', ...args]);
    expect(json.stderr).not.toContain(TOKEN);
    expect(json.code).toBe(0);
    const r = (JSON.parse(json.stdout) as { reconciliation: CampaignReconciliation }).reconciliation;
    if (r.totals.meta?.delivered === 3 || attempt === 20) return r;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('wacloud report --reconcile (dist/cli.js against wacloud simulate)', () => {
  it("shows the lost webhooks as Meta's delivered count above ours", async () => {
    const r = await reconciled();
    expect(r.cells).toHaveLength(1);
    expect(r.cells[0]).toMatchObject({
      templateName: 'hello_world',
      ours: { sent: 3, delivered: 0 },
      meta: { sent: 3, delivered: 3 },
      difference: { sent: 0, delivered: 3 },
    });
    expect(r.causes).toContain('webhooks_not_received');

    const table = await run(REPORT);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^total\s+3\s+0\s/m); // the metrics table first
    expect(table.stdout).toMatch(
      /^\d{4}-\d{2}-\d{2}\s+hello_world\s+3\/3\s+0\/3 \(\+3\).*webhooks_not_received/m,
    );
    expect(table.stdout).toMatch(/^cost: ours/m);

    const html = await run([...REPORT, '--format', 'html']);
    expect(html.code).toBe(0);
    expect(html.stdout).toContain('<section id="reconciliation">');
    expect(html.stdout).toContain('data-cause="webhooks_not_received"');
    for (const out of [table.stdout, table.stderr, html.stdout, html.stderr])
      expect(out).not.toContain(TOKEN);
  });

  it("--fill-gaps heals the store from Meta's message history, so the counts agree", async () => {
    const r = await reconciled(['--fill-gaps', '0']);
    expect(r.gapFill).toMatchObject({ checked: 3, healed: 3 });
    expect(r.cells[0]?.difference).toMatchObject({ sent: 0, delivered: 0 });
    const metrics = await run(['report', '--campaign', 'rc', ...STORE, '--format', 'json']);
    expect((JSON.parse(metrics.stdout) as { metrics: { delivered: number } }).metrics.delivered).toBe(3);
  });

  it('refuses --reconcile without a business account id, and with CSV (exit 2)', async () => {
    const noWaba = await run(REPORT, { WHATSAPP_BUSINESS_ACCOUNT_ID: '' });
    expect(noWaba.code).toBe(2);
    expect(noWaba.stderr).toContain('No business account id');
    const csv = await run([...REPORT, '--format', 'csv']);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain('--reconcile works with --format table, json or html');
    const alone = await run(['report', '--campaign', 'rc', ...STORE, '--fill-gaps', '5']);
    expect(alone.code).toBe(2);
    for (const out of [noWaba.stderr, csv.stderr, alone.stderr]) expect(out).not.toContain(TOKEN);
  });
});
