import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake Cloud API received. */
export interface Arrival {
  /** Server clock (ms) when the request arrived. */
  at: number;
  /** `to` of the body. */
  to: string;
  /** Parsed body. */
  body: Record<string, unknown>;
}

/** A forced answer: status and JSON body. */
export interface FakeAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Options of the fake server. */
export interface FakeCloudApiOptions {
  /** Decide a non-200 answer for a request (n = 0-based arrival number). */
  fault?: (body: Record<string, unknown>, n: number) => FakeAnswer | undefined;
  /** Delay before answering, ms. */
  delayMs?: number;
  /** Port to listen on (default: any). */
  port?: number;
}

/** A loopback fake of `POST /{phone-number-id}/messages` that logs arrival times. */
export interface FakeCloudApi {
  url: string;
  arrivals: Arrival[];
  close(): Promise<void>;
}

/** Starts the fake server on 127.0.0.1. */
export async function startFakeCloudApi(options: FakeCloudApiOptions = {}): Promise<FakeCloudApi> {
  const arrivals: Arrival[] = [];
  let seq = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const to = String(body.to ?? body.recipient ?? '');
      const n = arrivals.length;
      arrivals.push({ at, to, body });
      const answer = options.fault?.(body, n) ?? {
        status: 200,
        body: {
          messaging_product: 'whatsapp',
          contacts: [{ input: to, wa_id: to.replace(/\D/g, '') }],
          messages: [{ id: `wamid.fake${++seq}` }],
        },
      };
      const send = () => {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(JSON.stringify(answer.body));
      };
      if (options.delayMs) setTimeout(send, options.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The most timestamps in any half-open window [t, t + windowMs). */
export function maxInSlidingWindow(times: number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/** A Graph-style error body. */
export function graphError(code: number, message = `error ${code}`): FakeAnswer {
  return {
    status: code === 131000 ? 500 : 400,
    body: { error: { message, type: 'OAuthException', code, fbtrace_id: 'x' } },
  };
}
