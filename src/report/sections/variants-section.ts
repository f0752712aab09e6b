import type { CampaignMetrics } from '../../metrics/metrics-types.js';
import { intervalChart } from '../charts/interval-chart.js';
import { seriesColour } from '../charts/palette.js';
import { formatCount, formatRate } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { wilsonInterval } from '../proportion-interval.js';
import { RATE_DEFINITIONS } from '../rate-definitions.js';

/** A labelled slice of the campaign: a variant (or the whole campaign when it has no groups). */
export interface ReportVariant {
  /** Variant name. */
  key: string;
  /** Its metrics. */
  metrics: CampaignMetrics;
}

/** The variants to show: the metric groups, or one row for the whole campaign. */
export function reportVariants(m: CampaignMetrics): ReportVariant[] {
  return m.groups && m.groups.length > 0 ? m.groups : [{ key: 'All recipients', metrics: m }];
}

function rateCell(key: string, successes: number, trials: number, rate: number | null): SafeHtml {
  const ci = wilsonInterval(successes, trials);
  const ciText = ci ? `CI ${formatRate(ci.low).replace('%', '')}–${formatRate(ci.high)}` : 'no data';
  return html`<td data-metric="${key}">${formatRate(rate)}<span class="ci">${ciText}</span></td>`;
}

/** Per-variant counts and rates with 95% Wilson intervals, as a table and forest plots. */
export function variantsSection(m: CampaignMetrics): SafeHtml {
  const variants = reportVariants(m);
  const rows = variants.map(
    (v, i) => html`<tr data-variant="${v.key}">
<td><span class="swatch" style="background:${seriesColour(i)}"></span>${v.key}</td>
<td data-metric="sent">${formatCount(v.metrics.sent)}</td>
<td data-metric="delivered">${formatCount(v.metrics.delivered)}</td>
${RATE_DEFINITIONS.map((d) => rateCell(d.key, d.successes(v.metrics), d.trials(v.metrics), v.metrics[d.key] as number | null))}
</tr>`,
  );
  const charts = RATE_DEFINITIONS.filter((d) => variants.some((v) => d.trials(v.metrics) > 0)).map((d) =>
    intervalChart(
      d.label,
      variants.map((v, i) => ({
        label: v.key,
        rate: v.metrics[d.key] as number | null,
        interval: wilsonInterval(d.successes(v.metrics), d.trials(v.metrics)),
        colourIndex: i,
      })),
    ),
  );
  return html`<section id="variants"><h2>Rates by variant</h2>
<div class="table-wrap"><table><thead><tr><th>Variant</th><th>Sent</th><th>Delivered</th>${RATE_DEFINITIONS.map((d) => html`<th>${d.label}</th>`)}</tr></thead>
<tbody>${rows}</tbody></table></div>
<div class="charts">${charts}</div>
<p class="note">Intervals are 95% Wilson score intervals. Read rates are lower bounds: users who turned read receipts off never send <code>read</code>.</p></section>`;
}
