import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WhatsAppClient, type WhatsAppClientOptions } from '../../src/client/index.js';
import { InvalidResponseError, ResponseTooLargeError, WhatsAppError } from '../../src/errors/index.js';
import { SendQueue } from '../../src/queue/index.js';
import {
  type HostileGraphServer,
  json,
  sent,
  startHostileGraphServer,
} from '../helpers/hostile-graph-server.js';

const TEXT = { to: '+16505550100', type: 'text' as const, text: { body: 'hi' } };
const MiB = 1024 * 1024;

let server: HostileGraphServer | undefined;
let client: WhatsAppClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

function clientOn(url: string, options: Partial<WhatsAppClientOptions> = {}): WhatsAppClient {
  client = new WhatsAppClient({
    accessToken: 'EAAGhostileTOKEN123',
    phoneNumberId: '106540352242922',
    baseUrl: url,
    env: {},
    sleep: async () => undefined,
    ...options,
  });
  return client;
}

/** Streams 64 KiB chunks without a Content-Length until the client hangs up (or `maxBytes` is sent). */
function endlessBody(res: ServerResponse, status: number, counter: { bytes: number }, maxBytes = 512 * MiB) {
  res.writeHead(status, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  res.write('{"pad":"');
  const pump = () => {
    while (!res.destroyed && counter.bytes < maxBytes) {
      counter.bytes += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end('"}');
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}

describe('response size cap (maxResponseBytes)', () => {
  it('aborts a 2xx body that grows without a Content-Length past the default 4 MiB', async () => {
    const counter = { bytes: 0 };
    server = await startHostileGraphServer((_request, res) => endlessBody(res, 200, counter));
    const wa = clientOn(server.url);
    const error = await wa.phoneNumbers.get(['id']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ status: 200, limitBytes: 4 * MiB });
    // The server stopped well before its 512 MiB: the client hung up instead of buffering it all.
    expect(counter.bytes).toBeLessThan(256 * MiB);
    // GET is idempotent, but a too-large answer is not retried.
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a body whose Content-Length is over the limit before reading it', async () => {
    server = await startHostileGraphServer((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(64 * MiB) });
      res.write('{"id":"');
    });
    const wa = clientOn(server.url, { maxResponseBytes: 1024 });
    await expect(wa.phoneNumbers.get(['id'])).rejects.toMatchObject({
      name: 'ResponseTooLargeError',
      limitBytes: 1024,
    });
  });

  it('caps error bodies too', async () => {
    const counter = { bytes: 0 };
    server = await startHostileGraphServer((_request, res) => endlessBody(res, 400, counter));
    const wa = clientOn(server.url, { maxResponseBytes: 256 * 1024 });
    await expect(wa.messages.send(TEXT)).rejects.toMatchObject({
      name: 'ResponseTooLargeError',
      status: 400,
    });
  });

  it('still reads a body just under the limit', async () => {
    server = await startHostileGraphServer((_request, res) => json(res, 200, { id: 'x'.repeat(1000) }));
    const wa = clientOn(server.url, { maxResponseBytes: 1100 });
    await expect(wa.phoneNumbers.get(['id'])).resolves.toMatchObject({ id: 'x'.repeat(1000) });
  });
});

describe('a 2xx that is not JSON', () => {
  it('is an InvalidResponseError (not a code-less base error) and is not re-sent', async () => {
    server = await startHostileGraphServer((_request, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy says hi</html>');
    });
    const wa = clientOn(server.url, { maxRetries: 3 });
    const error = await wa.messages.send(TEXT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toBeInstanceOf(WhatsAppError);
    expect(error).toMatchObject({ status: 200, accepted: true });
    expect(server.requests).toHaveLength(1);
  });

  it('ends a queued send `unknown`, keeping its idempotency key so it is not sent twice', async () => {
    server = await startHostileGraphServer((_request, res, n) => {
      if (n === 0) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('OK');
      } else json(res, 200, sent());
    });
    const queue = new SendQueue({ client: clientOn(server.url), perRecipientIntervalMs: 0 });
    const first = await queue.enqueue(TEXT, { idempotencyKey: 'k1' });
    const again = await queue.enqueue(TEXT, { idempotencyKey: 'k1' });
    await queue.close();
    expect(first.status).toBe('unknown');
    expect(first.error).toBeInstanceOf(InvalidResponseError);
    expect(again).toMatchObject({ status: 'skipped', reason: 'duplicate' });
    expect(server.requests).toHaveLength(1);
  });

  it('ends a queued send whose 2xx answer is too large `unknown` as well', async () => {
    const counter = { bytes: 0 };
    server = await startHostileGraphServer((_request, res) => endlessBody(res, 200, counter));
    const queue = new SendQueue({ client: clientOn(server.url), perRecipientIntervalMs: 0 });
    const outcome = await queue.enqueue(TEXT);
    await queue.close();
    expect(outcome.status).toBe('unknown');
    expect(outcome.error).toBeInstanceOf(ResponseTooLargeError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('media download size cap (maxMediaBytes)', () => {
  it('errors the body stream once a download without Content-Length passes the limit', async () => {
    const counter = { bytes: 0 };
    server = await startHostileGraphServer((_request, res) => endlessBody(res, 200, counter));
    const wa = clientOn(server.url, { maxMediaBytes: MiB });
    const download = await wa.media.download(`${server.url}/media/file`);
    let read = 0;
    const error = await (async () => {
      for await (const chunk of download.body) read += (chunk as Buffer).length;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(read).toBeLessThanOrEqual(MiB);
    expect(counter.bytes).toBeLessThan(256 * MiB);
  });

  it('rejects a download whose Content-Length is over the limit', async () => {
    server = await startHostileGraphServer((_request, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(10 * MiB) });
      res.write(Buffer.alloc(1024));
    });
    const wa = clientOn(server.url, { maxMediaBytes: MiB });
    await expect(wa.media.download(`${server.url}/media/file`)).rejects.toMatchObject({
      name: 'ResponseTooLargeError',
      limitBytes: MiB,
    });
  });

  it('downloads a file under the limit intact', async () => {
    server = await startHostileGraphServer((_request, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end(Buffer.alloc(300 * 1024, 7));
    });
    const wa = clientOn(server.url, { maxMediaBytes: MiB });
    const download = await wa.media.download(`${server.url}/media/file`);
    const bytes = Buffer.from(await download.body.arrayBuffer());
    expect(bytes.length).toBe(300 * 1024);
    expect(bytes.every((b) => b === 7)).toBe(true);
  });
});
