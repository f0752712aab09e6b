import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../src/errors/index.js';
import { hashRecipientId, hashRecipients } from '../../src/events/hash-recipients.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { createLinkTracker } from '../../src/tracking/link-tracker.js';

const SECRET = 'link-secret-0123456789';
const CLICK_AT = new Date(Date.UTC(2026, 4, 1, 12));

function setup() {
  const store = new MemoryEventStore();
  const errors: unknown[] = [];
  const tracker = createLinkTracker({
    secret: SECRET,
    baseUrl: 'https://t.example.com/c/',
    store,
    now: () => CLICK_AT,
    onError: (error) => errors.push(error),
  });
  return { store, tracker, errors };
}

async function clicks(store: MemoryEventStore): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const event of store.scan({ kinds: ['click'] })) out.push(event);
  return out;
}

describe('createLinkTracker', () => {
  it('wraps a URL into a short signed link that redirects and records a click', async () => {
    const { store, tracker } = setup();
    const target = 'https://shop.example/sale?utm_source=wa&x=ü';
    const link = tracker.wrap(target, {
      messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA',
    });
    expect(link.startsWith('https://t.example.com/c/')).toBe(true);
    expect(link).not.toContain(target);
    const response = await tracker.handler(new Request(link));
    expect(response.status).toBe(302);
    // The Location header is the URL's ASCII serialization (ü percent-encoded); the click keeps it as given.
    expect(response.headers.get('location')).toBe('https://shop.example/sale?utm_source=wa&x=%C3%BC');
    expect(await clicks(store)).toEqual([
      {
        kind: 'click',
        at: CLICK_AT,
        url: target,
        messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA',
      },
    ]);
  });

  it('gives a bare token for template URL buttons, carrying campaign and recipient', async () => {
    const { store, tracker } = setup();
    const token = tracker.token('https://shop.example/a', {
      campaignId: 'spring',
      recipientId: '16505551234',
    });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(tracker.verify(token)).toEqual({
      url: 'https://shop.example/a',
      campaignId: 'spring',
      recipientId: '16505551234',
      issuedAt: CLICK_AT,
    });
    const response = await tracker.handler(new Request(`https://t.example.com/c/${token}`));
    expect(response.status).toBe(302);
    expect(await clicks(store)).toMatchObject([{ campaignId: 'spring', recipientId: '16505551234' }]);
  });

  it('never redirects for tampered, unsigned, foreign or malformed tokens', async () => {
    const { store, tracker } = setup();
    const token = tracker.token('https://shop.example/a', { messageId: 'm1' });
    const [payload, signature] = token.split('.') as [string, string];
    const evilPayload = Buffer.from(JSON.stringify({ u: 'https://evil.example', m: 'm1' })).toString(
      'base64url',
    );
    const other = createLinkTracker({
      secret: 'another-secret-0123456789',
      baseUrl: 'https://t.example.com/c',
    });
    const flipped = signature[0] === 'A' ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    const candidates = [
      `${evilPayload}.${signature}`,
      `${payload}.${flipped}`,
      payload,
      `${payload}.`,
      `${payload}.${signature}.x`,
      other.token('https://evil.example', { messageId: 'm1' }),
      '%E0%A4%A',
      '',
      'x'.repeat(5000),
    ];
    for (const candidate of candidates) {
      expect(tracker.verify(candidate)).toBeNull();
      const response = await tracker.handler(new Request(`https://t.example.com/c/${candidate}`));
      expect(response.status).toBe(404);
      expect(response.headers.get('location')).toBeNull();
    }
    expect(await clicks(store)).toEqual([]);
  });

  it('redirects link-preview fetches and HEAD requests without recording a click; refuses POST', async () => {
    const { store, tracker } = setup();
    const link = tracker.wrap('https://shop.example/a', { messageId: 'm1' });
    const preview = await tracker.handler(
      new Request(link, { headers: { 'user-agent': 'WhatsApp/2.23.20.0 A' } }),
    );
    const head = await tracker.handler(new Request(link, { method: 'HEAD' }));
    const post = await tracker.handler(new Request(link, { method: 'POST' }));
    expect([preview.status, head.status, post.status]).toEqual([302, 302, 405]);
    expect(await clicks(store)).toEqual([]);
  });

  it('still redirects when recording fails, and reports the error', async () => {
    const errors: unknown[] = [];
    const tracker = createLinkTracker({
      secret: SECRET,
      baseUrl: 'https://t.example.com',
      store: {
        append: async () => {
          throw new Error('db down');
        },
        scan: async function* () {},
      },
      onError: (error) => errors.push(error),
    });
    const response = await tracker.handler(
      new Request(tracker.wrap('https://shop.example/a', { messageId: 'm' })),
    );
    expect(response.status).toBe(302);
    expect(errors).toHaveLength(1);
  });

  it('refuses non-http targets, incomplete targets, weak secrets and unknown options', () => {
    const { tracker } = setup();
    expect(() => tracker.wrap('javascript:alert(1)', { messageId: 'm' })).toThrow(ValidationError);
    expect(() => tracker.wrap('/relative', { messageId: 'm' })).toThrow(ValidationError);
    expect(() => tracker.wrap('https://ok.example', { campaignId: 'c' } as never)).toThrow(ValidationError);
    expect(() => createLinkTracker({ secret: 'short', baseUrl: 'https://t.example.com' })).toThrow(
      ConfigError,
    );
    expect(() => createLinkTracker({ secret: SECRET, baseUrl: 'ftp://t.example.com' })).toThrow(ConfigError);
    expect(() =>
      createLinkTracker({ secret: SECRET, baseUrl: 'https://t.example.com', redirect: 1 } as never),
    ).toThrow(ConfigError);
  });
});

/** A token as a tracker before issued-at times made it: payload without `t`, same signature scheme. */
function legacyToken(body: Record<string, string>, secret = SECRET): string {
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  const mac = createHmac('sha256', secret).update('wacloud-link-v1:').update(payload).digest();
  return `${payload}.${mac.subarray(0, 16).toString('base64url')}`;
}

function issue(error: unknown): string {
  expect(error).toBeInstanceOf(ValidationError);
  const first = (error as ValidationError).issues[0];
  return `${first?.path}: ${first?.message}`;
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('createLinkTracker: URLs it could never serve are refused at wrap', () => {
  it('refuses CR, LF, NUL and other control characters, naming the problem', () => {
    const { tracker } = setup();
    for (const url of [
      'https://shop.example/a\r\nSet-Cookie: x=1',
      'https://shop.example/a\nb',
      'https://shop.example/a\u0000b',
      'https://shop.example/\tb',
      'https://shop.example/a\u007f',
      'https://shop.example/a\u0085',
    ]) {
      expect(issue(thrown(() => tracker.wrap(url, { messageId: 'm' })))).toMatch(/^url: .*control character/);
      expect(() => tracker.token(url, { campaignId: 'c', recipientId: '1' })).toThrow(ValidationError);
    }
  });

  it('refuses non-http(s) schemes', () => {
    const { tracker } = setup();
    for (const url of [
      'javascript:alert(1)',
      'data:text/html,x',
      'file:///etc/passwd',
      'mailto:a@b.example',
    ]) {
      expect(issue(thrown(() => tracker.wrap(url, { messageId: 'm' })))).toMatch(/^url: .*http\(s\)/);
    }
  });

  it('refuses a URL whose token would be longer than the redirect handler accepts, and serves one just under', async () => {
    const { tracker } = setup();
    const long = `https://shop.example/?q=${'a'.repeat(3_200)}`;
    expect(issue(thrown(() => tracker.wrap(long, { messageId: 'm' })))).toMatch(/^url: .*4096/);
    const fits = `https://shop.example/?q=${'a'.repeat(2_900)}`;
    const response = await tracker.handler(new Request(tracker.wrap(fits, { messageId: 'm' })));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(fits);
  });

  it('serves URLs with characters a Location header cannot carry raw, percent-encoded', async () => {
    const { store, tracker } = setup();
    const target = 'https://shop.example/€/ürün?q=日本';
    const response = await tracker.handler(new Request(tracker.wrap(target, { messageId: 'm' })));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(new URL(target).href);
    expect(await clicks(store)).toMatchObject([{ url: target }]);
  });
});

describe('createLinkTracker: maxAgeMs', () => {
  const HOUR = 3_600_000;

  function clocked(options: { maxAgeMs?: number; requireIssuedAt?: boolean } = {}) {
    let nowMs = CLICK_AT.getTime();
    const store = new MemoryEventStore();
    const tracker = createLinkTracker({
      secret: SECRET,
      baseUrl: 'https://t.example.com/c',
      store,
      now: () => new Date(nowMs),
      ...options,
    });
    return { tracker, store, advance: (ms: number) => (nowMs += ms) };
  }

  it('refuses a token older than maxAgeMs with a plain 404 and records no click', async () => {
    const { tracker, store, advance } = clocked({ maxAgeMs: 24 * HOUR });
    const link = tracker.wrap('https://shop.example/a', { messageId: 'm' });
    advance(23 * HOUR);
    expect((await tracker.handler(new Request(link))).status).toBe(302);
    expect(tracker.verify(link.slice(link.lastIndexOf('/') + 1))?.issuedAt).toEqual(CLICK_AT);
    advance(2 * HOUR);
    const expired = await tracker.handler(new Request(link));
    expect(expired.status).toBe(404);
    expect(expired.headers.get('location')).toBeNull();
    expect(tracker.verify(link.slice(link.lastIndexOf('/') + 1))).toBeNull();
    expect(await clicks(store)).toHaveLength(1);
  });

  it('puts the issued-at inside the signature: changing it breaks the token', () => {
    const { tracker } = clocked({ maxAgeMs: HOUR });
    const token = tracker.token('https://shop.example/a', { messageId: 'm' });
    const [payload, signature] = token.split('.') as [string, string];
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    expect(typeof body.t).toBe('number');
    const later = Buffer.from(JSON.stringify({ ...body, t: body.t + 10_000 })).toString('base64url');
    expect(tracker.verify(`${later}.${signature}`)).toBeNull();
  });

  it('keeps old tokens without an issued-at working, unless requireIssuedAt refuses them', async () => {
    const old = legacyToken({ u: 'https://shop.example/a', m: 'm' });
    const lenient = clocked({ maxAgeMs: HOUR });
    lenient.advance(1_000 * HOUR);
    expect(lenient.tracker.verify(old)).toEqual({ url: 'https://shop.example/a', messageId: 'm' });
    const strict = clocked({ maxAgeMs: HOUR, requireIssuedAt: true });
    expect(strict.tracker.verify(old)).toBeNull();
    const response = await strict.tracker.handler(new Request(`https://t.example.com/c/${old}`));
    expect(response.status).toBe(404);
  });

  it('refuses a maxAgeMs that is not a positive number', () => {
    expect(() =>
      createLinkTracker({ secret: SECRET, baseUrl: 'https://t.example.com', maxAgeMs: 1 }),
    ).not.toThrow();
    for (const maxAgeMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1h']) {
      expect(() =>
        createLinkTracker({ secret: SECRET, baseUrl: 'https://t.example.com', maxAgeMs } as never),
      ).toThrow(ConfigError);
    }
  });
});

describe('createLinkTracker: canonical tokens only', () => {
  it('refuses padded, standard-alphabet and non-zero-trailing-bit encodings of a valid token', async () => {
    const { store, tracker } = setup();
    let token = '';
    for (let i = 0; !/[-_]/.test(token.split('.')[1] ?? ''); i++) {
      token = tracker.token('https://shop.example/a', { messageId: `m${i}` });
    }
    const [payload, signature] = token.split('.') as [string, string];
    expect(tracker.verify(token)).not.toBeNull();
    const last = signature.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 16 bytes = 22 characters; the last one carries 2 bits of data and 4 zero bits.
    const sameBits = alphabet[alphabet.indexOf(last) + 1] as string;
    expect(Buffer.from(`${signature.slice(0, -1)}${sameBits}`, 'base64url')).toEqual(
      Buffer.from(signature, 'base64url'),
    );
    const variants = [
      `${payload}.${signature}==`,
      `${payload}.${signature.replaceAll('-', '+').replaceAll('_', '/')}`,
      `${payload}.${signature.slice(0, -1)}${sameBits}`,
      `${payload}=.${signature}`,
      `${payload}.${signature.slice(0, 11)} ${signature.slice(11)}`,
    ];
    for (const variant of variants) {
      expect(tracker.verify(variant)).toBeNull();
      const response = await tracker.handler(
        new Request(`https://t.example.com/c/${encodeURIComponent(variant)}`),
      );
      expect(response.status).toBe(404);
    }
    expect(await clicks(store)).toEqual([]);
  });
});

describe('createLinkTracker: recipientIdentity "hash"', () => {
  const KEY = 'recipient-hash-key-0123456789';
  const PHONE = '16505551234';

  it('keeps the phone number out of the token and records the keyed hash on the click', async () => {
    const store = hashRecipients(new MemoryEventStore(), { key: KEY });
    const tracker = createLinkTracker({
      secret: SECRET,
      baseUrl: 'https://t.example.com/c',
      store,
      now: () => CLICK_AT,
      recipientIdentity: 'hash',
      recipientHashKey: KEY,
    });
    const token = tracker.token('https://shop.example/a', { campaignId: 'spring', recipientId: `+${PHONE}` });
    const decoded = Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8');
    expect(decoded).not.toContain(PHONE);
    expect(tracker.verify(token)?.recipientId).toBe(hashRecipientId(PHONE, KEY));

    await store.append([
      {
        kind: 'outbound',
        messageId: 'wamid.1',
        recipientId: PHONE,
        at: new Date(CLICK_AT.getTime() - 60_000),
        campaignId: 'spring',
      },
      {
        kind: 'status',
        messageId: 'wamid.1',
        status: 'delivered',
        at: new Date(CLICK_AT.getTime() - 30_000),
      },
    ]);
    expect((await tracker.handler(new Request(`https://t.example.com/c/${token}`))).status).toBe(302);
    const stored: StoredEvent[] = [];
    for await (const event of store.scan({ kinds: ['click'] })) stored.push(event);
    expect(stored).toMatchObject([
      { kind: 'click', campaignId: 'spring', recipientId: hashRecipientId(PHONE, KEY) },
    ]);
    const metrics = await computeCampaignMetrics(store, { campaignId: 'spring' });
    expect(metrics.clicked).toBe(1);
  });

  it('needs a recipientHashKey of at least 16 bytes', () => {
    const valid = {
      secret: SECRET,
      baseUrl: 'https://t.example.com',
      recipientIdentity: 'hash',
      recipientHashKey: KEY,
    };
    expect(() => createLinkTracker(valid as never)).not.toThrow();
    for (const recipientHashKey of [undefined, 'short']) {
      expect(() =>
        createLinkTracker({
          secret: SECRET,
          baseUrl: 'https://t.example.com',
          recipientIdentity: 'hash',
          recipientHashKey,
        } as never),
      ).toThrow(ConfigError);
    }
    expect(() =>
      createLinkTracker({
        secret: SECRET,
        baseUrl: 'https://t.example.com',
        recipientIdentity: 'x',
      } as never),
    ).toThrow(ConfigError);
  });
});
