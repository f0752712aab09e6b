import { html, SafeHtml } from './html.js';
import type { CampaignReportInput } from './report-input.js';
import { economicsSection } from './sections/economics-section.js';
import { failuresSection } from './sections/failures-section.js';
import { funnelSection } from './sections/funnel-section.js';
import { holdoutSection } from './sections/holdout-section.js';
import { kpiCards } from './sections/kpi-cards.js';
import { linksSection } from './sections/links-section.js';
import { optOutsSection } from './sections/opt-outs-section.js';
import { reconciliationSection } from './sections/reconciliation-section.js';
import { sendTimeSection } from './sections/send-time-section.js';
import { variantsSection } from './sections/variants-section.js';
import { verdictSection } from './sections/verdict-section.js';
import { REPORT_CSS } from './styles.js';

/**
 * Renders a campaign's metrics as ONE self-contained HTML page: inline CSS and SVG charts, no
 * scripts and no external assets, so it can be mailed, archived or opened offline. Every string
 * from the input (campaign id, variant names, error titles) is HTML-escaped.
 *
 * @example
 * ```ts
 * const metrics = await computeCampaignMetrics(store, { campaignId: 'spring', groupBy: 'variant' });
 * await writeFile('report.html', renderCampaignReport({ campaignId: 'spring', metrics, generatedAt: new Date() }));
 * ```
 */
export function renderCampaignReport(input: CampaignReportInput): string {
  const { metrics } = input;
  const title = input.title ?? 'Campaign report';
  const currency = input.currency ?? 'USD';
  const generated = input.generatedAt.toISOString().replace('T', ' ').slice(0, 19);
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${title} — ${input.campaignId}</title>
<style>${new SafeHtml(REPORT_CSS)}</style></head>
<body><main>
<header class="report-header"><div><h1>${title}</h1><div class="campaign">Campaign <code data-field="campaign-id">${input.campaignId}</code></div></div>
<div class="generated">Generated ${generated} UTC<br>by wacloud</div></header>
${kpiCards(metrics)}
${funnelSection(metrics)}
${verdictSection(input.comparison)}
${variantsSection(metrics)}
${failuresSection(metrics)}
${linksSection(input.links)}
${optOutsSection(input.optOutsOverTime, metrics.optedOut)}
${sendTimeSection(input.sendTimes)}
${economicsSection(metrics, currency)}
${reconciliationSection(input.reconciliation, currency)}
${holdoutSection(metrics)}
<footer><p>How to read these numbers:</p><ul>
<li><code>delivered</code> may be missing when a message is read the moment it lands; a read message counts as delivered.</li>
<li>Users with read receipts off never send <code>read</code>, so read rates are lower bounds.</li>
<li>WhatsApp sends no webhook when a user blocks you; blocks come from your app or an inference you turn on.</li>
<li>Clicks are tracked-link taps; Meta reports no per-user click events.</li>
</ul></footer>
</main></body></html>
`;
  return page.value;
}
