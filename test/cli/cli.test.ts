import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { CliSandbox } from './cli-harness.js';

const TOKEN = 'EAAGsecret-token-DO-NOT-PRINT-42';

const CSV = [
  'phone,name,order',
  '+90 532 555 00 01,Ann,A-1',
  '+905325550002,Bob,A-2',
  'not-a-phone,Cy,A-3',
  '+905325550004,Dee,',
  '+905325550005,Eve,A-5,extra',
  '+905325550006,Fay,A-6',
  '',
].join('\n');

let sim: Simulator;
const sandboxes: CliSandbox[] = [];

function sandbox(env: Record<string, string | undefined> = {}): CliSandbox {
  const box = new CliSandbox({
    WHATSAPP_ACCESS_TOKEN: TOKEN,
    WHATSAPP_PHONE_NUMBER_ID: sim.phoneNumberId,
    WHATSAPP_BUSINESS_ACCOUNT_ID: sim.businessAccountId,
    WHATSAPP_BASE_URL: sim.url,
    ...env,
  });
  sandboxes.push(box);
  return box;
}

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    accessToken: TOKEN,
    behaviour: { messagesPerSecond: 1000, pairLimit: false },
  });
});

afterEach(() => {
  for (const box of sandboxes) {
    for (const output of box.outputs) expect(output).not.toContain(TOKEN);
  }
});

afterAll(async () => {
  await sim.close();
  for (const box of sandboxes) box.cleanup();
});

function sentTo(): string[] {
  return sim.messages.map((m) => m.to);
}

describe('wacloud (top level)', () => {
  it('prints help and the version, and rejects unknown commands with exit 2', async () => {
    const box = sandbox();
    const help = await box.run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: wacloud <command>');
    const version = await box.run(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const unknown = await box.run(['fly']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "fly"');
    expect((await box.run([])).code).toBe(2);
  });

  it('exits 2 with a clear message for missing flags, unknown flags and missing credentials', async () => {
    const box = sandbox({ WHATSAPP_ACCESS_TOKEN: undefined });
    box.write('r.csv', CSV);
    const noTemplate = await box.run(['send', '--to', 'r.csv']);
    expect(noTemplate.code).toBe(2);
    expect(noTemplate.stderr).toContain('--template is required');
    const unknownFlag = await box.run(['send', '--template', 'x', '--to', 'r.csv', '--bogus']);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toContain('--bogus');
    const noToken = await box.run([
      'send',
      '--template',
      'order_update',
      '--to',
      'r.csv',
      '--param',
      'order',
    ]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('WHATSAPP_ACCESS_TOKEN');
    const noFile = await box.run(['send', '--template', 'x', '--to', 'missing.csv']);
    expect(noFile.code).toBe(2);
    box.write('nophone.csv', 'name,order\nAnn,1\n');
    const noPhone = await box.run(['send', '--template', 'x', '--to', 'nophone.csv', '--dry-run']);
    expect(noPhone.code).toBe(2);
    expect(noPhone.stderr).toContain('the CSV needs a phone column');
    box.write('empty.csv', '');
    expect((await box.run(['send', '--template', 'x', '--to', 'empty.csv', '--dry-run'])).code).toBe(2);
    // A dry run needs no credentials at all.
    const dry = await box.run([
      'send',
      '--template',
      'order_update',
      '--to',
      'r.csv',
      '--param',
      'order',
      '--dry-run',
    ]);
    expect(dry.stdout).toContain('3 messages would be sent');
  });
});

describe('wacloud send', () => {
  it('--dry-run reports bad rows by line number and sends nothing', async () => {
    const box = sandbox();
    box.write('r.csv', CSV);
    const before = sim.messages.length;
    const run = await box.run([
      'send',
      '--template',
      'order_update',
      '--to',
      'r.csv',
      '--param',
      'order',
      '--dry-run',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('line 4: skipped: "not-a-phone" is not a phone number');
    expect(run.stderr).toContain('line 5: skipped: empty "order"');
    expect(run.stderr).toContain('line 6: skipped: expected 3 fields, found 4');
    expect(run.stdout).toContain('3 messages would be sent, 3 bad rows');
    expect(run.stdout).toContain('"name": "order_update"');
    expect(run.stdout).toContain('Template order_update: APPROVED, parameters match, category utility.');
    expect(sim.messages.length).toBe(before);
  });

  it('--dry-run checks the templates with Meta when it can, and says so when it cannot', async () => {
    const box = sandbox();
    box.write('ok.csv', 'phone,name\n+905325550600,Ada\n');
    const wrong = await box.run([
      'send',
      '--variant',
      'A=hello_world',
      '--variant',
      'B=welcome',
      '--to',
      'ok.csv',
      '--param',
      'name',
      '--dry-run',
    ]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      'Template hello_world: Invalid template: template.components.body.parameters',
    );
    const unchecked = sandbox({ WHATSAPP_BUSINESS_ACCOUNT_ID: undefined });
    unchecked.write('ok.csv', 'phone,name\n+905325550600,Ada\n');
    const run = await unchecked.run(['send', '--template', 'hello_world', '--to', 'ok.csv', '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Templates not checked with Meta');
  });

  it('sends the good rows, reports the bad ones, and a rerun skips recipients already sent', async () => {
    const box = sandbox();
    box.write('r.csv', CSV);
    const args = ['send', '--template', 'order_update', '--to', 'r.csv', '--param', 'order', '--mps', '500'];
    const store = ['--store', 'sqlite:./wa.db', '--campaign', 'resume-test'];
    const before = sim.messages.length;
    const first = await box.run([...args, ...store]);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('line 4: skipped');
    expect(first.stdout).toContain('sent 3, failed 0');
    expect(first.stdout).toContain('bad rows 3');
    expect(sim.messages.length - before).toBe(3);
    expect(sentTo().slice(before).sort()).toEqual(['+905325550001', '+905325550002', '+905325550006']);

    box.write('r.csv', `${CSV}+905325550007,Gus,A-7\n`);
    const second = await box.run([...args, ...store]);
    expect(second.stdout).toContain('sent 1, failed 0');
    expect(second.stdout).toContain('already sent 3');
    expect(second.stderr).toContain('Resuming: 3 recipients already sent');
    expect(sim.messages.length - before).toBe(4);
  });

  it('exits 0 when every row is sent, and reports API failures per line', async () => {
    // No business account id: no template pre-flight, so the API's refusals come back per line.
    const box = sandbox({ WHATSAPP_BUSINESS_ACCOUNT_ID: undefined });
    box.write('ok.csv', 'to,order\n+905325550100,B-1\n+905325550101,B-2\n');
    const ok = await box.run(['send', '--template', 'order_update', '--to', 'ok.csv', '--param', 'order']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('sent 2, failed 0');
    // order_update takes one body parameter: two is refused by the API (132000) on every line.
    const bad = await box.run([
      'send',
      '--template',
      'order_update',
      '--to',
      'ok.csv',
      '--param',
      'order',
      '--param',
      'to',
      '--campaign',
      'wrong-params',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/line 2: failed: .*132000/);
    expect(bad.stderr).toMatch(/line 3: failed: .*132000/);
  });

  it('draws a progress bar on a terminal only', async () => {
    const box = sandbox();
    box.write('ok.csv', 'phone,order\n+905325550200,C-1\n+905325550201,C-2\n');
    const tty = await box.run(['send', '--template', 'order_update', '--to', 'ok.csv', '--param', 'order'], {
      isTTY: true,
    });
    expect(tty.stderr).toContain('100% 2/2');
    const pipe = await box.run([
      'send',
      '--template',
      'order_update',
      '--to',
      'ok.csv',
      '--param',
      'order',
      '--campaign',
      'piped',
    ]);
    expect(pipe.stderr).not.toContain('█');
  });

  it('never prints the token, even when the API rejects it', async () => {
    const box = sandbox({ WHATSAPP_ACCESS_TOKEN: `${TOKEN}-wrong`, WHATSAPP_BUSINESS_ACCOUNT_ID: undefined });
    box.write('ok.csv', 'phone,order\n+905325550300,D-1\n');
    const run = await box.run(['send', '--template', 'order_update', '--to', 'ok.csv', '--param', 'order']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('line 2: failed');
    expect(`${run.stdout}${run.stderr}`).not.toContain(`${TOKEN}-wrong`);
    // With the business account, the template check is the first request the token is refused on.
    const checked = sandbox({ WHATSAPP_ACCESS_TOKEN: `${TOKEN}-wrong` });
    checked.write('ok.csv', 'phone,order\n+905325550300,D-1\n');
    const refused = await checked.run([
      'send',
      '--template',
      'order_update',
      '--to',
      'ok.csv',
      '--param',
      'order',
    ]);
    // The template check is refused first (and said so), then every send.
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Templates not checked with Meta (');
    expect(refused.stderr).toContain('line 2: failed');
    expect(`${refused.stdout}${refused.stderr}`).not.toContain(`${TOKEN}-wrong`);
  });

  it('with a business account id, checks each template before its first send: nothing is sent when it is wrong', async () => {
    const box = sandbox();
    box.write('ok.csv', 'to,order\n+905325550400,E-1\n+905325550401,E-2\n');
    const before = sim.messages.length;
    const args = [
      'send',
      '--template',
      'order_update',
      '--to',
      'ok.csv',
      '--param',
      'order',
      '--param',
      'to',
    ];
    const bad = await box.run(args);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('template order_update expects 1 body parameter(s), the message gives 2');
    expect(bad.stderr).toContain('Nothing was sent.');
    const missing = await box.run(['send', '--template', 'no_such_template', '--to', 'ok.csv']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('template no_such_template (en_US) does not exist');
    // Every template of an A/B run is checked first: B's refusal stops A's sends too.
    box.write('ab.csv', 'to,name\n+905325550402,Ada\n+905325550403,Bob\n+905325550404,Cy\n');
    const ab = await box.run([
      'send',
      '--variant',
      'A=welcome',
      '--variant',
      'B=no_such_template',
      '--to',
      'ab.csv',
    ]);
    expect(ab.code).toBe(2);
    expect(ab.stderr).toContain('template no_such_template (en_US) does not exist');
    expect(sim.messages.length).toBe(before);
  });

  it('sends anyway, as marketing, when the templates cannot be read, and says so', async () => {
    const box = sandbox({ WHATSAPP_BUSINESS_ACCOUNT_ID: '999000999' });
    box.write('ok.csv', 'phone\n+905325550410\n');
    const run = await box.run(['send', '--template', 'hello_world', '--to', 'ok.csv']);
    expect(run.stderr).toMatch(/Templates not checked with Meta \(.+\)/);
    expect(run.stderr).toContain('category marketing (assumed: the templates could not be read');
    expect(run.stdout).toContain('sent 1,');
    expect(run.code).toBe(0);
  });

  it("says why a row is skipped, and a utility template's category lets it reach a US number", async () => {
    const csv = 'phone\n+905325550500\n+12015550188\n';
    // No business account id and no --category: a template is governed as marketing.
    const assumed = sandbox({ WHATSAPP_BUSINESS_ACCOUNT_ID: undefined });
    assumed.write('us.csv', csv);
    const skipped = await assumed.run(['send', '--template', 'hello_world', '--to', 'us.csv']);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toContain('category marketing (assumed');
    expect(skipped.stderr).toMatch(/line 3: skipped: region: a marketing template to a US number/);
    expect(skipped.stdout).toMatch(/sent 1, .*skipped 1, .* · skipped: region 1/);
    const given = await assumed.run([
      'send',
      '--template',
      'hello_world',
      '--to',
      'us.csv',
      '--category',
      'utility',
      '--campaign',
      'u',
    ]);
    expect(given.stdout).toContain('Campaign u: sent 2,');
    // With the business account id, hello_world's category (UTILITY) is read from the template.
    const read = sandbox();
    read.write('us.csv', csv);
    const requestsBefore = sim.stats().requests;
    const fromTemplate = await read.run([
      'send',
      '--template',
      'hello_world',
      '--to',
      'us.csv',
      '--campaign',
      'r',
    ]);
    expect(fromTemplate.stderr).toContain('category utility (read from the template)');
    expect(fromTemplate.stdout).toContain('Campaign r: sent 2,');
    // The template is read once (the check), then the two sends: the campaign does not read it again.
    expect(sim.stats().requests - requestsBefore).toBe(1 + 2);
    // Variants filed under different categories: the campaign applies each template's own.
    read.write('ab.csv', 'phone\n+905325550510\n+905325550511\n+905325550512\n+905325550513\n');
    const mixed = await read.run([
      'send',
      '--variant',
      'A=hello_world',
      '--variant',
      'B=welcome',
      '--to',
      'ab.csv',
    ]);
    expect(mixed.stderr).toContain('category as each template is filed (read from Meta)');
    expect(mixed.stdout).toContain('sent 4,');
    const bogus = await read.run([
      'send',
      '--template',
      'hello_world',
      '--to',
      'us.csv',
      '--category',
      'promo',
    ]);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain(
      '--category must be one of marketing, utility, authentication, got "promo"',
    );
  });
});

describe('wacloud report', () => {
  it('prints a table, JSON, CSV, and writes an HTML report', async () => {
    const box = sandbox();
    box.write('r.csv', 'phone,order\n+905325550400,E-1\n+905325550401,E-2\n+905325550402,E-3\n');
    await box.run([
      'send',
      '--template',
      'order_update',
      '--to',
      'r.csv',
      '--param',
      'order',
      '--store',
      'sqlite:./wa.db',
      '--campaign',
      'rep',
    ]);
    const base = ['report', '--campaign', 'rep', '--store', 'sqlite:./wa.db'];
    const table = await box.run(base);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/total\s+3\s+0/);
    const json = await box.run([...base, '--format', 'json']);
    const parsed = JSON.parse(json.stdout) as { campaignId: string; metrics: { sent: number } };
    expect(parsed.campaignId).toBe('rep');
    expect(parsed.metrics.sent).toBe(3);
    const csv = await box.run([...base, '--format', 'csv']);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^variant,sent,rejected,delivered/);
    expect(csv.stdout.split('\r\n')[1]).toMatch(/^total,3,0,/);
    const html = await box.run([...base, '--format', 'html', '--out', 'report.html']);
    expect(html.code).toBe(0);
    const { readFileSync } = await import('node:fs');
    const page = readFileSync(`${box.dir}/report.html`, 'utf8');
    expect(page).toContain('<!doctype html>');
    expect(page).toContain('data-field="campaign-id">rep<');
    expect(page).toContain('data-rate-grid="readRate"');
    const groupsBy = async (groupBy: string) => {
      const run = await box.run([...base, '--group-by', groupBy, '--format', 'json']);
      const { metrics } = JSON.parse(run.stdout) as {
        metrics: { groups: Array<{ key: string; metrics: { sent: number } }> };
      };
      return metrics.groups.map((g) => [g.key, g.metrics.sent]);
    };
    expect(await groupsBy('template')).toEqual([['order_update', 3]]);
    expect(await groupsBy('country')).toEqual([['TR', 3]]);
  });

  it('splits an A/B campaign between templates with --variant and compares the variants', async () => {
    const box = sandbox();
    // Scattered numbers: the variant hash is stable per recipient.
    const rows = Array.from(
      { length: 40 },
      (_, i) => `+905${String(100_000_000 + ((i * 7_919_777) % 800_000_000))},V-${i}`,
    );
    box.write('ab.csv', `phone,order\n${rows.join('\n')}\n`);
    const before = sim.messages.length;
    const send = await box.run([
      'send',
      '--variant',
      'A=order_update',
      '--variant',
      'B=sample_issue_resolution',
      '--to',
      'ab.csv',
      '--param',
      'order',
      '--store',
      'sqlite:./ab.db',
      '--campaign',
      'ab',
    ]);
    expect(send.code).toBe(0);
    expect(send.stderr).toContain('variants A=order_update, B=sample_issue_resolution');
    const templates = sim.messages.slice(before).map((m) => m.templateName);
    expect(templates.filter((t) => t === 'order_update').length).toBeGreaterThan(5);
    expect(templates.filter((t) => t === 'sample_issue_resolution').length).toBeGreaterThan(5);
    const report = await box.run(['report', '--campaign', 'ab', '--store', 'sqlite:./ab.db']);
    expect(report.stdout).toMatch(/^A\s+\d+/m);
    expect(report.stdout).toMatch(/^B\s+\d+/m);
    expect(report.stdout).toContain('A/B clickThroughRate: A');
    const bad = await box.run(['send', '--variant', 'A=order_update', '--to', 'ab.csv']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('at least two variants');
  });

  it('needs --campaign and --store, and validates --format', async () => {
    const box = sandbox();
    expect((await box.run(['report', '--store', 'memory'])).code).toBe(2);
    expect((await box.run(['report', '--campaign', 'x'])).code).toBe(2);
    const format = await box.run(['report', '--campaign', 'x', '--store', 'memory', '--format', 'pdf']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be one of');
    const store = await box.run(['report', '--campaign', 'x', '--store', 'mongo://x']);
    expect(store.code).toBe(2);
  });
});

describe('wacloud templates list', () => {
  it('lists every template across pages', async () => {
    const box = sandbox();
    const run = await box.run(['templates', 'list']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/spring_sale\s+en_US\s+APPROVED\s+MARKETING/);
    expect(run.stdout).toMatch(/winter_clearance\s+en_US\s+PAUSED/);
    const approved = await box.run(['templates', 'list', '--status', 'APPROVED', '--json']);
    const names = approved.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { name: string }).name);
    expect(names).toContain('order_update');
    expect(names).not.toContain('winter_clearance');
  });

  it('needs a business account id', async () => {
    const box = sandbox({ WHATSAPP_BUSINESS_ACCOUNT_ID: undefined });
    const run = await box.run(['templates', 'list']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('WHATSAPP_BUSINESS_ACCOUNT_ID');
  });
});
