import { describe, expect, it } from 'vitest';
import { holdoutLiftEstimate } from '../../src/metrics/holdout-lift.js';
import { renderCampaignReport } from '../../src/report/index.js';
import { sampleReportInput } from './sample-report-input.js';

describe('report holdout section', () => {
  it('shows treated vs held out and the lift with its interval when the campaign held people out', () => {
    const input = sampleReportInput();
    const treated = { recipients: 9500, converted: 570, rate: 570 / 9500 };
    const heldOut = { recipients: 500, converted: 20, rate: 0.04 };
    input.metrics = {
      ...input.metrics,
      holdout: {
        treated,
        heldOut,
        attributionWindowMs: 72 * 3_600_000,
        lift: holdoutLiftEstimate(treated, heldOut),
      },
    };
    const page = renderCampaignReport(input);
    expect(page).toContain('<section id="holdout">');
    expect(page).toMatch(/data-row="treated">[\s\S]*?9,500[\s\S]*?570[\s\S]*?6\.00%/);
    expect(page).toMatch(/data-row="held-out">[\s\S]*?500[\s\S]*?20[\s\S]*?4\.00%/);
    expect(page).toContain('Lift <strong>+2.00 pp</strong> (+50.0%)');
    expect(page).toContain('within 72 h');
  });

  it('has no holdout section without a holdout', () => {
    expect(renderCampaignReport(sampleReportInput())).not.toContain('id="holdout"');
  });
});
