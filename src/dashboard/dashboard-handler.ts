import { randomBytes } from 'node:crypto';
import { ConfigError } from '../errors/index.js';
import type { EventStore } from '../events/event-store.js';
import { computeCampaignMetrics } from '../metrics/compute-campaign-metrics.js';
import type { MetricsQuery } from '../metrics/metrics-types.js';
import type { SendingCampaign } from '../metrics/send-progress.js';
import { CampaignDirectory, type DashboardCampaign } from './campaign-directory.js';
import { renderDashboardPage, renderLiveSections } from './dashboard-page.js';
import { LiveCampaignHub } from './live-campaign-hub.js';

/** How every campaign is measured on the dashboard: a {@link MetricsQuery} without the campaign. */
export type DashboardMetricsQuery = Omit<MetricsQuery, 'campaignId'>;

/** Options of {@link createDashboardHandler}. */
export interface DashboardHandlerOptions {
  /** The store the numbers come from (read only: no endpoint writes to it). */
  store: EventStore;
  /** The campaigns to offer (default: every campaign with a send in the store). */
  campaigns?: readonly string[] | (() => Promise<readonly string[]>);
  /** How often the live numbers and the list look for changes, in ms (default 1000). */
  intervalMs?: number;
  /** How to measure (rate card, groupBy, attribution window...); default `{ groupBy: 'variant' }`. */
  query?: DashboardMetricsQuery;
  /** ISO 4217 currency of cost and revenue (default `USD`). */
  currency?: string;
  /** Page title (default `Campaign dashboard`). */
  title?: string;
  /**
   * When the dashboard runs in the process that sends: the handle of a campaign being sent (what
   * `queue.sendCampaign()` returns), asked by campaign id. Its page then shows a progress bar and the
   * queued, sent, waiting and skipped (by reason) counts, which the store does not hold.
   */
  sending?: (campaignId: string) => SendingCampaign | undefined;
}

/** A Fetch API handler: what {@link createDashboardHandler} returns. */
export type DashboardHandler = (request: Request) => Promise<Response>;

const OPTION_KEYS = new Set(['store', 'campaigns', 'intervalMs', 'query', 'currency', 'title', 'sending']);

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function contentSecurityPolicy(nonce: string): string {
  // Inline style attributes are how the report sizes its bars and swatches; scripts need the nonce.
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function text(status: number, body: string, extra: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', ...extra },
  });
}

function json(value: unknown): Response {
  return new Response(JSON.stringify(value), {
    headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' },
  });
}

/**
 * A live campaign dashboard as a Fetch handler (`Request -> Response`): one self-contained HTML page
 * (inline CSS and script, no CDN, a strict Content-Security-Policy with a per-response script nonce)
 * listing the store's campaigns, and for one campaign the HTML report's sections — KPI cards, funnel,
 * variants with intervals, failures by code, cost — updated live over Server-Sent Events from
 * `watchCampaign`, one fold per campaign shared by every open page; with `sending`, the progress of a
 * campaign this process is sending too. Read-only: every endpoint is a GET.
 *
 * Routes are query parameters on whatever path it is mounted at, so it works under any prefix:
 * `?` the list, `?campaign=ID` a campaign's page, `?view=campaigns` the list as JSON,
 * `?view=metrics&campaign=ID` the `CampaignMetrics` JSON, `?view=events&campaign=ID` the event stream.
 *
 * It has no authentication of its own: mount it behind your app's. `wacloud dashboard` serves it on
 * 127.0.0.1.
 *
 * @example
 * ```ts
 * // Express (behind your auth middleware), through the Node adapter
 * app.use('/admin/dashboard', requireAdmin, nodeDashboardListener(createDashboardHandler({ store })));
 * // Next.js App Router: app/admin/dashboard/route.ts (check the session first)
 * const dashboard = createDashboardHandler({ store });
 * export const GET = async (request: Request) =>
 *   (await isAdmin(request)) ? dashboard(request) : new Response('Forbidden', { status: 403 });
 * ```
 */
export function createDashboardHandler(options: DashboardHandlerOptions): DashboardHandler {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new ConfigError(`createDashboardHandler: unknown option "${key}"`);
  }
  const { store } = options;
  if (!store || typeof store.scan !== 'function')
    throw new ConfigError('createDashboardHandler: store is required');
  const intervalMs = options.intervalMs ?? 1000;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0)
    throw new ConfigError('createDashboardHandler: intervalMs must be a positive number');
  if (options.sending !== undefined && typeof options.sending !== 'function')
    throw new ConfigError('createDashboardHandler: sending must be a function of the campaign id');
  const baseQuery: DashboardMetricsQuery = options.query ?? { groupBy: 'variant' };
  const currency = options.currency ?? 'USD';
  const title = options.title ?? 'Campaign dashboard';
  const directory = new CampaignDirectory(store);

  const campaigns = async (): Promise<DashboardCampaign[]> => {
    const all = await directory.list();
    const chosen = options.campaigns;
    if (chosen === undefined) return all;
    const ids = typeof chosen === 'function' ? await chosen() : chosen;
    const known = new Map(all.map((c) => [c.campaignId, c]));
    return ids.map((id) => known.get(id) ?? { campaignId: id, sends: 0, lastSendAt: new Date(0) });
  };
  const allowed = async (campaignId: string): Promise<boolean> =>
    options.campaigns === undefined || (await campaigns()).some((c) => c.campaignId === campaignId);
  const queryFor = (campaignId: string): MetricsQuery => ({ ...baseQuery, campaignId });

  const page = (body: string, nonce: string): Response =>
    new Response(body, {
      headers: {
        ...SECURITY_HEADERS,
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': contentSecurityPolicy(nonce),
      },
    });

  const hub = new LiveCampaignHub({
    store,
    queryFor,
    intervalMs,
    sendingOf: options.sending,
    render: ({ metrics, progress }) =>
      JSON.stringify({ metrics, progress, html: renderLiveSections(metrics, currency, progress) }),
  });

  /** A campaign's event stream: every client of one campaign shares its fold (see LiveCampaignHub). */
  const events = (campaignId: string, request: Request): Response => {
    let leave: (() => void) | undefined;
    const stopOnAbort = () => leave?.();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        let open = true;
        const unsubscribe = hub.subscribe(campaignId, {
          send: (chunk) => {
            if (open) controller.enqueue(chunk);
          },
          fail: (chunk) => {
            if (!open) return;
            open = false;
            controller.enqueue(chunk);
            controller.close();
          },
        });
        leave = () => {
          leave = undefined;
          open = false;
          unsubscribe();
          request.signal?.removeEventListener('abort', stopOnAbort);
        };
        if (request.signal?.aborted) stopOnAbort();
        else request.signal?.addEventListener('abort', stopOnAbort, { once: true });
      },
      cancel() {
        stopOnAbort();
      },
    });
    return new Response(body, {
      headers: {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        connection: 'keep-alive',
      },
    });
  };

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return text(405, 'Method not allowed: the dashboard is read-only', { allow: 'GET, HEAD' });
    const url = new URL(request.url);
    const view = url.searchParams.get('view');
    const campaignId = url.searchParams.get('campaign');
    if (view === 'campaigns') return json({ campaigns: await campaigns() });
    if (campaignId !== null && !(await allowed(campaignId))) return text(404, 'Unknown campaign');
    if (view === 'metrics' || view === 'events') {
      if (campaignId === null) return text(400, 'campaign is required');
      if (view === 'events') return events(campaignId, request);
      return json(await computeCampaignMetrics(store, queryFor(campaignId)));
    }
    if (view !== null) return text(404, 'Not found');
    const nonce = randomBytes(16).toString('base64');
    if (campaignId === null) {
      return page(renderDashboardPage({ title, nonce, intervalMs, campaigns: await campaigns() }), nonce);
    }
    const metrics = await computeCampaignMetrics(store, queryFor(campaignId));
    return page(
      renderDashboardPage({
        title,
        nonce,
        intervalMs,
        campaign: { campaignId, sectionsHtml: renderLiveSections(metrics, currency) },
      }),
      nonce,
    );
  };
}
