import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { benchmarkCampaign } from '../../src/metrics/benchmark-campaign.js';
import { compareVariants } from '../../src/metrics/compare-variants.js';
import type { CampaignMetrics } from '../../src/metrics/metrics-types.js';
import { normalQuantile, twoSidedPValue } from '../../src/metrics/normal-distribution.js';

function metrics(counts: Partial<CampaignMetrics>): CampaignMetrics {
  const zero: CampaignMetrics = {
    sent: 0,
    rejected: 0,
    delivered: 0,
    read: 0,
    failed: 0,
    pending: 0,
    clicked: 0,
    clicks: 0,
    replied: 0,
    optedOut: 0,
    alreadyOptedOut: 0,
    limitedByMeta: 0,
    blocked: 0,
    converted: 0,
    deliveryRate: null,
    readRate: null,
    clickThroughRate: null,
    replyRate: null,
    optOutRate: null,
    blockRate: null,
    failureRate: null,
    conversionRate: null,
    revenue: 0,
    revenueByCurrency: {},
    revenuePerRecipient: null,
    conversionsPerClick: null,
    revenuePerClick: null,
    campaignOnlyConversions: 0,
    campaignOnlyRevenue: 0,
    cost: null,
    returnOnSpend: null,
    failuresByCode: [],
  };
  return { ...zero, ...counts };
}

function assertNoNaN(value: unknown): void {
  if (typeof value === 'number') expect(Number.isNaN(value)).toBe(false);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) assertNoNaN(v);
}

describe('compareVariants', () => {
  it('matches a hand-computed two-proportion z-test', () => {
    const a = metrics({ sent: 1000, delivered: 1000, clicked: 200 });
    const b = metrics({ sent: 1000, delivered: 1000, clicked: 250 });
    const r = compareVariants(a, b, 'clickThroughRate');
    expect(r.a).toEqual({ successes: 200, trials: 1000, rate: 0.2 });
    expect(r.difference).toBeCloseTo(0.05, 12);
    expect(r.lift).toBeCloseTo(0.25, 12);
    expect(r.zScore).toBeCloseTo(2.677397763008329, 9);
    expect(r.pValue).toBeCloseTo(0.007419649261025693, 6);
    expect(r.confidenceInterval!.lower).toBeCloseTo(0.01346362168753984, 7);
    expect(r.confidenceInterval!.upper).toBeCloseTo(0.08653637831246014, 7);
    expect(r).toMatchObject({ significant: true, sampleSizeOk: true, warnings: [] });
    const strict = compareVariants(a, b, 'clickThroughRate', { confidenceLevel: 0.99 });
    expect(strict.confidenceInterval!.lower).toBeCloseTo(0.0019830595637865336, 6);
  });

  it('uses the metric table denominators (failureRate over sent)', () => {
    const r = compareVariants(
      metrics({ sent: 100, failed: 10 }),
      metrics({ sent: 50, failed: 10 }),
      'failureRate',
    );
    expect([r.a.rate, r.b.rate]).toEqual([0.1, 0.2]);
  });

  it('puts blockRate over sent, as the metrics do (inferred blocks are undelivered)', () => {
    const r = compareVariants(
      metrics({ sent: 100, delivered: 10, blocked: 20 }),
      metrics({ sent: 50, delivered: 10, blocked: 20 }),
      'blockRate',
    );
    expect(r.a).toEqual({ successes: 20, trials: 100, rate: 0.2 });
    expect(r.b.rate).toBe(0.4);
  });

  it('is not significant and warns below the minimum sample', () => {
    const r = compareVariants(
      metrics({ delivered: 20, read: 2 }),
      metrics({ delivered: 20, read: 15 }),
      'readRate',
    );
    expect(r.sampleSizeOk).toBe(false);
    expect(r.significant).toBe(false);
    expect(r.warnings.join(' ')).toMatch(/only 20 trials/);
    expect(r.pValue).toBeLessThan(0.05);
  });

  it('never returns NaN: no trials, all-zero and all-one rates', () => {
    const none = compareVariants(metrics({}), metrics({ delivered: 100, clicked: 5 }), 'clickThroughRate');
    expect(none).toMatchObject({
      difference: null,
      lift: null,
      pValue: null,
      confidenceInterval: null,
      significant: false,
    });
    const zeros = compareVariants(
      metrics({ delivered: 100 }),
      metrics({ delivered: 100 }),
      'clickThroughRate',
    );
    expect(zeros).toMatchObject({ difference: 0, lift: null, zScore: 0, pValue: 1, significant: false });
    const ones = compareVariants(
      metrics({ sent: 100, delivered: 100 }),
      metrics({ sent: 80, delivered: 80 }),
      'deliveryRate',
    );
    expect(ones).toMatchObject({
      difference: 0,
      lift: 0,
      pValue: 1,
      confidenceInterval: { lower: 0, upper: 0 },
    });
    for (const r of [none, zeros, ones]) assertNoNaN(r);
  });

  it('rejects unknown metrics and confidence levels outside (0, 1)', () => {
    expect(() => compareVariants(metrics({}), metrics({}), 'sent' as never)).toThrow(ValidationError);
    expect(() => compareVariants(metrics({}), metrics({}), 'readRate', { confidenceLevel: 95 })).toThrow(
      ValidationError,
    );
  });
});

describe('normal distribution helpers', () => {
  it('agree with reference values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.005)).toBeCloseTo(-2.5758293035489, 8);
    expect(twoSidedPValue(1.959963984540054)).toBeCloseTo(0.05, 6);
    expect(twoSidedPValue(0)).toBe(1);
  });
});

describe('benchmarkCampaign', () => {
  it('flags read rate below 85%, CTR below 15% and opt-out above 0.6%', () => {
    const findings = benchmarkCampaign(metrics({ readRate: 0.8, clickThroughRate: 0.2, optOutRate: 0.01 }));
    expect(findings.map((f) => [f.metric, f.status])).toEqual([
      ['readRate', 'attention'],
      ['clickThroughRate', 'ok'],
      ['optOutRate', 'attention'],
    ]);
    expect(findings[0]!.message).toBe('Read rate 80% is below the 85% reference.');
    expect(findings[2]!.message).toBe('Opt-out rate 1% is above the 0.6% reference.');
  });

  it('reports no_data for null rates and accepts custom rules', () => {
    const [finding] = benchmarkCampaign(metrics({}), [
      { metric: 'readRate', direction: 'min', reference: 0.5 },
    ]);
    expect(finding).toMatchObject({ status: 'no_data', value: null });
  });
});
