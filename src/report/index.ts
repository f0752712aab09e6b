/** The HTML campaign report (public: every name here is exported from the root). */

export {
  EVENT_EXPORT_CSV_COLUMNS,
  EVENT_EXPORT_FORMATS,
  type EventExportFormat,
  type ExportEventsOptions,
  exportEvents,
} from './export-events.js';
export {
  type LinkAndButtonQuery,
  type LinkAndButtonStats,
  linkAndButtonStats,
  type TapCounts,
  type TapTargetStats,
} from './link-and-button-stats.js';
export { optOutsOverTime } from './opt-outs-over-time.js';
export type { ProportionInterval } from './proportion-interval.js';
export { recipientDataToCsv } from './recipient-data-csv.js';
export { renderCampaignReport } from './render-campaign-report.js';
export type { CampaignReportInput, OptOutBucket, ReportComparison } from './report-input.js';
export type { ReportReconcileCounts, ReportReconciliation } from './report-reconciliation.js';
export {
  type BestSendTime,
  SEND_TIME_RATES,
  type SendTimeCell,
  type SendTimeEstimate,
  type SendTimeHeatmap,
  type SendTimeQuery,
  type SendTimeRate,
  sendTimeHeatmap,
} from './send-time-heatmap.js';
