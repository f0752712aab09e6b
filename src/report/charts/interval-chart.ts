import { formatRate } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { ProportionInterval } from '../proportion-interval.js';
import { INK, seriesColour } from './palette.js';

/** One estimate on an {@link intervalChart}: a labelled rate and its confidence interval. */
export interface IntervalPoint {
  /** Row label, e.g. the variant name. */
  label: string;
  /** The rate (0–1), or `null` when it has no denominator. */
  rate: number | null;
  /** Its 95% interval, or `null`. */
  interval: ProportionInterval | null;
  /** Index into the series palette. */
  colourIndex: number;
}

const WIDTH = 360;
const ROW = 30;
const LABEL_WIDTH = 90;
const PLOT = WIDTH - LABEL_WIDTH - 64;

/** Keeps long variant names from running into the plot (the full name is in the row's title). */
function shorten(label: string): string {
  return label.length > 13 ? `${label.slice(0, 12)}…` : label;
}

/** Rounds the axis maximum up to a readable step so small rates are not squashed against 0. */
function axisMax(points: readonly IntervalPoint[]): number {
  const highest = Math.max(0, ...points.map((p) => p.interval?.high ?? p.rate ?? 0));
  for (const step of [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 0.75, 1]) if (highest <= step) return step;
  return 1;
}

/** A small forest plot as inline SVG: one row per variant, a dot at the rate and whiskers for its 95% CI. */
export function intervalChart(title: string, points: readonly IntervalPoint[]): SafeHtml {
  const max = axisMax(points);
  const x = (v: number) => LABEL_WIDTH + (Math.min(v, max) / max) * PLOT;
  const height = points.length * ROW + 40;
  const rows = points.map((point, i) => {
    const y = 30 + i * ROW + ROW / 2;
    const colour = seriesColour(point.colourIndex);
    const whisker = point.interval
      ? html`<line x1="${x(point.interval.low).toFixed(1)}" x2="${x(point.interval.high).toFixed(1)}" y1="${y}" y2="${y}" stroke="${colour}" stroke-width="2"/>
<line x1="${x(point.interval.low).toFixed(1)}" x2="${x(point.interval.low).toFixed(1)}" y1="${y - 6}" y2="${y + 6}" stroke="${colour}" stroke-width="2"/>
<line x1="${x(point.interval.high).toFixed(1)}" x2="${x(point.interval.high).toFixed(1)}" y1="${y - 6}" y2="${y + 6}" stroke="${colour}" stroke-width="2"/>`
      : null;
    const dot =
      point.rate === null
        ? null
        : html`<circle cx="${x(point.rate).toFixed(1)}" cy="${y}" r="5" fill="${colour}"/>`;
    return html`<g><title>${point.label}</title><text x="0" y="${y + 4}" font-size="12" fill="${INK.text}">${shorten(point.label)}</text>${whisker}${dot}
<text x="${WIDTH}" y="${y + 4}" font-size="12" fill="${INK.text}" text-anchor="end" font-weight="600">${formatRate(point.rate)}</text></g>`;
  });
  const ticks = [0, 0.5, 1].map(
    (f) => html`<line x1="${x(max * f)}" x2="${x(max * f)}" y1="22" y2="${height - 4}" stroke="${INK.grid}"/>
<text x="${x(max * f)}" y="16" font-size="10" fill="${INK.muted}" text-anchor="middle">${formatRate(max * f, Number.isInteger(Math.round(max * f * 1000) / 10) ? 0 : 1)}</text>`,
  );
  return html`<figure class="interval-chart"><figcaption>${title}</figcaption><svg class="chart" role="img" aria-label="${title}" viewBox="0 0 ${WIDTH} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg" font-family="inherit">${ticks}${rows}</svg></figure>`;
}
