import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WhatsAppClient, type WhatsAppClientOptions } from '../../src/client/index.js';
import { NetworkError, RateLimitError, TimeoutError } from '../../src/errors/index.js';
import { PHONE_ID, TOKEN, WABA_ID } from './helpers.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Route = (req: Seen, res: ServerResponse, socketCount: number) => void;

const open: Array<{ server: Server; client?: WhatsAppClient }> = [];
afterEach(async () => {
  for (const { server, client } of open.splice(0)) {
    await client?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A real HTTP server on 127.0.0.1:<random port> and a client pointed at it. */
async function serve(route: Route, options: Partial<WhatsAppClientOptions> = {}) {
  const seen: Seen[] = [];
  let sockets = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(entry);
      route(entry, res, sockets);
    });
  });
  server.on('connection', () => {
    sockets++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const sleeps: number[] = [];
  const client = new WhatsAppClient({
    accessToken: TOKEN,
    phoneNumberId: PHONE_ID,
    businessAccountId: WABA_ID,
    baseUrl: `http://127.0.0.1:${port}`,
    env: {},
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  open.push({ server, client });
  return { client, seen, sleeps, port, sockets: () => sockets };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const TEXT = { to: '+16505551234', type: 'text', text: { body: 'hello' } };

describe('end to end over loopback HTTP', () => {
  it('sends messages over reused keep-alive connections with the right wire body and headers', async () => {
    const { client, seen, sockets } = await serve((_req, res) =>
      json(res, 200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: '+16505551234', wa_id: '16505551234' }],
        messages: [{ id: `wamid.${seen.length}` }],
      }),
    );
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await client.messages.send(TEXT));
    expect(results.map((r) => r.messageId)).toEqual(Array.from({ length: 10 }, (_, i) => `wamid.${i + 1}`));
    // undici's pool may open a second socket early on; after that every send reuses one.
    expect(sockets()).toBeLessThanOrEqual(2);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: `/v23.0/${PHONE_ID}/messages`,
      body: JSON.stringify({ messaging_product: 'whatsapp', ...TEXT }),
    });
    expect(seen[0]!.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      'user-agent': 'wacloud/0.1.0',
    });
  });

  it('does not re-send a message when the socket is reset after the request was written', async () => {
    const { client, seen, sleeps } = await serve((_req, res) => res.socket?.destroy(), { maxRetries: 3 });
    const error = await client.messages.send(TEXT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).requestMayHaveReachedServer).toBe(true);
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a GET after a socket reset', async () => {
    const { client, seen, sleeps } = await serve((_req, res) =>
      seen.length === 1 ? res.socket?.destroy() : json(res, 200, { id: PHONE_ID, quality_rating: 'GREEN' }),
    );
    await expect(client.phoneNumbers.get(['quality_rating'])).resolves.toMatchObject({
      quality_rating: 'GREEN',
    });
    expect(seen).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('retries a send whose connection was refused, then reports it as not sent', async () => {
    const { port } = await serve(() => {});
    const { server } = open.pop()!;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    const sleeps: number[] = [];
    const client = new WhatsAppClient({
      accessToken: TOKEN,
      phoneNumberId: PHONE_ID,
      baseUrl: `http://127.0.0.1:${port}`,
      env: {},
      maxRetries: 2,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const error = await client.messages.send(TEXT).catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).requestMayHaveReachedServer).toBe(false);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(sleeps).toHaveLength(2);
  });

  it('times out a send that gets no answer, flagging it as possibly delivered', async () => {
    const { client, seen } = await serve(() => {}, { timeoutMs: 100 });
    const error = await client.messages.send(TEXT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).requestMayHaveReachedServer).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('maps a Graph rate-limit answer to RateLimitError with Retry-After', async () => {
    const { client } = await serve((_req, res) =>
      json(
        res,
        429,
        { error: { message: '(#130429) Rate limit hit', code: 130429, fbtrace_id: 'T1' } },
        { 'retry-after': '1' },
      ),
    );
    await expect(client.messages.send(TEXT)).rejects.toSatisfy(
      (e: unknown) => e instanceof RateLimitError && e.retryAfterMs === 1000 && e.fbtraceId === 'T1',
    );
  });

  it('pages through templates, sending the header instead of the token in next URLs', async () => {
    let base = '';
    const { client, seen, port } = await serve((req, res) => {
      const url = new URL(req.url, base);
      const after = url.searchParams.get('after');
      const next = after === null ? 'P2' : after === 'P2' ? 'P3' : undefined;
      json(res, 200, {
        data: [{ id: after ?? 'P1', name: `t_${after ?? 'P1'}` }],
        paging: next
          ? { next: `${base}/v23.0/${WABA_ID}/message_templates?access_token=${TOKEN}&after=${next}` }
          : {},
      });
    });
    base = `http://127.0.0.1:${port}`;
    const names: string[] = [];
    for await (const t of client.templates.list()) names.push(t.name);
    expect(names).toEqual(['t_P1', 't_P2', 't_P3']);
    for (const req of seen) {
      expect(req.url).not.toContain('access_token');
      expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    }
  });

  it('downloads media from the Graph host with the Bearer header', async () => {
    let base = '';
    const { client, seen, port } = await serve((req, res) => {
      if (req.url.startsWith('/v23.0/')) {
        json(res, 200, {
          url: `${base}/files/abc`,
          mime_type: 'audio/ogg',
          sha256: 'h',
          file_size: 5,
          id: 'm1',
        });
      } else {
        res.writeHead(200, { 'content-type': 'audio/ogg' });
        res.end('OggS!');
      }
    });
    base = `http://127.0.0.1:${port}`;
    const download = await client.media.download('m1');
    expect(await download.body.text()).toBe('OggS!');
    expect(download.mimeType).toBe('audio/ogg');
    expect(seen.map((s) => s.url)).toEqual(['/v23.0/m1', '/files/abc']);
    expect(seen[1]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });
});
