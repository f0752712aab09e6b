import type { CampaignMetrics } from '../../metrics/metrics-types.js';
import { NO_CURRENCY } from '../../metrics/revenue-currency.js';
import { formatMoney } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { reportVariants } from './variants-section.js';

function returnOnSpend(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : `${value.toFixed(2)}×`;
}

/** Revenue amounts, one per currency (values without one are taken to be in `currency`). */
function amounts(byCurrency: Record<string, number>, currency: string, divisor: number): SafeHtml {
  const codes = Object.keys(byCurrency);
  if (divisor === 0) return html`—`;
  if (codes.length === 0) return html`${formatMoney(0, currency)}`;
  return html`${codes.map(
    (code, i) =>
      html`${i > 0 ? html`<br>` : ''}<span data-currency="${code === NO_CURRENCY ? currency : code}">${formatMoney(
        byCurrency[code]! / divisor,
        code === NO_CURRENCY ? currency : code,
      )}</span>`,
  )}`;
}

/** Whether all revenue is in the report's currency, so it can be set against the cost. */
function inReportCurrency(m: CampaignMetrics, currency: string): boolean {
  return Object.keys(m.revenueByCurrency).every((code) => code === NO_CURRENCY || code === currency);
}

/**
 * Cost, revenue and return on spend, overall and per group (variant, segment...). Revenue is shown per
 * currency, never summed across currencies; return on spend only when revenue is in the cost's currency.
 */
export function economicsSection(m: CampaignMetrics, currency: string): SafeHtml {
  const rows = [
    { key: 'Total', metrics: m },
    ...(m.groups && m.groups.length > 0 ? reportVariants(m) : []),
  ].map(
    (v) => html`<tr data-row="${v.key}"><td>${v.key}</td>
<td data-metric="cost">${formatMoney(v.metrics.cost, currency)}</td>
<td data-metric="revenue">${amounts(v.metrics.revenueByCurrency, currency, 1)}</td>
<td data-metric="revenuePerRecipient">${inReportCurrency(v.metrics, currency) ? formatMoney(v.metrics.revenuePerRecipient, currency) : amounts(v.metrics.revenueByCurrency, currency, v.metrics.delivered)}</td>
<td data-metric="returnOnSpend">${inReportCurrency(v.metrics, currency) ? returnOnSpend(v.metrics.returnOnSpend) : '—'}</td></tr>`,
  );
  const costNote =
    m.cost === null
      ? 'Cost is unknown: no rate card was given. Pass one (price per billable message by category) to compute it.'
      : 'Cost counts billable messages (delivered templates) at the rate card price of their pricing category.';
  const mixed = inReportCurrency(m, currency)
    ? ''
    : ` Revenue is kept per currency; return on spend is shown only where all revenue is in ${currency}, the cost's currency.`;
  // Conversions that name only the campaign (or a shared code) have no message: say where they count.
  const campaignOnly =
    m.campaignOnlyConversions > 0
      ? html` Revenue includes ${formatMoney(m.campaignOnlyRevenue, currency)} from ${m.campaignOnlyConversions} conversions credited to the campaign but to no message (naming only the campaign, or a shared code): in return on spend, not in revenue per delivered.`
      : '';
  return html`<section id="economics"><h2>Cost and revenue</h2><table><thead><tr><th></th><th>Cost</th><th>Revenue</th><th>Revenue per delivered</th><th>Return on spend</th></tr></thead>
<tbody>${rows}</tbody></table><p class="note">${costNote}${mixed}${campaignOnly}</p></section>`;
}
