import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../src/errors/index.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { createLinkTracker } from '../../src/tracking/link-tracker.js';
import { withUtmParameters } from '../../src/tracking/utm.js';

const SECRET = 'link-secret-0123456789';

function tracker(store?: MemoryEventStore, clickIdParam?: string | false) {
  return createLinkTracker({
    secret: SECRET,
    baseUrl: 'https://t.example.com/c',
    ...(store ? { store } : {}),
    ...(clickIdParam === undefined ? {} : { clickIdParam }),
  });
}

describe('UTM parameters on tracked links', () => {
  it('adds source, medium, campaign and content (variant) by default, and signs the result', () => {
    const t = tracker();
    const link = t.wrap('https://shop.example/sale', {
      campaignId: 'spring',
      recipientId: '+16505551234',
      variant: 'B',
      utm: true,
    });
    const signed = t.verify(link.slice('https://t.example.com/c/'.length));
    expect(signed?.url).toBe(
      'https://shop.example/sale?utm_source=whatsapp&utm_medium=message&utm_campaign=spring&utm_content=B',
    );
    expect(signed?.url).not.toContain('16505551234');
  });

  it('keeps parameters the URL already has (never duplicated), the rest of the URL and its fragment', () => {
    expect(
      withUtmParameters('https://shop.example/p?utm_source=newsletter&x=%C3%BC#top', true, {
        campaignId: 'c 1',
      }),
    ).toBe('https://shop.example/p?utm_source=newsletter&x=%C3%BC&utm_medium=message&utm_campaign=c%201#top');
    expect(withUtmParameters('https://shop.example/p?', { term: 'shoes' }, {})).toBe(
      'https://shop.example/p?utm_source=whatsapp&utm_medium=message&utm_term=shoes',
    );
    const all = 'https://s.example/?utm_source=a&utm_medium=b&utm_campaign=c&utm_content=d';
    expect(withUtmParameters(all, true, { campaignId: 'x', variant: 'y' })).toBe(all);
  });

  it('takes overrides, and a message link with a campaign gets it as utm_campaign', () => {
    const t = tracker();
    const link = t.wrap('https://shop.example/', {
      messageId: 'wamid.1',
      campaignId: 'spring',
      utm: { source: 'wa', medium: 'template', content: 'hero' },
    });
    expect(t.verify(link.split('/').pop()!)).toMatchObject({
      url: 'https://shop.example/?utm_source=wa&utm_medium=template&utm_campaign=spring&utm_content=hero',
      messageId: 'wamid.1',
    });
  });

  it('refuses the recipient as a UTM value, and unknown UTM keys', () => {
    const t = tracker();
    expect(() =>
      t.wrap('https://shop.example/', {
        campaignId: 'c',
        recipientId: '+1 650-555-1234',
        utm: { content: '16505551234' },
      }),
    ).toThrow(ValidationError);
    expect(() => t.wrap('https://shop.example/', { messageId: 'm', utm: { id: 'x' } as never })).toThrow(
      ValidationError,
    );
  });

  it('without utm the URL is signed as given', () => {
    const t = tracker();
    const link = t.wrap('https://shop.example/a?b=1', { messageId: 'm', campaignId: 'c' });
    expect(t.verify(link.split('/').pop()!)?.url).toBe('https://shop.example/a?b=1');
  });
});

describe("Meta's click id on the redirect", () => {
  it('records fbclid as the click id and passes it on to the destination', async () => {
    const store = new MemoryEventStore();
    const t = tracker(store);
    const link = t.wrap('https://shop.example/sale?x=1', { messageId: 'wamid.1' });
    const response = await t.handler(new Request(`${link}?fbclid=IwAR123`));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://shop.example/sale?x=1&fbclid=IwAR123');
    const clicks = [];
    for await (const e of store.scan({ kinds: ['click'] })) clicks.push(e);
    expect(clicks).toMatchObject([{ kind: 'click', messageId: 'wamid.1', clickId: 'IwAR123' }]);
    expect(clicks[0]).not.toHaveProperty('source');
  });

  it('can be turned off or renamed, and refuses a bad option', async () => {
    const store = new MemoryEventStore();
    const off = tracker(store, false);
    const link = off.wrap('https://shop.example/', { messageId: 'm' });
    const response = await off.handler(new Request(`${link}?fbclid=abc`));
    expect(response.headers.get('location')).toBe('https://shop.example/');
    const renamed = tracker(store, 'mmclid');
    await renamed.handler(
      new Request(`${renamed.wrap('https://shop.example/', { messageId: 'n' })}?mmclid=z`),
    );
    const clicks = [];
    for await (const e of store.scan({ kinds: ['click'] })) clicks.push(e);
    expect(clicks.map((c) => (c as { clickId?: string }).clickId)).toEqual([undefined, 'z']);
    expect(() => tracker(undefined, '' as never)).toThrow(ConfigError);
  });
});
