/**
 * The click redirect as a user runs it: the built package (dist/), its handler behind a real Node
 * http server on loopback (headers written with `res.setHeader`, as the Express recipe in
 * docs/tracking.md does), fed hostile tokens and URLs.
 */
import { createHmac } from 'node:crypto';
import { createServer, get, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBuiltPackage } from '../helpers/built-package.js';

type Wacloud = typeof import('../../src/index.js');
type Tracker = ReturnType<Wacloud['createLinkTracker']>;

const SECRET = 'hostile-link-secret-0123456789';
const T0 = Date.UTC(2026, 4, 1, 12);
const HOUR = 3_600_000;

let wacloud: Wacloud;
let server: Server;
let origin: string;
let nowMs = T0;
let store: InstanceType<Wacloud['MemoryEventStore']>;
let tracker: Tracker;
let expiring: Tracker;

/** A token signed the way every wacloud version signs, with any payload: what an old version could have issued. */
function signedToken(body: Record<string, unknown>, secret = SECRET): string {
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  const mac = createHmac('sha256', secret).update('wacloud-link-v1:').update(payload).digest();
  return `${payload}.${mac.subarray(0, 16).toString('base64url')}`;
}

/** GET `path` (sent as written) from the loopback server. */
function request(
  path: string,
  userAgent = 'Mozilla/5.0',
): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = get(`${origin}${path}`, { headers: { 'user-agent': userAgent } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
  });
}

async function clickCount(): Promise<number> {
  let count = 0;
  for await (const _ of store.scan({ kinds: ['click'] })) count++;
  return count;
}

async function expectNoRedirect(path: string): Promise<void> {
  const before = await clickCount();
  const response = await request(path);
  expect(response.status, path.slice(0, 80)).toBe(404);
  expect(response.headers.location).toBeUndefined();
  expect(await clickCount()).toBe(before);
}

beforeAll(async () => {
  wacloud = await importBuiltPackage<Wacloud>();
  store = new wacloud.MemoryEventStore();
  server = createServer(async (req, res) => {
    try {
      const response = await (req.url?.startsWith('/x/') ? expiring : tracker).handler(
        new Request(`${origin}${req.url}`, {
          method: req.method ?? 'GET',
          headers: { 'user-agent': req.headers['user-agent'] ?? '' },
        }),
      );
      res.statusCode = response.status;
      response.headers.forEach((value, name) => {
        res.setHeader(name, value);
      });
      res.end();
    } catch {
      res.statusCode = 500;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const now = () => new Date(nowMs);
  tracker = wacloud.createLinkTracker({ secret: SECRET, baseUrl: `${origin}/c`, store, now });
  expiring = wacloud.createLinkTracker({
    secret: SECRET,
    baseUrl: `${origin}/x`,
    store,
    now,
    maxAgeMs: HOUR,
  });
});

afterAll(async () => {
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('built package: the click redirect under hostile input', () => {
  it('redirects a genuine link and records one click', async () => {
    const link = tracker.wrap('https://shop.example/sale?x=1', { messageId: 'wamid.1' });
    const before = await clickCount();
    const response = await request(new URL(link).pathname);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('https://shop.example/sale?x=1');
    expect(await clickCount()).toBe(before + 1);
  });

  it('answers 404 with no Location to tampered, foreign and re-assembled tokens', async () => {
    const token = tracker.token('https://shop.example/a', {
      campaignId: 'spring',
      recipientId: '16505551234',
    });
    const [payload, signature] = token.split('.') as [string, string];
    const other = tracker.token('https://evil.example/', { messageId: 'm' });
    const forged = Buffer.from(JSON.stringify({ u: 'https://evil.example/', m: 'm' })).toString('base64url');
    const flip = (text: string, at: number) =>
      `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
    for (const candidate of [
      `${flip(payload, 5)}.${signature}`,
      `${payload}.${flip(signature, 3)}`,
      `${forged}.${signature}`,
      `${payload}.${other.split('.')[1]}`,
      signedToken({ u: 'https://evil.example/', m: 'm' }, 'another-secret-0123456789'),
      `${payload}..${signature}`,
      `.${signature}`,
      payload,
    ]) {
      await expectNoRedirect(`/c/${candidate}`);
    }
  });

  it('answers 404 to non-canonical base64url spellings of a valid token', async () => {
    let token = '';
    for (let i = 0; !/[-_]/.test(token.split('.')[1] ?? ''); i++) {
      token = tracker.token('https://shop.example/a', { messageId: `m${i}` });
    }
    const [payload, signature] = token.split('.') as [string, string];
    expect((await request(`/c/${token}`)).status).toBe(302);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sameBytes = `${signature.slice(0, -1)}${alphabet[alphabet.indexOf(signature.at(-1) as string) + 1]}`;
    expect(Buffer.from(sameBytes, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    for (const candidate of [
      `${payload}.${signature}%3D%3D`,
      `${payload}.${signature}==`,
      `${payload}.${encodeURIComponent(signature.replaceAll('-', '+').replaceAll('_', '/'))}`,
      `${payload}.${sameBytes}`,
      `${payload}%3D.${signature}`,
      `${payload}.${signature.slice(0, 10)}%20${signature.slice(10)}`,
      `${payload}.${signature.slice(0, 10)}%00${signature.slice(10)}`,
    ]) {
      await expectNoRedirect(`/c/${candidate}`);
    }
  });

  it('answers 404 to an expired link, 302 while it is fresh', async () => {
    nowMs = T0;
    const path = new URL(expiring.wrap('https://shop.example/a', { messageId: 'm' })).pathname;
    nowMs = T0 + HOUR - 1_000;
    expect((await request(path)).status).toBe(302);
    nowMs = T0 + HOUR + 1_000;
    await expectNoRedirect(path);
    nowMs = T0;
  });

  it('refuses to wrap URLs with NUL, CR/LF or other control characters, with a ValidationError naming them', () => {
    for (const url of [
      'https://shop.example/a\r\nSet-Cookie: session=evil',
      'https://shop.example/a\u0000.html',
      'https://shop.example/\u001b[31m',
    ]) {
      let error: unknown;
      try {
        tracker.wrap(url, { messageId: 'm' });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(wacloud.ValidationError);
      expect((error as InstanceType<Wacloud['ValidationError']>).field).toBe('url');
      expect((error as Error).message).toMatch(/control character/);
    }
  });

  it('never lets a signed URL with CR/LF or NUL (an old version could mint one) reach a header, nor crash the server', async () => {
    for (const url of [
      'https://shop.example/a\r\nSet-Cookie: session=evil',
      'https://shop.example/a\u0000b',
    ]) {
      const response = await request(`/c/${signedToken({ u: url, m: 'm' })}`);
      expect(response.status).toBe(404);
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(response.headers.location).toBeUndefined();
    }
    await expectNoRedirect('/c/abc%0D%0ASet-Cookie:%20x=1.def');
  });

  it('serves a URL with characters a raw header cannot carry, percent-encoded', async () => {
    const link = tracker.wrap('https://shop.example/€/ürün?q=日本', { messageId: 'm' });
    const response = await request(new URL(link).pathname);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(
      'https://shop.example/%E2%82%AC/%C3%BCr%C3%BCn?q=%E6%97%A5%E6%9C%AC',
    );
  });

  it('refuses to wrap a URL whose token would be too long, and answers 404 to absurdly long tokens', async () => {
    expect(() => tracker.wrap(`https://shop.example/?q=${'a'.repeat(10_000)}`, { messageId: 'm' })).toThrow(
      wacloud.ValidationError,
    );
    const long = signedToken({ u: `https://shop.example/?q=${'a'.repeat(6_000)}`, m: 'm' });
    await expectNoRedirect(`/c/${long}`);
    await expectNoRedirect(`/c/${'A'.repeat(12_000)}.${'B'.repeat(22)}`);
    const huge = await tracker.handler(new Request(`${origin}/c/${'%41'.repeat(1_000_000)}`));
    expect(huge.status).toBe(404);
    const hugeSigned = await tracker.handler(
      new Request(
        `${origin}/c/${signedToken({ u: `https://shop.example/?q=${'a'.repeat(1_000_000)}`, m: 'm' })}`,
      ),
    );
    expect(hugeSigned.status).toBe(404);
  });
});
