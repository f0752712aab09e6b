import { describe, expect, it } from 'vitest';
import type { CampaignReconciliation } from '../../src/insights/index.js';
import { renderCampaignReport } from '../../src/report/index.js';
import { metricsFrom } from './sample-report-input.js';

const counts = (sent: number, delivered: number, read: number, clicks: number) => ({
  sent,
  delivered,
  read,
  clicks,
});

/** Typed as reconcileCampaign's result: the report takes it as is. */
const reconciliation: CampaignReconciliation = {
  campaignId: 'spring',
  cells: [
    {
      day: '2026-05-01',
      templateName: 'spring_<sale>',
      templateIds: ['1'],
      ours: counts(100, 90, 60, 5),
      meta: counts(100, 97, 60, 5),
      difference: counts(0, 7, 0, 0),
      causes: ['webhooks_not_received'],
      cost: { ours: 4.5, meta: 4.85 },
    },
    {
      day: '2026-05-02',
      templateName: 'spring_<sale>',
      templateIds: ['1'],
      ours: counts(50, 50, 30, 2),
      meta: counts(50, 50, 30, 2),
      difference: counts(0, 0, 0, 0),
      causes: [],
      cost: { ours: 2.5, meta: 2.5 },
    },
  ],
  totals: { ours: counts(150, 140, 90, 7), meta: counts(150, 147, 90, 7), difference: counts(0, 7, 0, 0) },
  causes: ['webhooks_not_received'],
  cost: { ours: 7, metaAccount: 9.25 },
};

const input = {
  campaignId: 'spring',
  metrics: metricsFrom({
    sent: 150,
    delivered: 140,
    read: 90,
    failed: 0,
    clicked: 7,
    replied: 0,
    optedOut: 0,
  }),
  generatedAt: new Date('2026-05-10T00:00:00Z'),
};

describe('the report reconciliation section', () => {
  it("sets our counts beside Meta's per day and template, with the difference and its causes", () => {
    const page = renderCampaignReport({ ...input, reconciliation });
    const section = page.slice(page.indexOf('<section id="reconciliation">'));
    expect(section).toContain("Our numbers beside Meta's");
    const row = (key: string) => section.slice(section.indexOf(`data-row="${key}"`)).split('</tr>')[0]!;
    const first = row('2026-05-01 spring_&lt;sale&gt;');
    expect(first).toContain('spring_&lt;sale&gt;'); // escaped
    expect(first).toMatch(
      /data-metric="delivered">90<span class="ci">Meta 97 \(<span data-difference="delivered">\+7</,
    );
    expect(first).not.toContain('data-difference="sent"');
    expect(first).toContain('webhooks_not_received');
    expect(row('2026-05-02 spring_&lt;sale&gt;')).not.toContain('data-difference');
    expect(row('Total')).toMatch(/data-metric="sent">150<span class="ci">Meta 150</);
    expect(section).toContain('data-cause="webhooks_not_received"');
    expect(section).toContain('status webhooks never reached the store');
    expect(section).toMatch(/data-cost="ours">\$7\.00</);
    expect(section).toMatch(/data-cost="meta">\$9\.25</);
    expect(page).not.toContain('spring_<sale>');
  });

  it('is left out without a reconciliation, and says so when the counts agree', () => {
    expect(renderCampaignReport(input)).not.toContain('id="reconciliation"');
    const agreed = renderCampaignReport({
      ...input,
      reconciliation: { ...reconciliation, cells: [reconciliation.cells[1]!], causes: [] },
    });
    expect(agreed).toContain("Our counts and Meta's agree.");
  });
});
