import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../src/errors/index.js';
import type { StoredEvent } from '../../src/metrics/stored-event.js';
import { MemoryEventStore } from '../../src/metrics/stores/memory.js';
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
    expect(response.headers.get('location')).toBe(target);
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
