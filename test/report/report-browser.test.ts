import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { renderCampaignReport } from '../../src/report/index.js';
import { chromiumRequired } from '../helpers/test-services.js';
import { sampleReportInput } from './sample-report-input.js';

const chromium = chromiumRequired();

describe.skipIf(!chromium)('the HTML report in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wacloud-report-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, renderCampaignReport(sampleReportInput()));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function runChromium(args: string[]): { stdout: string; status: number | null } {
    if (!chromium) throw new Error('chromium is required in CI (apt-get install -y chromium)');
    const result = spawnSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${join(dir, 'profile')}`,
        ...args,
        pathToFileURL(file).href,
      ],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 20 * 1024 * 1024 },
    );
    return { stdout: result.stdout ?? '', status: result.status };
  }

  it('renders the numbers on the page', () => {
    const { stdout, status } = runChromium(['--dump-dom']);
    expect(status).toBe(0);
    expect(stdout).toContain('spring-sale-2026');
    expect(stdout).toMatch(/data-kpi="sent"[\s\S]*?4,000/);
    expect(stdout).toMatch(/data-kpi="delivered"[\s\S]*?94\.5%/);
    expect(stdout).toMatch(/data-code="131026"[\s\S]*?Message undeliverable[\s\S]*?140/);
    expect(stdout).toMatch(/data-kpi="pending"[\s\S]*?0\.5%[\s\S]*?20 of sent/);
    expect(stdout).toMatch(/data-kpi="already-opted-out"[\s\S]*?>62</);
    expect(stdout).toMatch(/data-kpi="limited-by-meta"[\s\S]*?>3</);
    expect(stdout).toMatch(/data-variant="A"[\s\S]*?data-metric="clickThroughRate">10\.0%/);
    expect(stdout).toContain('beats A on click-through rate');
    expect(stdout).toContain('$2,250.00');
    // The hostile variant name stayed text: the browser built no script element from it.
    expect(stdout).not.toMatch(/<script>alert/);
  });

  it('takes a non-trivial screenshot', () => {
    const png = join(dir, 'report.png');
    const { status } = runChromium([`--screenshot=${png}`, '--window-size=1280,2000']);
    expect(status).toBe(0);
    expect(statSync(png).size).toBeGreaterThan(50_000);
  });
});
