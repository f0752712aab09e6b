export { optOutsOverTime } from './opt-outs-over-time.js';
export { type ProportionInterval, wilsonInterval } from './proportion-interval.js';
export { recipientDataToCsv } from './recipient-data-csv.js';
export { renderCampaignReport } from './render-campaign-report.js';
export type { CampaignReportInput, OptOutBucket, ReportComparison } from './report-input.js';
