import { describe, expect, it } from 'vitest';
import { metricsCsv, metricsTable } from '../../src/cli/metrics-formats.js';
import { ProgressBar, renderProgress } from '../../src/cli/progress-bar.js';
import { normalizePhone } from '../../src/cli/recipients-csv.js';
import { metricsFrom } from '../report/sample-report-input.js';
import { CliSandbox } from './cli-harness.js';

describe('normalizePhone', () => {
  it('keeps 7–15 digits with a leading +, and rejects the rest', () => {
    expect(normalizePhone('+1 (650) 555-1234')).toBe('+16505551234');
    expect(normalizePhone('16505551234')).toBe('+16505551234');
    expect(normalizePhone('555-12')).toBeNull();
    expect(normalizePhone('call me')).toBeNull();
    expect(normalizePhone('+1234567890123456')).toBeNull();
  });
});

describe('progress bar', () => {
  it('renders a bar with percentage and counts', () => {
    expect(renderProgress({ done: 50, total: 200, detail: 'sent 50' })).toBe(
      `[${'█'.repeat(7)}${'░'.repeat(21)}]  25% 50/200 sent 50`,
    );
    expect(renderProgress({ done: 5, total: undefined, detail: 'sent 5' })).toBe('5 sent 5');
  });

  it('draws only on a terminal, and throttles redraws', () => {
    let tty = '';
    let time = 0;
    const bar = new ProgressBar({ write: (t: string) => (tty += t), isTTY: true }, () => time);
    bar.update({ done: 1, total: 10, detail: '' });
    time += 10;
    bar.update({ done: 2, total: 10, detail: '' }); // within 100 ms: skipped
    time += 200;
    bar.update({ done: 3, total: 10, detail: '' });
    bar.finish({ done: 10, total: 10, detail: '' });
    expect(tty.match(/\r/g)).toHaveLength(3);
    expect(tty).not.toContain(' 2/10');
    expect(tty.endsWith('\n')).toBe(true);
    let pipe = '';
    const quiet = new ProgressBar({ write: (t: string) => (pipe += t), isTTY: false });
    quiet.update({ done: 1, total: 2, detail: '' }, true);
    quiet.finish({ done: 2, total: 2, detail: '' });
    expect(pipe).toBe('');
  });
});

describe('report formats', () => {
  const a = metricsFrom({ sent: 10, delivered: 8, read: 4, failed: 2, clicked: 1, replied: 0, optedOut: 0 });
  const b = metricsFrom({ sent: 10, delivered: 9, read: 6, failed: 1, clicked: 3, replied: 1, optedOut: 1 });
  const total = metricsFrom({
    sent: 20,
    delivered: 17,
    read: 10,
    failed: 3,
    clicked: 4,
    replied: 1,
    optedOut: 1,
    groups: [
      { key: 'A', metrics: a },
      { key: 'B, "bold"', metrics: b },
    ],
  });

  it('table: one aligned row per total and group, rates as percentages, — for null', () => {
    const lines = metricsTable(total).trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^variant\s+sent\s+rejected\s+delivered/);
    expect(lines[2]).toMatch(/^total\s+20\s+0\s+17\s+10\s+3\s+4\s+1\s+1\s+85\.0%/);
    expect(lines[3]).toMatch(/^A\s+10/);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(
      metricsTable(
        metricsFrom({ sent: 0, delivered: 0, read: 0, failed: 0, clicked: 0, replied: 0, optedOut: 0 }),
      ),
    ).toContain('—');
    const mixed = metricsFrom({
      ...{ sent: 2, delivered: 2, read: 0, failed: 0, clicked: 0, replied: 0, optedOut: 0 },
      revenue: 52,
      revenueByCurrency: { EUR: 40, USD: 12 },
    });
    expect(metricsTable(mixed)).toContain('40.00 EUR + 12.00 USD');
    expect(metricsTable(mixed)).not.toContain('52');
  });

  it('CSV: RFC 4180 quoting, fractions for rates, empty for null', () => {
    const rows = metricsCsv(total).split('\r\n');
    expect(rows[1]?.startsWith('total,20,0,17,10,3,4,1,1,0.850000,')).toBe(true);
    expect(rows[3]?.startsWith('"B, ""bold""",10,')).toBe(true);
    expect(rows[0]?.endsWith(',cost,revenue,pending,already_opted_out,limited_by_meta,clicks')).toBe(true);
    expect(rows[1]).toMatch(/,,0,0,0,0,\d+$/); // cost null → empty; revenue 0; then pending, 131050, 131049, clicks
  });
});

describe('wacloud simulate', () => {
  it('delegates to the simulator command (help, and bad arguments exit 2)', async () => {
    const box = new CliSandbox({});
    const help = await box.run(['simulate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: wacloud simulate');
    const bad = await box.run(['simulate', '--port', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port must be a number');
    box.cleanup();
  });
});
