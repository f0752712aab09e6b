import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printable, printableJson } from '../../src/cli/printable.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { csvCell } from '../../src/report/csv-cell.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { CliSandbox } from './cli-harness.js';

const ESC = '\x1b';
/** What a webhook, a CSV or a template could carry to attack a terminal or a spreadsheet. */
const HOSTILE_SEGMENTS = [
  '=HYPERLINK("http://evil.example","click")',
  "+1+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(1,1)',
  '\tleading tab',
  `${ESC}[2J${ESC}]0;pwned\x07`,
];

/** Control characters a terminal acts on (C0 but line feed, DEL, C1). */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('csvCell (OWASP CSV injection)', () => {
  it('prefixes formula-like text with a quote and leaves real numbers alone', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+cmd')).toBe("'+cmd");
    expect(csvCell('-cmd')).toBe("'-cmd");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe('"\'\rx"');
    expect(csvCell('=HYPERLINK("u","t")')).toBe('"\'=HYPERLINK(""u"",""t"")"');
    for (const n of ['-3', '+1.5', '0.061300', '2e-3', '-.5', '12']) expect(csvCell(n)).toBe(n);
    expect(csvCell('variant A, B')).toBe('"variant A, B"');
  });
});

describe('printable (terminal output)', () => {
  it('shows control characters as visible escapes', () => {
    expect(printable(`${ESC}[31mred${ESC}[0m`)).toBe('\\x1b[31mred\\x1b[0m');
    expect(printable('a\nb\tc\rd\u009be\u202ef')).toBe('a\\x0ab\\x09c\\x0dd\\x9be\\u202ef');
    expect(printable('a\nb\tc\u0007', { multiline: true })).toBe('a\nb\tc\\x07');
    expect(printable('Zoë 日本 🙂')).toBe('Zoë 日本 🙂');
  });

  it('printableJson stays valid JSON and escapes what JSON lets through raw', () => {
    const value = { name: `x${ESC}\u009b\u202e` };
    const text = printableJson(value);
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).not.toContain('\u202e');
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('the CLI neutralises hostile strings it prints', () => {
  let sim: Simulator;
  const box = new CliSandbox();

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, behaviour: { messagesPerSecond: 1000, pairLimit: false } });
    box.env = {
      WHATSAPP_ACCESS_TOKEN: 'test-token',
      WHATSAPP_PHONE_NUMBER_ID: sim.phoneNumberId,
      WHATSAPP_BUSINESS_ACCOUNT_ID: sim.businessAccountId,
      WHATSAPP_BASE_URL: sim.url,
    };
    const store = new SqliteEventStore({ filename: `${box.dir}/wa.db` });
    const at = new Date('2026-03-01T10:00:00Z');
    await store.append(
      HOSTILE_SEGMENTS.map((segment, i) => ({
        kind: 'outbound' as const,
        messageId: `wamid.h${i}`,
        recipientId: `1555000${i}`,
        at,
        campaignId: 'hostile',
        segment,
      })),
    );
    await store.close();
  });

  afterAll(async () => {
    await sim.close();
    box.cleanup();
  });

  it('report --format csv: no cell starts a formula, real numbers stay numbers', async () => {
    const run = await box.run([
      'report',
      '--campaign',
      'hostile',
      '--store',
      'sqlite:./wa.db',
      '--group-by',
      'segment',
      '--format',
      'csv',
    ]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 1 + HOSTILE_SEGMENTS.length);
    for (const line of lines) {
      // The first cell, unquoted, must not begin like a formula.
      const first = line.startsWith('"') ? line.slice(1) : line;
      expect(first).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(run.stdout).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")",1,`);
    expect(run.stdout).toContain("'@SUM(1,1)");
    expect(lines[1]).toMatch(/^total,6,0,/);
  });

  it('report table: ESC and BEL from stored labels show as \\x1b and \\x07', async () => {
    const run = await box.run([
      'report',
      '--campaign',
      'hostile',
      '--store',
      'sqlite:./wa.db',
      '--group-by',
      'segment',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stdout).toContain('\\x1b[2J\\x1b]0;pwned\\x07');
    expect(run.stdout).toContain('\\x09leading tab');
  });

  it('templates list: hostile fields from the API are shown escaped, in the table and as JSON', async () => {
    sim.templates.add({
      name: 'hostile_template',
      language: 'en_US',
      category: `MARKETING${ESC}[2J`,
      status: `APPROVED${ESC}]0;pwned\x07\u009b`,
    } as never);
    const table = await box.run(['templates', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).not.toMatch(RAW_CONTROL);
    expect(table.stdout).toMatch(
      /hostile_template\s+en_US\s+APPROVED\\x1b\]0;pwned\\x07\\x9b\s+MARKETING\\x1b\[2J/,
    );
    const json = await box.run(['templates', 'list', '--json']);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect(json.stdout).toContain('"status":"APPROVED\\u001b]0;pwned\\u0007\\u009b"');
  });

  it('send: a CSV value with ESC is reported escaped on stderr', async () => {
    box.write('r.csv', `phone,name\n${ESC}[2J+1555,Eve\n+16505550001,Ann\n`);
    const run = await box.run(['send', '--template', 'hello_world', '--to', 'r.csv']);
    expect(run.stderr).toContain('line 2: skipped: "\\x1b[2J+1555" is not a phone number');
    expect(`${run.stdout}${run.stderr}`.replace(/\r\x1b\[K/g, '')).not.toMatch(RAW_CONTROL);
  });
});
