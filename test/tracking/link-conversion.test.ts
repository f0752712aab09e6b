import { describe, expect, it } from 'vitest';
import { createLinkTracker } from '../../src/tracking/link-tracker.js';

const options = { secret: 'link-secret-0123456789', baseUrl: 'https://t.example.com/c' };

describe('conversions through a tracked link', () => {
  it('tokenParam passes the token on to the shop, which reports the sale with it', async () => {
    const tracker = createLinkTracker({ ...options, tokenParam: 'wa_token' });
    const link = tracker.wrap('https://shop.example/p?x=1', { messageId: 'wamid.A' });
    const response = await tracker.handler(new Request(link));
    const landing = new URL(response.headers.get('location')!);
    expect(landing.searchParams.get('x')).toBe('1');
    const token = landing.searchParams.get('wa_token')!;
    expect(tracker.conversion(token, { value: 30, currency: 'EUR', at: new Date(0) })).toEqual({
      kind: 'conversion',
      at: new Date(0),
      token,
      messageId: 'wamid.A',
      value: 30,
      currency: 'EUR',
    });
  });

  it('passes nothing on by default, and refuses a forged token', async () => {
    const tracker = createLinkTracker(options);
    const link = tracker.wrap('https://shop.example/', { messageId: 'wamid.A' });
    const response = await tracker.handler(new Request(link));
    expect(response.headers.get('location')).toBe('https://shop.example/');
    const other = createLinkTracker({ ...options, secret: 'another-secret-0123456789' });
    expect(tracker.conversion(other.token('https://shop.example/', { messageId: 'wamid.A' }))).toBeNull();
    expect(() => createLinkTracker({ ...options, tokenParam: '' })).toThrow(/tokenParam/);
  });
});
