import { describe, expect, it } from 'vitest';
import { toStorableText, toStorableValue } from '../../src/events/storable-text.js';

describe('toStorableText', () => {
  it('replaces NUL and lone surrogates with U+FFFD and keeps everything else', () => {
    expect(toStorableText('a\u0000b')).toBe('a\uFFFDb');
    expect(toStorableText('x\uD83D')).toBe('x\uFFFD');
    expect(toStorableText('\uDE00y')).toBe('\uFFFDy');
    expect(toStorableText('\uDE00\uD83D')).toBe('\uFFFD\uFFFD');
    expect(toStorableText('\u0000\uD83D\u0000')).toBe('\uFFFD\uFFFD\uFFFD');
    for (const clean of ['', 'hello', 'olá 👍🏽', '\u0001\u001f\uFFFF', '\uD83D\uDE00']) {
      expect(toStorableText(clean)).toBe(clean);
    }
  });
});

describe('toStorableValue', () => {
  it('returns the very same object when nothing needs fixing', () => {
    const event = { kind: 'inbound', at: new Date(1), text: 'ok', metadata: { a: ['b', 1] } };
    expect(toStorableValue(event)).toBe(event);
  });

  it('fixes strings at any depth and in keys, copying only what changed', () => {
    const at = new Date(1);
    const nested = { keep: 'fine' };
    const event = { at, text: 'a\u0000', metadata: { 'k\uD800': ['v\uDC00', 2, nested] } };
    const fixed = toStorableValue(event);
    expect(fixed).toEqual({ at, text: 'a\uFFFD', metadata: { 'k\uFFFD': ['v\uFFFD', 2, nested] } });
    expect(fixed.at).toBe(at);
    expect(fixed.metadata['k\uFFFD' as 'k\uD800']?.[2]).toBe(nested);
    expect(event.text).toBe('a\u0000'); // the input is not mutated
  });

  it('keeps a key named __proto__ as an own property', () => {
    const value = JSON.parse('{"__proto__": {"x": "\\u0000"}}') as Record<string, unknown>;
    const fixed = toStorableValue(value);
    expect(Object.getPrototypeOf(fixed)).toBe(Object.prototype);
    expect(Object.hasOwn(fixed, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(fixed, '__proto__')?.value).toEqual({ x: '\uFFFD' });
  });
});
