import type { CampaignMetrics } from '../../metrics/metrics-types.js';
import { formatMoney } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { reportVariants } from './variants-section.js';

function returnOnSpend(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : `${value.toFixed(2)}×`;
}

/** Cost, revenue and return on spend, overall and per variant. */
export function economicsSection(m: CampaignMetrics, currency: string): SafeHtml {
  const rows = [
    { key: 'Total', metrics: m },
    ...(m.groups && m.groups.length > 0 ? reportVariants(m) : []),
  ].map(
    (v) => html`<tr data-row="${v.key}"><td>${v.key}</td>
<td data-metric="cost">${formatMoney(v.metrics.cost, currency)}</td>
<td data-metric="revenue">${formatMoney(v.metrics.revenue, currency)}</td>
<td data-metric="revenuePerRecipient">${formatMoney(v.metrics.revenuePerRecipient, currency)}</td>
<td data-metric="returnOnSpend">${returnOnSpend(v.metrics.returnOnSpend)}</td></tr>`,
  );
  const note =
    m.cost === null
      ? 'Cost is unknown: no rate card was given. Pass one (price per billable message by category) to compute it.'
      : 'Cost counts billable messages (delivered templates) at the rate card price of their pricing category.';
  // Conversions that name only the campaign (or a shared code) have no message: say where they count.
  const campaignOnly =
    m.campaignOnlyConversions > 0
      ? html` Revenue includes ${formatMoney(m.campaignOnlyRevenue, currency)} from ${m.campaignOnlyConversions} conversions credited to the campaign but to no message (naming only the campaign, or a shared code): in return on spend, not in revenue per delivered.`
      : '';
  return html`<section id="economics"><h2>Cost and revenue</h2><table><thead><tr><th></th><th>Cost</th><th>Revenue</th><th>Revenue per delivered</th><th>Return on spend</th></tr></thead>
<tbody>${rows}</tbody></table><p class="note">${note}${campaignOnly}</p></section>`;
}
