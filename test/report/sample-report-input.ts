import { compareVariants } from '../../src/metrics/compare-variants.js';
import type { CampaignMetrics } from '../../src/metrics/metrics-types.js';
import type { CampaignReportInput } from '../../src/report/index.js';

function rate(n: number, d: number): number | null {
  return d === 0 ? null : n / d;
}

/** Builds consistent CampaignMetrics from counts (rates derived as DESIGN.md defines them). */
export function metricsFrom(c: {
  sent: number;
  rejected?: number;
  delivered: number;
  read: number;
  failed: number;
  pending?: number;
  clicked: number;
  replied: number;
  optedOut: number;
  clicks?: number;
  alreadyOptedOut?: number;
  limitedByMeta?: number;
  converted?: number;
  revenue?: number;
  revenueByCurrency?: CampaignMetrics['revenueByCurrency'];
  cost?: number | null;
  failuresByCode?: CampaignMetrics['failuresByCode'];
  groups?: CampaignMetrics['groups'];
}): CampaignMetrics {
  const converted = c.converted ?? 0;
  const revenue = c.revenue ?? 0;
  const cost = c.cost === undefined ? null : c.cost;
  return {
    sent: c.sent,
    rejected: c.rejected ?? 0,
    delivered: c.delivered,
    read: c.read,
    failed: c.failed,
    pending: c.pending ?? c.sent - c.delivered - c.failed,
    clicked: c.clicked,
    clicks: c.clicks ?? c.clicked,
    replied: c.replied,
    optedOut: c.optedOut,
    alreadyOptedOut: c.alreadyOptedOut ?? 0,
    limitedByMeta: c.limitedByMeta ?? 0,
    blocked: 0,
    converted,
    deliveryRate: rate(c.delivered, c.sent),
    readRate: rate(c.read, c.delivered),
    clickThroughRate: rate(c.clicked, c.delivered),
    replyRate: rate(c.replied, c.delivered),
    optOutRate: rate(c.optedOut, c.delivered),
    blockRate: rate(0, c.sent),
    failureRate: rate(c.failed, c.sent),
    conversionRate: rate(converted, c.delivered),
    revenue,
    revenueByCurrency: c.revenueByCurrency ?? (revenue === 0 ? {} : { '(none)': revenue }),
    revenuePerRecipient: rate(revenue, c.delivered),
    conversionsPerClick: rate(Math.min(converted, c.clicked), c.clicked),
    revenuePerClick: rate(revenue, c.clicked),
    campaignOnlyConversions: 0,
    campaignOnlyRevenue: 0,
    cost,
    returnOnSpend: cost ? revenue / cost : null,
    failuresByCode: c.failuresByCode ?? [],
    ...(c.groups ? { groups: c.groups } : {}),
  };
}

/** A two-variant campaign with failures, opt-outs, cost and revenue, and a hostile variant name. */
export function sampleReportInput(): CampaignReportInput {
  const a = metricsFrom({
    sent: 2000,
    delivered: 1900,
    read: 1400,
    failed: 90,
    alreadyOptedOut: 30,
    clicked: 190,
    replied: 60,
    optedOut: 12,
    converted: 30,
    revenue: 900,
    cost: 116.47,
    failuresByCode: [
      { code: 131026, title: 'Message undeliverable', count: 60 },
      { code: 131050, title: 'User stopped marketing messages', count: 30 },
    ],
  });
  const b = metricsFrom({
    sent: 2000,
    delivered: 1880,
    read: 1420,
    failed: 110,
    alreadyOptedOut: 30,
    clicked: 282,
    replied: 75,
    optedOut: 9,
    converted: 45,
    revenue: 1350,
    cost: 115.24,
    failuresByCode: [
      { code: 131026, title: 'Message undeliverable', count: 80 },
      { code: 131050, title: 'User stopped marketing messages', count: 30 },
    ],
  });
  const total = metricsFrom({
    sent: 4000,
    rejected: 7,
    delivered: 3780,
    read: 2820,
    failed: 200,
    alreadyOptedOut: 62,
    limitedByMeta: 3,
    clicked: 472,
    replied: 135,
    optedOut: 21,
    converted: 75,
    revenue: 2250,
    cost: 231.71,
    failuresByCode: [
      { code: 131026, title: 'Message undeliverable', count: 140 },
      { code: 131050, title: 'User stopped marketing messages', count: 60 },
    ],
    groups: [
      { key: 'A', metrics: a },
      { key: 'B <script>alert(1)</script>', metrics: b },
    ],
  });
  return {
    campaignId: 'spring-sale-2026',
    metrics: total,
    comparison: {
      variantA: 'A',
      variantB: 'B <script>alert(1)</script>',
      result: compareVariants(a, b, 'clickThroughRate'),
    },
    optOutsOverTime: [
      { date: new Date('2026-05-01T00:00:00Z'), count: 9 },
      { date: new Date('2026-05-02T00:00:00Z'), count: 7 },
      { date: new Date('2026-05-03T00:00:00Z'), count: 5 },
    ],
    generatedAt: new Date('2026-05-04T12:00:00Z'),
  };
}
