import { formatCount } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { INK } from './palette.js';

/** One bar of a {@link timeSeriesChart}. */
export interface TimeSeriesPoint {
  /** The bucket's label on the x axis, e.g. `2026-05-01`. */
  label: string;
  /** The value of the bucket. */
  count: number;
}

const WIDTH = 760;
const HEIGHT = 220;
const LEFT = 44;
const BOTTOM = 36;
const TOP = 12;

/** A bar chart over time as inline SVG, with a labelled y axis and at most ~12 x labels. */
export function timeSeriesChart(points: readonly TimeSeriesPoint[], colour: string, label: string): SafeHtml {
  const highest = Math.max(...points.map((p) => p.count), 0);
  const max = Math.max(2, Math.ceil(highest / 2) * 2);
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = (WIDTH - LEFT) / Math.max(points.length, 1);
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  const labelEvery = Math.max(1, Math.ceil(points.length / 12));
  const bars = points.map((point, i) => {
    const h = (point.count / max) * plotHeight;
    const cx = LEFT + slot * i + slot / 2;
    const xLabel =
      i % labelEvery === 0
        ? html`<text x="${cx.toFixed(1)}" y="${HEIGHT - BOTTOM + 16}" font-size="11" fill="${INK.muted}" text-anchor="middle">${point.label}</text>`
        : null;
    return html`<g><title>${point.label}: ${formatCount(point.count)}</title><rect x="${(cx - barWidth / 2).toFixed(1)}" y="${(TOP + plotHeight - h).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${h.toFixed(1)}" rx="2" fill="${colour}"/>${xLabel}</g>`;
  });
  const gridLines = [0, 0.5, 1].map((f) => {
    const y = TOP + plotHeight - f * plotHeight;
    return html`<line x1="${LEFT}" x2="${WIDTH}" y1="${y}" y2="${y}" stroke="${INK.grid}"/>
<text x="${LEFT - 6}" y="${y + 4}" font-size="11" fill="${INK.muted}" text-anchor="end">${formatCount(max * f)}</text>`;
  });
  return html`<svg class="chart time-series" role="img" aria-label="${label}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" xmlns="http://www.w3.org/2000/svg" font-family="inherit">${gridLines}${bars}</svg>`;
}
