import { formatCount, formatMoney } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { ReportReconcileCounts, ReportReconciliation } from '../report-reconciliation.js';

const COUNTS = ['sent', 'delivered', 'read', 'clicks'] as const;

/** What each `ReconcileCause` means, in the reader's words. */
const CAUSE_TEXT: Readonly<Record<string, string>> = {
  webhooks_not_received:
    'Meta delivered more than we recorded: status webhooks never reached the store (fill them in with fillGapsFromHistory).',
  read_receipts_off:
    'Only read counts differ on a settled day: users with read receipts off are counted differently.',
  meta_still_counting: "The day is under 7 days old: Meta's read and click counts keep growing for 7 days.",
  click_tracking_differs:
    'Meta counts taps on its own tracked URL buttons; we count clicks through our tracked links.',
  analytics_unavailable:
    'Meta returned no template analytics (not offered in the EU, the UK and Japan, or not enabled).',
};

function signed(value: number): string {
  return value > 0 ? `+${formatCount(value)}` : value < 0 ? `−${formatCount(-value)}` : '0';
}

function countCells(
  ours: ReportReconcileCounts,
  meta: ReportReconcileCounts | null,
  difference: ReportReconcileCounts | null,
): SafeHtml[] {
  return COUNTS.map(
    (key) =>
      html`<td data-metric="${key}">${formatCount(ours[key])}<span class="ci">Meta ${meta ? formatCount(meta[key]) : '—'}${
        difference && difference[key] !== 0
          ? html` (<span data-difference="${key}">${signed(difference[key])}</span>)`
          : ''
      }</span></td>`,
  );
}

/**
 * Our counts beside Meta's `template_analytics`, per day and template, with the difference and its
 * likely causes, and our cost beside Meta's account cost (`reconcileCampaign`).
 */
export function reconciliationSection(r: ReportReconciliation | undefined, currency: string): SafeHtml {
  if (r === undefined) return html``;
  const rows = r.cells.map(
    (c) => html`<tr data-row="${c.day} ${c.templateName}"><td>${c.day}</td><td>${c.templateName}</td>
${countCells(c.ours, c.meta, c.difference)}<td class="title">${c.causes.join(', ')}</td></tr>`,
  );
  const total = html`<tr data-row="Total"><td>Total</td><td></td>${countCells(r.totals.ours, r.totals.meta, r.totals.difference)}<td></td></tr>`;
  const causes =
    r.causes.length === 0
      ? html`<p class="note">Our counts and Meta's agree.</p>`
      : html`<ul class="causes">${r.causes.map(
          (cause) => html`<li data-cause="${cause}"><code>${cause}</code>: ${CAUSE_TEXT[cause] ?? ''}</li>`,
        )}</ul>`;
  return html`<section id="reconciliation"><h2>Our numbers beside Meta's</h2>
<div class="table-wrap"><table><thead><tr><th>Day</th><th>Template</th><th>Sent</th><th>Delivered</th><th>Read</th><th>Clicks</th><th class="title">Likely causes</th></tr></thead>
<tbody>${rows}${total}</tbody></table></div>
${causes}
<p class="note">Each cell: our count, then Meta's <code>template_analytics</code> count and the difference (Meta's minus ours). Meta counts every send of the template that day, other campaigns' too. Cost: ours <span data-cost="ours">${formatMoney(r.cost.ours, currency)}</span>; Meta's <code>pricing_analytics</code> for the whole account over the same days <span data-cost="meta">${formatMoney(r.cost.metaAccount, currency)}</span>.</p></section>`;
}
