import { describe, expect, it } from 'vitest';
import { clickableUrls, openLoopbackLink, toClickPattern } from '../../src/simulator/clicks.js';

describe('click helpers', () => {
  it('matches a string pattern literally, and a /g RegExp without state', () => {
    const literal = toClickPattern('http://127.0.0.1:3000/r?');
    expect(clickableUrls(literal, 'text', { body: 'go http://127.0.0.1:3000/r?t=1 now' }, undefined)).toEqual(
      ['http://127.0.0.1:3000/r?t=1'],
    );
    const global = toClickPattern(/\/r\//g);
    const payload = { body: 'http://127.0.0.1/r/a http://127.0.0.1/r/b http://127.0.0.1/x' };
    expect(clickableUrls(global, 'text', payload, undefined)).toEqual([
      'http://127.0.0.1/r/a',
      'http://127.0.0.1/r/b',
    ]);
  });

  it('finds URLs in interactive payloads and template URL buttons', () => {
    const pattern = toClickPattern('/r/');
    const cta = {
      type: 'cta_url',
      action: { name: 'cta_url', parameters: { url: 'http://127.0.0.1/r/cta' } },
    };
    expect(clickableUrls(pattern, 'interactive', cta, undefined)).toEqual(['http://127.0.0.1/r/cta']);
    const template = { texts: ['Mark'], urls: ['http://127.0.0.1/r/btn'], quickReplies: [] } as never;
    expect(clickableUrls(pattern, 'template', {}, template)).toEqual(['http://127.0.0.1/r/btn']);
    expect(clickableUrls(undefined, 'text', { body: 'http://127.0.0.1/r/a' }, undefined)).toEqual([]);
  });

  it('never opens a link off loopback', async () => {
    expect(await openLoopbackLink('https://example.com/r/abc')).toBe(false);
    expect(await openLoopbackLink('not a url')).toBe(false);
  });
});
