import { formatCount, formatRate } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { INK } from './palette.js';

/** One step of the funnel: a label and how many messages reached it. */
export interface FunnelStep {
  /** What the step is, e.g. `Delivered`. */
  label: string;
  /** Messages that reached the step. */
  count: number;
}

const WIDTH = 760;
const ROW = 46;
const LABEL_WIDTH = 120;
const BAR_MAX = WIDTH - LABEL_WIDTH - 170;

/**
 * A horizontal funnel as inline SVG: one bar per step, scaled to the first step, labelled with the
 * count and its share of the first step.
 */
export function funnelChart(steps: readonly FunnelStep[], colour: string): SafeHtml {
  const top = Math.max(steps[0]?.count ?? 0, 1);
  const height = steps.length * ROW + 8;
  const rows = steps.map((step, i) => {
    const y = i * ROW + 4;
    const width = Math.max((step.count / top) * BAR_MAX, step.count > 0 ? 2 : 0);
    const share = steps[0] && steps[0].count > 0 ? step.count / steps[0].count : null;
    const opacity = 1 - i * (0.55 / Math.max(steps.length - 1, 1));
    return html`<g class="funnel-step" data-step="${step.label}">
<text x="0" y="${y + 25}" fill="${INK.text}" font-size="14" font-weight="600">${step.label}</text>
<rect x="${LABEL_WIDTH}" y="${y + 6}" width="${BAR_MAX}" height="28" rx="4" fill="${INK.track}"/>
<rect x="${LABEL_WIDTH}" y="${y + 6}" width="${width.toFixed(1)}" height="28" rx="4" fill="${colour}" fill-opacity="${opacity.toFixed(2)}"/>
<text x="${LABEL_WIDTH + BAR_MAX + 12}" y="${y + 25}" fill="${INK.text}" font-size="14" font-weight="600">${formatCount(step.count)}</text>
<text x="${WIDTH}" y="${y + 25}" fill="${INK.muted}" font-size="13" text-anchor="end">${formatRate(share)}</text>
</g>`;
  });
  return html`<svg class="chart funnel" role="img" aria-label="Funnel" viewBox="0 0 ${WIDTH} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg" font-family="inherit">${rows}</svg>`;
}
