import type { CampaignMetrics } from '../../metrics/campaign-metrics.js';
import { formatCount, formatRate } from '../format.js';
import { html, type SafeHtml } from '../html.js';

function card(key: string, label: string, value: string, sub: string): SafeHtml {
  return html`<div class="kpi" data-kpi="${key}"><div class="label">${label}</div><div class="value">${value}</div><div class="sub">${sub}</div></div>`;
}

/** The row of headline numbers at the top of the report. */
export function kpiCards(m: CampaignMetrics): SafeHtml {
  return html`<div class="kpis">
${card('sent', 'Sent', formatCount(m.sent), `${formatCount(m.rejected)} rejected by the API`)}
${card('delivered', 'Delivered', formatRate(m.deliveryRate), `${formatCount(m.delivered)} messages`)}
${card('read', 'Read', formatRate(m.readRate), `${formatCount(m.read)} of delivered`)}
${card('clicked', 'Click-through', formatRate(m.clickThroughRate), `${formatCount(m.clicked)} clicked`)}
${card('replied', 'Replies', formatRate(m.replyRate), `${formatCount(m.replied)} replied`)}
${card('opted-out', 'Opt-outs', formatRate(m.optOutRate), `${formatCount(m.optedOut)} opted out`)}
${card('failed', 'Failed', formatRate(m.failureRate), `${formatCount(m.failed)} of sent`)}
</div>`;
}
