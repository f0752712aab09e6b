import { existsSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  countTimerOverflows,
  type HostileGraphServer,
  startHostileGraphServer,
  throttled,
} from '../helpers/hostile-graph-server.js';

// The built package, as users import it (`npm run build` first).
const DIST = new URL('../../dist/index.js', import.meta.url);
type Wacloud = typeof import('../../src/index.js');
let wacloud: Wacloud;

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error('dist/index.js is missing: run `npm run build` before this test');
  wacloud = (await import(DIST.href)) as Wacloud;
});

let server: HostileGraphServer | undefined;
let closeClient: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeClient?.();
  await server?.close();
  server = undefined;
  closeClient = undefined;
});

function client(url: string, options: Record<string, unknown> = {}) {
  const wa = new wacloud.WhatsAppClient({
    accessToken: 'EAAGdistTOKEN123',
    phoneNumberId: '106540352242922',
    baseUrl: url,
    env: {},
    ...options,
  });
  closeClient = () => wa.close();
  return wa;
}

const TEXT = { to: '+16505550100', type: 'text', text: { body: 'hi' } };

describe('the built package against a hostile Graph server', () => {
  it('caps Retry-After: 1000000000 at one hour on the queue, with no timer overflow', async () => {
    server = await startHostileGraphServer((_request, res) => throttled(res, '1000000000'));
    const queue = new wacloud.SendQueue({ client: client(server.url), perRecipientIntervalMs: 0 });
    let delayMs: number | undefined;
    const overflows = await countTimerOverflows(async () => {
      const retry = new Promise<number>((resolve) => queue.once('retry', (info) => resolve(info.delayMs)));
      void queue.enqueue(TEXT);
      delayMs = await retry;
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    await queue.close();
    expect(delayMs).toBe(3_600_000);
    expect(overflows).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it('reports a non-JSON 2xx send as unknown with an InvalidResponseError', async () => {
    server = await startHostileGraphServer((_request, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>hello</html>');
    });
    const queue = new wacloud.SendQueue({ client: client(server.url), perRecipientIntervalMs: 0 });
    const outcome = await queue.enqueue(TEXT, { idempotencyKey: 'k' });
    await queue.close();
    expect(outcome.status).toBe('unknown');
    expect(outcome.error).toBeInstanceOf(wacloud.InvalidResponseError);
  });

  it('aborts an oversized answer with ResponseTooLargeError', async () => {
    server = await startHostileGraphServer((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"id":"${'x'.repeat(64 * 1024)}`);
      // Never ends on its own: the client must hang up.
    });
    const wa = client(server.url, { maxResponseBytes: 16 * 1024 });
    const error = await wa.phoneNumbers.get(['id']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(wacloud.ResponseTooLargeError);
    expect(error).toMatchObject({ limitBytes: 16 * 1024 });
  });

  it('refuses to send the token to a foreign media host', async () => {
    server = await startHostileGraphServer((_request, res) => res.end('x'));
    const wa = client(server.url);
    await expect(wa.media.download('https://attacker.example/steal')).rejects.toBeInstanceOf(
      wacloud.ValidationError,
    );
  });
});
