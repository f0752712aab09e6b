import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DashboardHandler } from './dashboard-handler.js';

/** A Node `(req, res)` listener (node:http, Express, Next pages API) serving a {@link DashboardHandler}. */
export type NodeDashboardListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Serves a dashboard's Fetch handler from node:http or Express: builds a `Request` from `req` (aborted
 * when the client goes away, which ends a live event stream) and streams the `Response` back.
 *
 * @example
 * ```ts
 * app.use('/admin/dashboard', requireAdmin, nodeDashboardListener(createDashboardHandler({ store })));
 * ```
 */
export function nodeDashboardListener(handler: DashboardHandler): NodeDashboardListener {
  return async (req, res) => {
    const closed = new AbortController();
    res.once('close', () => closed.abort());
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) headers.set(name, value.join(', '));
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const response = await handler(
      new Request(url, { method: req.method ?? 'GET', headers, signal: closed.signal }),
    );
    res.statusCode = response.status;
    for (const [name, value] of response.headers) res.setHeader(name, value);
    if (response.body === null || req.method === 'HEAD') {
      res.end();
      return;
    }
    res.flushHeaders();
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || closed.signal.aborted) break;
        res.write(value);
      }
    } finally {
      await reader.cancel().catch(() => {});
      res.end();
    }
  };
}
