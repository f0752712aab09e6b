import { formatCount } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { LinkAndButtonStats, TapTargetStats } from '../link-and-button-stats.js';

/** One table: a row per target, then a row per variant under it. */
function tapTable(kind: 'link' | 'button', heading: string, rows: readonly TapTargetStats[]): SafeHtml {
  if (rows.length === 0)
    return html`<p class="empty">No ${kind === 'link' ? 'tracked-link clicks' : 'quick-reply taps'}.</p>`;
  const showVariants = rows.some((r) => r.byVariant.length > 1 || r.byVariant[0]?.variant !== '(none)');
  return html`<table data-taps="${kind}"><thead><tr><th class="title">${heading}</th><th>Variant</th><th>Total</th><th>Unique</th></tr></thead><tbody>
${rows.map(
  (
    r,
  ) => html`<tr data-target="${r.target}"><td class="title"><code>${r.target}</code></td><td>all</td><td>${formatCount(r.total)}</td><td>${formatCount(r.unique)}</td></tr>
${showVariants ? r.byVariant.map((v) => html`<tr data-variant="${v.variant}"><td class="title"></td><td>${v.variant}</td><td>${formatCount(v.total)}</td><td>${formatCount(v.unique)}</td></tr>`) : ''}`,
)}</tbody></table>`;
}

/** Each tracked URL's clicks and each quick-reply payload's taps, total and unique, per variant. */
export function linksSection(stats: LinkAndButtonStats | undefined): SafeHtml {
  if (stats === undefined) return html``;
  return html`<section id="links"><h2>Links and buttons</h2>
${tapTable('link', 'Tracked URL', stats.links)}
${tapTable('button', 'Quick-reply payload', stats.buttons)}
<p class="note">Total counts every tap; unique counts recipients. Clicks are those your redirect saw (Meta's own click events carry no URL and count only in the clicks above).</p></section>`;
}
