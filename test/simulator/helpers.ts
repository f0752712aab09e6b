import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Simulator } from '../../src/simulator/index.js';

export const APP_SECRET = 'sim-test-secret';
export const TOKEN = 'test-token';

/** One webhook POST as the receiver got it. */
export interface ReceivedWebhook {
  raw: string;
  headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: test access to Meta's JSON
  body: any;
}

/** A loopback webhook receiver that records every POST; answers with `statuses` in turn, then 200. */
export async function startReceiver(statuses: number[] = []) {
  const received: ReceivedWebhook[] = [];
  const requests: { method: string; url: string }[] = [];
  const queue = [...statuses];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '' });
      if (req.method === 'POST') {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ raw, headers: req.headers, body: JSON.parse(raw) });
      }
      res.statusCode = queue.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    origin: `http://127.0.0.1:${port}`,
    received,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A Graph call to the simulator with plain fetch. */
export async function graph(
  sim: Simulator,
  path: string,
  init: { method?: string; body?: unknown; token?: string | null; version?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${sim.url}/${init.version ?? 'v23.0'}/${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: test access to Meta's JSON
  const json: any = await response.json();
  return { status: response.status, json };
}

/** POST a send body (messaging_product added). */
export function send(sim: Simulator, message: Record<string, unknown>, phoneNumberId = sim.phoneNumberId) {
  return graph(sim, `${phoneNumberId}/messages`, { body: { messaging_product: 'whatsapp', ...message } });
}

/** Every status object in the received webhooks, in arrival order. */
// biome-ignore lint/suspicious/noExplicitAny: test access to Meta's JSON
export function statusesOf(received: ReceivedWebhook[]): any[] {
  return received.flatMap((w) =>
    // biome-ignore lint/suspicious/noExplicitAny: test access to Meta's JSON
    w.body.entry.flatMap((e: any) => e.changes.flatMap((c: any) => c.value.statuses ?? [])),
  );
}

/** Every inbound message in the received webhooks, in arrival order. */
// biome-ignore lint/suspicious/noExplicitAny: test access to Meta's JSON
export function inboundOf(received: ReceivedWebhook[]): any[] {
  return received.flatMap((w) =>
    // biome-ignore lint/suspicious/noExplicitAny: test access to Meta's JSON
    w.body.entry.flatMap((e: any) => e.changes.flatMap((c: any) => c.value.messages ?? [])),
  );
}

/** A behaviour where nothing random happens: every message is sent, delivered and read, fast. */
export const QUIET = {
  deliveredRate: 1,
  readRate: 1,
  readWithoutDeliveredRate: 0,
  failedRate: 0,
  replyRate: 0,
  stopReplyRate: 0,
  quickReplyRate: 0,
  clickRate: 0,
  userPreferencesStopRate: 0,
  duplicateRate: 0,
  outOfOrderRate: 0,
  batchWindowMs: 0,
  latencyMs: { sent: [1, 5], delivered: [5, 10], read: [10, 20], reply: [5, 10] },
  webhookRetry: { maxAttempts: 3, baseDelayMs: 5 },
  templateApprovalMs: 5,
} as const;
