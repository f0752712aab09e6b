import { describe, expect, it } from 'vitest';
import { isOptOutInbound, optOutEventFor } from '../../src/tracking/opt-out-detection.js';
import { isOptOutPayload, isOptOutText, normalizeOptOutText } from '../../src/tracking/opt-out-keywords.js';

describe('isOptOutText', () => {
  it.each([
    ['STOP', 'en'],
    ['  stop!! ', 'en'],
    ['Unsubscribe', 'en'],
    ['İPTAL', 'tr'],
    ['abonelikten çık', 'tr'],
    ['СТОП', 'ru'],
    ['Отписаться.', 'ru'],
    ['退订', 'zh'],
    ['TD', 'zh'],
    ['Baja', 'es'],
    ['No más', 'es'],
    ['Não quero', 'pt'],
    ['Parar', 'pt'],
    ['Stopp', 'de'],
    ['Abmelden', 'de'],
    ['إلغاء الاشتراك', 'ar'],
    ['توقف', 'ar'],
    ['🛑 STOP 🛑', 'emoji'],
  ])('%s (%s) is an opt-out', (text) => {
    expect(isOptOutText(text)).toBe(true);
  });

  it.each([
    'Please do not stop the offers',
    'stop by the shop tomorrow?',
    'thanks',
    'stopwatch',
    '',
    'unsubscribe me from nothing',
  ])('%s is not', (text) => {
    expect(isOptOutText(text)).toBe(false);
  });

  it('uses configured keywords instead of the built-in list', () => {
    expect(isOptOutText('Basta ya', { keywords: ['basta ya'] })).toBe(true);
    expect(isOptOutText('STOP', { keywords: ['basta ya'] })).toBe(false);
    expect(isOptOutText('STOP', { keywords: [] })).toBe(false);
  });

  it('normalises case, accents, punctuation and whitespace', () => {
    expect(normalizeOptOutText('  Kündigen,   BITTE!  ')).toBe('kundigen bitte');
  });
});

describe('isOptOutPayload', () => {
  it('matches configured payloads exactly, ignoring case and surrounding space', () => {
    expect(isOptOutPayload('STOP_PROMO')).toBe(true);
    expect(isOptOutPayload(' unsubscribe ')).toBe(true);
    expect(isOptOutPayload('STOP_PROMO_LATER')).toBe(false);
    expect(isOptOutPayload('NO_THANKS', ['no_thanks'])).toBe(true);
  });
});

describe('optOutEventFor', () => {
  const at = new Date(Date.UTC(2026, 0, 1));
  it('turns a STOP reply into an opt_out event naming the answered message', () => {
    expect(
      optOutEventFor({
        kind: 'inbound',
        messageId: 'r',
        recipientId: '1',
        at,
        contextMessageId: 'm',
        text: 'STOP',
      }),
    ).toEqual({ kind: 'opt_out', recipientId: '1', at, source: 'keyword', messageId: 'm' });
    expect(
      optOutEventFor({
        kind: 'inbound',
        messageId: 'r',
        recipientId: '1',
        at,
        buttonPayload: 'STOP_PROMO',
        text: 'Not now',
      }),
    ).toEqual({ kind: 'opt_out', recipientId: '1', at, source: 'quick_reply' });
  });

  it('returns undefined for ordinary replies and honours custom options', () => {
    const inbound = { kind: 'inbound' as const, messageId: 'r', recipientId: '1', at, text: 'enough' };
    expect(optOutEventFor(inbound)).toBeUndefined();
    expect(isOptOutInbound(inbound, { keywords: ['enough'] })).toBe(true);
    expect(
      isOptOutInbound(
        { ...inbound, text: 'STOP', buttonPayload: 'STOP' },
        { quickReplyPayloads: [], keywords: [] },
      ),
    ).toBe(false);
  });

  it('judges a button or list tap by its payload only, never by its title', () => {
    const tap = { kind: 'inbound' as const, messageId: 'r', recipientId: '1', at };
    // A booking flow's "Cancel" button is not an unsubscribe, although "cancel" typed is.
    expect(isOptOutInbound({ ...tap, text: 'Cancel', buttonPayload: 'cancel_booking' })).toBe(false);
    expect(optOutEventFor({ ...tap, text: 'Cancel', buttonPayload: 'cancel_booking' })).toBeUndefined();
    expect(isOptOutInbound({ ...tap, text: 'Cancel' })).toBe(true);
    expect(isOptOutInbound({ ...tap, text: 'Stop promotions', buttonPayload: 'STOP_PROMO' })).toBe(true);
  });
});
