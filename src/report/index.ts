/** The HTML campaign report (public: every name here is exported from the root). */

export { optOutsOverTime } from './opt-outs-over-time.js';
export { recipientDataToCsv } from './recipient-data-csv.js';
export { renderCampaignReport } from './render-campaign-report.js';
export type { CampaignReportInput, OptOutBucket, ReportComparison } from './report-input.js';
