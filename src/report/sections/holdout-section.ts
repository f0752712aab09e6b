import type { CampaignMetrics } from '../../metrics/metrics-types.js';
import { formatCount, formatLift, formatPValue, formatRate } from '../format.js';
import { html, type SafeHtml } from '../html.js';

/** Formats a difference of rates in percentage points (`+1.2 pp`). */
function points(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return `${value > 0 ? '+' : ''}${(value * 100).toFixed(2)} pp`;
}

/** Treated vs held out: conversion rates and the campaign's incremental lift (only when it held recipients out). */
export function holdoutSection(m: CampaignMetrics): SafeHtml {
  const h = m.holdout;
  if (!h) return html``;
  const arm = (label: string, key: string, a: typeof h.treated) =>
    html`<tr data-row="${key}"><td>${label}</td><td data-metric="recipients">${formatCount(a.recipients)}</td>
<td data-metric="converted">${formatCount(a.converted)}</td><td data-metric="rate">${formatRate(a.rate, 2)}</td></tr>`;
  const { lift } = h;
  const ci = lift.ci ? `${points(lift.ci.lower)} to ${points(lift.ci.upper)}` : '—';
  const verdict = lift.ci
    ? lift.significant
      ? `The campaign changed conversion: ${points(lift.absolute)} (${formatLift(lift.relative)} relative).`
      : 'No significant difference between the treated and the held-out recipients yet.'
    : 'Not enough recipients in one of the groups to compare.';
  const hours = Math.round(h.attributionWindowMs / 3_600_000);
  return html`<section id="holdout"><h2>Holdout: incremental conversion</h2>
<table><thead><tr><th></th><th>Recipients</th><th>Converted</th><th>Conversion rate</th></tr></thead>
<tbody>${arm('Sent', 'treated', h.treated)}${arm('Held out', 'held-out', h.heldOut)}</tbody></table>
<p data-field="holdout-lift">Lift <strong>${points(lift.absolute)}</strong> (${formatLift(lift.relative)}), ${Math.round(lift.confidenceLevel * 100)}% interval ${ci}, p = ${formatPValue(lift.pValue)}. ${verdict}</p>
<p class="note">A person converted when a conversion names them, or a message the campaign sent them, within ${hours} h of their send (or of being held out). Interval: Newcombe's hybrid score method for a difference of proportions.</p></section>`;
}
