import { formatLift, formatPValue, formatRate } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { metricLabel } from '../rate-definitions.js';
import type { ReportComparison } from '../report-input.js';

/** The verdict's headline: which variant won, or why there is no winner. */
export function verdictHeadline(c: ReportComparison): { kind: 'winner' | 'inconclusive'; text: string } {
  const r = c.result;
  const label = metricLabel(r.metric).toLowerCase();
  if (!r.significant || r.a.rate === null || r.b.rate === null || r.a.rate === r.b.rate) {
    const why = r.sampleSizeOk ? 'yet' : '(sample too small to judge)';
    return {
      kind: 'inconclusive',
      text: `No significant difference in ${label} between ${c.variantA} and ${c.variantB} ${why}.`,
    };
  }
  const [winner, loser] = r.b.rate > r.a.rate ? [c.variantB, c.variantA] : [c.variantA, c.variantB];
  return { kind: 'winner', text: `${winner} beats ${loser} on ${label}.` };
}

/** The A/B verdict callout: headline, both rates, lift, interval of the difference and p-value. */
export function verdictSection(comparison: ReportComparison | undefined): SafeHtml {
  if (!comparison) {
    return html`<section id="verdict"><h2>A/B verdict</h2><div class="verdict none"><strong>No A/B comparison in this report.</strong>Send at least two variants and pass a comparison to see a verdict.</div></section>`;
  }
  const r = comparison.result;
  const headline = verdictHeadline(comparison);
  const ci = r.confidenceInterval
    ? `${formatRate(r.confidenceInterval.lower, 2)} to ${formatRate(r.confidenceInterval.upper, 2)}`
    : '—';
  const level = `${Math.round(r.confidenceLevel * 100)}%`;
  const warnings =
    r.warnings.length > 0
      ? html`<ul class="warnings">${r.warnings.map((w) => html`<li>${w}</li>`)}</ul>`
      : null;
  return html`<section id="verdict"><h2>A/B verdict</h2><div class="verdict ${headline.kind}" data-verdict="${headline.kind}">
<strong>${headline.text}</strong>${metricLabel(r.metric)}, two-proportion z-test at ${level} confidence.
<dl>
<div><dt>${comparison.variantA}</dt><dd data-rate="a">${formatRate(r.a.rate, 2)} <small>(${r.a.successes}/${r.a.trials})</small></dd></div>
<div><dt>${comparison.variantB}</dt><dd data-rate="b">${formatRate(r.b.rate, 2)} <small>(${r.b.successes}/${r.b.trials})</small></dd></div>
<div><dt>Lift (B vs A)</dt><dd data-field="lift">${formatLift(r.lift)}</dd></div>
<div><dt>${level} CI of B − A</dt><dd data-field="ci">${ci}</dd></div>
<div><dt>p-value</dt><dd data-field="p-value">${formatPValue(r.pValue)}</dd></div>
</dl>${warnings}</div></section>`;
}
