import { describe, expect, it } from 'vitest';
import { renderCampaignReport } from '../../src/report/index.js';
import { wilsonInterval } from '../../src/report/proportion-interval.js';
import { metricsFrom, sampleReportInput } from './sample-report-input.js';

describe('renderCampaignReport', () => {
  it('is one self-contained page: no scripts, no external URLs', () => {
    const page = renderCampaignReport(sampleReportInput());
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<link\b/i);
    expect(page).not.toMatch(/(src|href)="https?:/i);
    expect(page).toContain('<style>');
  });

  it('escapes every user string', () => {
    const input = sampleReportInput();
    input.campaignId = '"><img src=x onerror=alert(1)>';
    const page = renderCampaignReport(input);
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('B &lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows counts, rates, failure codes with titles, money and the verdict', () => {
    const page = renderCampaignReport(sampleReportInput());
    expect(page).toContain('4,000');
    expect(page).toContain('94.5%');
    expect(page).toContain('131026');
    expect(page).toContain('Message undeliverable');
    expect(page).toContain('$231.71');
    expect(page).toContain('$2,250.00');
    expect(page).toContain('beats A on click-through rate');
    expect(page).toContain('+50.0%');
    expect(page).toContain('2026-05-02');
  });

  it('shows where every send went: failed, pending, already opted out, limited by Meta', () => {
    const page = renderCampaignReport(sampleReportInput());
    const kpi = (name: string) =>
      page.match(new RegExp(`data-kpi="${name}"[\\s\\S]*?</div></div>`))?.[0] ?? '';
    expect(kpi('pending')).toContain('0.5%');
    expect(kpi('pending')).toContain('20 of sent');
    expect(kpi('already-opted-out')).toContain('>62<');
    expect(kpi('already-opted-out')).toContain('not new opt-outs');
    expect(kpi('limited-by-meta')).toContain('>3<');
    expect(kpi('clicked')).toContain('472 clicks');
    expect(page).toContain('Of 4,000 sent: 3,780 delivered, 200 failed, 20 pending');
  });

  it('says when there is no comparison, no failures, no rate card and no timeline', () => {
    const page = renderCampaignReport({
      campaignId: 'empty',
      metrics: metricsFrom({
        sent: 0,
        delivered: 0,
        read: 0,
        failed: 0,
        clicked: 0,
        replied: 0,
        optedOut: 0,
      }),
      generatedAt: new Date('2026-01-01T00:00:00Z'),
    });
    expect(page).toContain('No A/B comparison');
    expect(page).toContain('No failed messages.');
    expect(page).toContain('no rate card');
    expect(page).toContain('No opt-out timeline');
    expect(page).not.toContain('NaN');
  });

  it('calls a non-significant difference inconclusive', () => {
    const input = sampleReportInput();
    input.comparison = {
      ...input.comparison!,
      result: { ...input.comparison!.result, pValue: 0.4, significant: false },
    };
    expect(renderCampaignReport(input)).toContain('No significant difference in click-through rate');
  });

  it('keeps revenue per currency and sets only same-currency revenue against the cost', () => {
    const counts = { sent: 100, delivered: 80, read: 50, failed: 0, clicked: 10, replied: 0, optedOut: 0 };
    const euros = metricsFrom({ ...counts, revenue: 40, revenueByCurrency: { EUR: 40 }, cost: 10 });
    const mixed = metricsFrom({ ...counts, revenue: 52, revenueByCurrency: { EUR: 40, USD: 12 }, cost: 10 });
    const total = metricsFrom({
      ...counts,
      sent: 200,
      delivered: 160,
      revenue: 92,
      revenueByCurrency: { EUR: 80, USD: 12 },
      cost: 20,
      groups: [
        { key: 'de', metrics: euros },
        { key: 'us', metrics: mixed },
      ],
    });
    const page = renderCampaignReport({
      campaignId: 'c',
      metrics: total,
      currency: 'EUR',
      generatedAt: new Date('2026-01-01T00:00:00Z'),
    });
    const economics = page.slice(page.indexOf('<section id="economics">'));
    const row = (key: string) => economics.slice(economics.indexOf(`data-row="${key}"`)).split('</tr>')[0]!;
    expect(row('Total')).toContain('€80.00');
    expect(row('Total')).toContain('$12.00');
    expect(row('Total')).not.toContain('92.00');
    expect(row('Total')).toMatch(/data-metric="returnOnSpend">—/);
    expect(row('de')).toContain('€40.00');
    expect(row('de')).toContain('€0.50'); // per delivered
    expect(row('de')).toMatch(/data-metric="returnOnSpend">4\.00×/);
    expect(row('us')).toMatch(/data-metric="returnOnSpend">—/);
    expect(economics).toContain('return on spend is shown only where all revenue is in EUR');
  });
});

describe('wilsonInterval', () => {
  it('brackets the rate and stays within [0, 1]', () => {
    const ci = wilsonInterval(190, 1900)!;
    expect(ci.low).toBeLessThan(0.1);
    expect(ci.high).toBeGreaterThan(0.1);
    expect(ci.low).toBeCloseTo(0.0874, 3);
    expect(ci.high).toBeCloseTo(0.1142, 3);
    expect(wilsonInterval(0, 50)!.low).toBeCloseTo(0, 10);
    expect(wilsonInterval(50, 50)!.high).toBeCloseTo(1, 10);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});
