import { seriesColour } from '../charts/palette.js';
import { timeSeriesChart } from '../charts/time-series-chart.js';
import { formatCount } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { OptOutBucket } from '../report-input.js';

/** Labels as short as the buckets allow: a date for whole days, a time for finer buckets. */
function bucketLabels(dates: readonly (Date | string)[]): string[] {
  const isoDates = dates.filter((d): d is Date => d instanceof Date).map((d) => d.toISOString());
  const allMidnight = isoDates.every((iso) => iso.endsWith('T00:00:00.000Z'));
  const allWholeMinutes = isoDates.every((iso) => iso.endsWith(':00.000Z'));
  return dates.map((date) => {
    if (typeof date === 'string') return date;
    const iso = date.toISOString();
    if (allMidnight) return iso.slice(0, 10);
    return allWholeMinutes ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 19);
  });
}

/** Opt-outs over time as a bar chart (or a note when no timeline was given). */
export function optOutsSection(
  buckets: readonly OptOutBucket[] | undefined,
  totalOptedOut: number,
): SafeHtml {
  const body =
    buckets && buckets.length > 0
      ? timeSeriesChart(
          bucketLabels(buckets.map((b) => b.date)).map((label, i) => ({
            label,
            count: buckets[i]?.count ?? 0,
          })),
          seriesColour(4),
          'Opt-outs over time',
        )
      : html`<p class="empty">No opt-out timeline was provided.</p>`;
  return html`<section id="opt-outs"><h2>Opt-outs over time</h2>${body}
<p class="note">${formatCount(totalOptedOut)} messages led to an opt-out (WhatsApp stop preference, error 131050, a STOP quick reply or keyword). The chart counts each recipient once, at their first signal (times in UTC).</p></section>`;
}
