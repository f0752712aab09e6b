import type { CampaignMetrics } from '../../metrics/metrics-types.js';
import { formatCount, formatRate } from '../format.js';
import { html, type SafeHtml } from '../html.js';

function card(key: string, label: string, value: string, sub: string): SafeHtml {
  return html`<div class="kpi" data-kpi="${key}"><div class="label">${label}</div><div class="value">${value}</div><div class="sub">${sub}</div></div>`;
}

/**
 * The rows of headline numbers at the top of the report: the engagement rates, then where the rest of
 * the sends went (failed, pending, already opted out, limited by Meta), so sent = delivered + failed +
 * pending can be read off the cards.
 */
export function kpiCards(m: CampaignMetrics): SafeHtml {
  const pendingShare = m.sent === 0 ? null : m.pending / m.sent;
  return html`<div class="kpis">
${card('sent', 'Sent', formatCount(m.sent), `${formatCount(m.rejected)} rejected by the API`)}
${card('delivered', 'Delivered', formatRate(m.deliveryRate), `${formatCount(m.delivered)} messages`)}
${card('read', 'Read', formatRate(m.readRate), `${formatCount(m.read)} of delivered`)}
${card('clicked', 'Click-through', formatRate(m.clickThroughRate), `${formatCount(m.clicked)} clicked, ${formatCount(m.clicks)} clicks`)}
${card('replied', 'Replies', formatRate(m.replyRate), `${formatCount(m.replied)} replied`)}
${card('opted-out', 'Opt-outs', formatRate(m.optOutRate), `${formatCount(m.optedOut)} opted out`)}
</div>
<div class="kpis">
${card('failed', 'Failed', formatRate(m.failureRate), `${formatCount(m.failed)} of sent`)}
${card('pending', 'Pending', formatRate(pendingShare), `${formatCount(m.pending)} of sent: no delivery or failure reported yet`)}
${card('already-opted-out', 'Already opted out', formatCount(m.alreadyOptedOut), 'error 131050: stopped marketing before this campaign; not new opt-outs')}
${card('limited-by-meta', 'Limited by Meta', formatCount(m.limitedByMeta), "error 131049: Meta's per-user marketing limit")}
</div>`;
}
