import type { TemplateAnalyticsDataPoint } from '../client/index.js';
import type { CampaignMetrics } from '../metrics/metrics-types.js';
import type { ReconcileCounts } from './reconcile-types.js';

/** Our counts of a cell, from its metrics. */
export function countsOf(m: CampaignMetrics): ReconcileCounts {
  return { sent: m.sent, delivered: m.delivered, read: m.read, clicks: m.clicks };
}

/** Meta's counts of one data point (clicks: URL button clicks only, not quick replies). */
export function metaCounts(point: TemplateAnalyticsDataPoint): ReconcileCounts {
  const clicks = (point.clicked ?? [])
    .filter((c) => c.type === 'url_button')
    .reduce((sum, c) => sum + c.count, 0);
  return { sent: point.sent ?? 0, delivered: point.delivered ?? 0, read: point.read ?? 0, clicks };
}

/** All counts zero. */
export function zeroCounts(): ReconcileCounts {
  return { sent: 0, delivered: 0, read: 0, clicks: 0 };
}

/** Adds `add` into `into` and returns `into`. */
export function addCounts(into: ReconcileCounts, add: ReconcileCounts): ReconcileCounts {
  into.sent += add.sent;
  into.delivered += add.delivered;
  into.read += add.read;
  into.clicks += add.clicks;
  return into;
}

/** `a` minus `b`, count by count. */
export function subtract(a: ReconcileCounts, b: ReconcileCounts): ReconcileCounts {
  return {
    sent: a.sent - b.sent,
    delivered: a.delivered - b.delivered,
    read: a.read - b.read,
    clicks: a.clicks - b.clicks,
  };
}
