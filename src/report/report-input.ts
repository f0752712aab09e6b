import type { VariantComparison } from '../metrics/compare-variants.js';
import type { CampaignMetrics } from '../metrics/metrics-types.js';
import type { LinkAndButtonStats } from './link-and-button-stats.js';
import type { ReportReconciliation } from './report-reconciliation.js';
import type { SendTimeHeatmap } from './send-time-heatmap.js';

/** The A/B comparison shown in the report's verdict: a `compareVariants` result and the variants' names. */
export interface ReportComparison {
  /** Name of variant A (the baseline), e.g. its `groups[].key`. */
  variantA: string;
  /** Name of variant B (the challenger). */
  variantB: string;
  /** What `compareVariants(a, b, metric)` returned. */
  result: VariantComparison;
}

/** Opt-outs counted in one time bucket (a day, an hour...). */
export interface OptOutBucket {
  /** Start of the bucket: a Date, or a label such as `2026-05-01`. */
  date: Date | string;
  /** Opt-outs in the bucket. */
  count: number;
}

/** Everything {@link renderCampaignReport} draws. */
export interface CampaignReportInput {
  /** The campaign the report is about. */
  campaignId: string;
  /** Its metrics, ideally computed with `groupBy: 'variant'` so each variant gets a row. */
  metrics: CampaignMetrics;
  /** The A/B comparison for the verdict; without it the verdict says none was run. */
  comparison?: ReportComparison;
  /** Opt-outs over time, oldest first. */
  optOutsOverTime?: readonly OptOutBucket[];
  /** Rates by the recipients' local weekday × hour of sending (`sendTimeHeatmap`), drawn as heatmaps. */
  sendTimes?: SendTimeHeatmap;
  /** Our counts beside Meta's (`reconcileCampaign`'s result); without it the section is left out. */
  reconciliation?: ReportReconciliation;
  /** Clicks per tracked URL and taps per quick-reply payload (`linkAndButtonStats`); without it, no such section. */
  links?: LinkAndButtonStats;
  /** When the report was generated (shown in the header; injected so output is reproducible). */
  generatedAt: Date;
  /** ISO 4217 currency of cost and revenue (default `USD`). */
  currency?: string;
  /** Page title (default `Campaign report`). */
  title?: string;
}
