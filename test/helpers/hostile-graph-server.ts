import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the hostile server received. */
export interface HostileRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A fault-injecting stand-in for the Graph API on 127.0.0.1: `answer` writes each response. */
export interface HostileGraphServer {
  /** `http://127.0.0.1:<port>`, to use as the client's `baseUrl`. */
  url: string;
  /** Every request received, in order. */
  requests: HostileRequest[];
  close(): Promise<void>;
}

/** Starts the server; `answer` gets the parsed request and the raw response to misbehave on. */
export async function startHostileGraphServer(
  answer: (request: HostileRequest, res: ServerResponse, n: number) => void,
): Promise<HostileGraphServer> {
  const requests: HostileRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      answer(request, res, requests.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON answer. */
export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A Graph send success body. */
export function sent(id = 'wamid.HOSTILE1') {
  return {
    messaging_product: 'whatsapp',
    contacts: [{ input: '+16505550100', wa_id: '16505550100' }],
    messages: [{ id }],
  };
}

/** A 130429 throughput error answer with the given `Retry-After` header. */
export function throttled(res: ServerResponse, retryAfter: string) {
  json(
    res,
    400,
    { error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429, fbtrace_id: 'T' } },
    { 'retry-after': retryAfter },
  );
}

/** Collects `TimeoutOverflowWarning`s emitted while `run` is in progress. */
export async function countTimerOverflows(run: () => Promise<void>): Promise<number> {
  let count = 0;
  const onWarning = (warning: Error) => {
    if (warning.name === 'TimeoutOverflowWarning') count++;
  };
  process.on('warning', onWarning);
  try {
    await run();
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    process.off('warning', onWarning);
  }
  return count;
}
