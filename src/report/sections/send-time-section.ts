import { formatCount, formatRate } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import {
  SEND_TIME_RATES,
  type SendTimeCell,
  type SendTimeHeatmap,
  type SendTimeRate,
} from '../send-time-heatmap.js';

const WEEKDAYS = ['1 Mon', '2 Tue', '3 Wed', '4 Thu', '5 Fri', '6 Sat', '7 Sun'];
const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
const LABELS: Record<SendTimeRate, string> = {
  readRate: 'Read rate',
  clickThroughRate: 'Click-through rate',
  replyRate: 'Reply rate',
};

function cellTitle(cell: SendTimeCell, rate: SendTimeRate): string {
  const { rate: value, interval } = cell.rates[rate];
  const ci = interval ? ` (95% CI ${formatRate(interval.low)}–${formatRate(interval.high)})` : '';
  const sample = cell.enough ? '' : ', too few to judge';
  return `${cell.weekday.slice(2)} ${cell.hour}:00 — ${formatRate(value)}${ci}, ${formatCount(cell.delivered)} delivered${sample}`;
}

/** One rate as a weekday × hour grid: darker is higher; cells below the minimum sample are hatched. */
function grid(heatmap: SendTimeHeatmap, rate: SendTimeRate): SafeHtml {
  const byKey = new Map(heatmap.cells.map((c) => [`${c.weekday} ${c.hour}`, c]));
  let top = 0;
  for (const c of heatmap.cells) if (c.enough) top = Math.max(top, c.rates[rate].rate ?? 0);
  const best = heatmap.best[rate];
  const rows = WEEKDAYS.map((weekday) => {
    const cells = HOURS.map((hour) => {
      const cell = byKey.get(`${weekday} ${hour}`);
      if (!cell) return html`<td class="heat-empty"></td>`;
      const value = cell.rates[rate].rate;
      const isBest = best !== null && best.weekday === weekday && best.hour === hour;
      const alpha = cell.enough && value !== null && top > 0 ? 0.12 + 0.88 * (value / top) : 0;
      const style = cell.enough ? `background:rgba(37,99,235,${alpha.toFixed(3)})` : '';
      return html`<td class="${cell.enough ? 'heat' : 'heat heat-few'}${isBest ? ' heat-best' : ''}" style="${style}" data-weekday="${weekday}" data-hour="${hour}" data-rate="${value === null ? '' : value.toFixed(4)}" title="${cellTitle(cell, rate)}"></td>`;
    });
    return html`<tr><th scope="row">${weekday.slice(2)}</th>${cells}</tr>`;
  });
  const bestText = best
    ? html`Best: <strong data-best="${rate}">${best.weekday.slice(2)} ${best.hour}:00</strong> at ${formatRate(best.estimate.rate)} (95% CI ${formatRate(best.estimate.interval?.low)}–${formatRate(best.estimate.interval?.high)}).`
    : html`No cell has ${formatCount(heatmap.minSample)} delivered messages yet.`;
  return html`<figure class="heatmap" data-rate-grid="${rate}"><figcaption>${LABELS[rate]} — ${bestText}</figcaption>
<table><thead><tr><th></th>${HOURS.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table></figure>`;
}

/** The best-send-time heatmaps (read, click-through and reply rate by local weekday × hour), or nothing. */
export function sendTimeSection(heatmap: SendTimeHeatmap | undefined): SafeHtml {
  if (!heatmap) return html``;
  const body =
    heatmap.cells.length === 0
      ? html`<p class="empty">No messages to place in time.</p>`
      : SEND_TIME_RATES.map((rate) => grid(heatmap, rate));
  return html`<section id="send-times"><h2>When to send</h2>${body}
<p class="note">Hours and weekdays are the recipient's local time at sending (their record's time zone, else their phone number's country when it has one offset, else the report's time zone). Hatched cells have fewer than ${formatCount(heatmap.minSample)} delivered messages and are never picked as best; the best cell has the highest lower bound of its 95% Wilson interval.</p></section>`;
}
