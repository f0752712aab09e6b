import type { CampaignMetrics } from '../../metrics/metrics-types.js';
import { funnelChart } from '../charts/funnel-chart.js';
import { seriesColour } from '../charts/palette.js';
import { formatCount } from '../format.js';
import { html, type SafeHtml } from '../html.js';

/** The sent → delivered → read → clicked / replied funnel of the whole campaign. */
export function funnelSection(m: CampaignMetrics): SafeHtml {
  const steps = [
    { label: 'Sent', count: m.sent },
    { label: 'Delivered', count: m.delivered },
    { label: 'Read', count: m.read },
    { label: 'Clicked', count: m.clicked },
    { label: 'Replied', count: m.replied },
  ];
  return html`<section id="funnel"><h2>Funnel</h2>${funnelChart(steps, seriesColour(0))}
<p class="note">Percentages are of messages sent. Clicked and replied are separate outcomes of a delivered message, not nested steps. A click or reply proves its message delivered and read even when those webhooks never came.</p>
<p class="note" data-split="sent">Of ${formatCount(m.sent)} sent: ${formatCount(m.delivered)} delivered, ${formatCount(m.failed)} failed, ${formatCount(m.pending)} pending (no delivery or failure reported yet).</p></section>`;
}
