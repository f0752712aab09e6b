import type { CampaignMetrics } from '../../metrics/metrics-types.js';
import { formatCount, formatRate } from '../format.js';
import { html, type SafeHtml } from '../html.js';

/** Failed messages grouped by Cloud API error code, with Meta's title and each code's share. */
export function failuresSection(m: CampaignMetrics): SafeHtml {
  const total = m.failuresByCode.reduce((sum, f) => sum + f.count, 0);
  const body =
    m.failuresByCode.length === 0
      ? html`<p class="empty">No failed messages.</p>`
      : html`<table><thead><tr><th>Code</th><th class="title">Title</th><th>Messages</th><th>Share of failed</th></tr></thead><tbody>
${m.failuresByCode.map((f) => {
  const share = total > 0 ? f.count / total : 0;
  return html`<tr data-code="${f.code ?? 'none'}"><td><code>${f.code ?? '—'}</code></td><td class="title">${f.title}</td><td>${formatCount(f.count)}</td><td>${formatRate(share)}<span class="share-bar" style="width:${Math.round(share * 80)}px"></span></td></tr>`;
})}</tbody></table>`;
  return html`<section id="failures"><h2>Failures by error code</h2>${body}
<p class="note">${formatCount(m.rejected)} further sends were rejected by the API before a message existed; they are not in any rate. Of the failed and rejected, ${formatCount(m.alreadyOptedOut)} had already stopped marketing messages (131050; not counted as new opt-outs) and ${formatCount(m.limitedByMeta)} hit Meta's per-user marketing limit (131049). See docs/error-codes.md for what each code means and whether to retry.</p></section>`;
}
