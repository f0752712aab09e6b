import type { CampaignMetrics } from '../metrics/metrics-types.js';
import type { SendProgress } from '../metrics/send-progress.js';
import { formatCount } from '../report/format.js';
import { html, SafeHtml } from '../report/html.js';
import { economicsSection } from '../report/sections/economics-section.js';
import { failuresSection } from '../report/sections/failures-section.js';
import { funnelSection } from '../report/sections/funnel-section.js';
import { kpiCards } from '../report/sections/kpi-cards.js';
import { variantsSection } from '../report/sections/variants-section.js';
import { REPORT_CSS } from '../report/styles.js';
import type { DashboardCampaign } from './campaign-directory.js';
import { progressSection } from './progress-section.js';

const DASHBOARD_CSS = `
.live-status { color: var(--muted); font-size: 13px; }
.live-status[data-state="live"]::before { content: "● "; color: var(--good); }
.live-status[data-state="offline"]::before { content: "● "; color: var(--warn); }
table.campaigns { width: 100%; border-collapse: collapse; background: var(--card); }
table.campaigns th, table.campaigns td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); }
nav.back { margin-bottom: 12px; }
#progress progress { width: 100%; height: 14px; accent-color: var(--good); }
@media (max-width: 640px) {
  main { padding: 16px 12px 32px; }
  header.report-header { flex-direction: column; align-items: flex-start; }
  .kpis { grid-template-columns: repeat(2, minmax(0, 1fr)) !important; }
  section { overflow-x: auto; }
}
`;

/**
 * The live part of a campaign's page: the send progress when the campaign is being sent in this
 * process, then the report's own sections (KPI cards, funnel, variants with intervals, failures by
 * code, cost), drawn from the same metrics with the same definitions.
 */
export function renderLiveSections(
  metrics: CampaignMetrics,
  currency: string,
  progress?: SendProgress | undefined,
): string {
  return html`${progress ? progressSection(progress) : null}
${kpiCards(metrics)}
${funnelSection(metrics)}
${variantsSection(metrics)}
${failuresSection(metrics)}
${economicsSection(metrics, currency)}`.value;
}

/** The script of every dashboard page: follows the campaign's event stream, or refreshes the list. */
function clientScript(intervalMs: number): string {
  return `(() => {
  const status = document.getElementById('live-status');
  const setStatus = (state, text) => { status.dataset.state = state; status.textContent = text; };
  const live = document.getElementById('live');
  if (live) {
    const source = new EventSource('?view=events&campaign=' + encodeURIComponent(live.dataset.campaign));
    source.addEventListener('metrics', (event) => {
      const update = JSON.parse(event.data);
      live.innerHTML = update.html;
      setStatus('live', 'Live · updated ' + new Date().toLocaleTimeString());
    });
    source.addEventListener('open', () => setStatus('live', 'Live'));
    source.addEventListener('error', () => setStatus('offline', 'Reconnecting…'));
    return;
  }
  const body = document.getElementById('campaign-rows');
  const refresh = async () => {
    try {
      const response = await fetch('?view=campaigns', { headers: { accept: 'application/json' } });
      const { campaigns } = await response.json();
      const rows = campaigns.map((c) => {
        const row = document.createElement('tr');
        const name = document.createElement('td');
        const link = document.createElement('a');
        link.href = '?campaign=' + encodeURIComponent(c.campaignId);
        link.textContent = c.campaignId;
        link.dataset.campaign = c.campaignId;
        name.append(link);
        const sends = document.createElement('td');
        sends.textContent = c.sends.toLocaleString('en-US');
        const last = document.createElement('td');
        last.textContent = c.lastSendAt.replace('T', ' ').slice(0, 19) + ' UTC';
        row.append(name, sends, last);
        return row;
      });
      body.replaceChildren(...rows);
      setStatus('live', 'Live · updated ' + new Date().toLocaleTimeString());
    } catch {
      setStatus('offline', 'Reconnecting…');
    }
  };
  setInterval(refresh, ${Math.max(250, Math.round(intervalMs))});
})();`;
}

/** What a dashboard page shows. */
export interface DashboardPageInput {
  /** Page title. */
  title: string;
  /** The CSP nonce of the inline script. */
  nonce: string;
  /** Refresh interval of the campaign list (ms). */
  intervalMs: number;
  /** The campaigns (list page). */
  campaigns?: readonly DashboardCampaign[];
  /** The campaign shown and its sections' markup (campaign page). */
  campaign?: { campaignId: string; sectionsHtml: string };
}

function campaignRow(c: DashboardCampaign): SafeHtml {
  const last = `${c.lastSendAt.toISOString().replace('T', ' ').slice(0, 19)} UTC`;
  return html`<tr><td><a href="?campaign=${encodeURIComponent(c.campaignId)}" data-campaign="${c.campaignId}">${c.campaignId}</a></td><td>${formatCount(c.sends)}</td><td>${last}</td></tr>`;
}

/** One self-contained dashboard page: inline CSS, one inline script (allowed by its nonce), no external asset. */
export function renderDashboardPage(input: DashboardPageInput): string {
  const body = input.campaign
    ? html`<nav class="back"><a href="?">← All campaigns</a></nav>
<header class="report-header"><div><h1>${input.title}</h1><div class="campaign">Campaign <code data-field="campaign-id">${input.campaign.campaignId}</code></div></div>
<div class="live-status" id="live-status" data-state="connecting">Connecting…</div></header>
<div id="live" data-campaign="${input.campaign.campaignId}">${new SafeHtml(input.campaign.sectionsHtml)}</div>`
    : html`<header class="report-header"><div><h1>${input.title}</h1><div class="campaign">Campaigns in the store</div></div>
<div class="live-status" id="live-status" data-state="connecting">Connecting…</div></header>
<section><table class="campaigns"><thead><tr><th>Campaign</th><th>Sends</th><th>Last send</th></tr></thead>
<tbody id="campaign-rows">${(input.campaigns ?? []).map(campaignRow)}</tbody></table></section>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title}${input.campaign ? ` — ${input.campaign.campaignId}` : ''}</title>
<style>${new SafeHtml(REPORT_CSS + DASHBOARD_CSS)}</style></head>
<body><main>
${body}
</main>
<script nonce="${input.nonce}">${new SafeHtml(clientScript(input.intervalMs))}</script>
</body></html>
`.value;
}
