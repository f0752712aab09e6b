import { describe, expect, it } from 'vitest';
import type { OutboundEvent, StoredEvent } from '../../src/events/stored-event.js';
import { LiveMessage } from '../../src/metrics/live-message.js';
import { unlinkedTarget, unlinkedWindowed } from '../../src/metrics/live-unlinked.js';

const T0 = Date.UTC(2026, 4, 1, 9);
const HOUR = 3_600_000;

function message(id: string, atMs: number): LiveMessage {
  const send: OutboundEvent = {
    kind: 'outbound',
    messageId: id,
    recipientId: '15550001',
    at: new Date(atMs),
    campaignId: 'c',
  };
  return new LiveMessage(send, undefined);
}

describe('unlinkedWindowed: which events go by recipient, and with the window', () => {
  const at = new Date(T0);
  const cases: Array<[string, StoredEvent, boolean | undefined]> = [
    [
      'a reply with context',
      { kind: 'inbound', messageId: 'i', recipientId: '1', at, contextMessageId: 'w' },
      undefined,
    ],
    ['a reply without', { kind: 'inbound', messageId: 'i', recipientId: '1', at }, true],
    ['a click naming its message', { kind: 'click', messageId: 'w', at, url: 'u' }, undefined],
    [
      'a campaign-scoped click token',
      { kind: 'click', recipientId: '1', campaignId: 'c', at, url: 'u' },
      false,
    ],
    ['an unscoped click', { kind: 'click', recipientId: '1', at, url: 'u' }, true],
    ['an opt-out naming its message', { kind: 'opt_out', recipientId: '1', messageId: 'w', at }, undefined],
    ['an opt-out', { kind: 'opt_out', recipientId: '1', at }, true],
    ['a block', { kind: 'block', recipientId: '1', at }, true],
    ['a conversion naming its message', { kind: 'conversion', messageId: 'w', at }, undefined],
    [
      'a conversion by link token',
      { kind: 'conversion', token: 't', recipientId: '1', campaignId: 'c', at },
      false,
    ],
    ['a token without a campaign', { kind: 'conversion', token: 't', recipientId: '1', at }, true],
    ['a conversion by recipient', { kind: 'conversion', recipientId: '1', at }, true],
    ['a status', { kind: 'status', messageId: 'w', status: 'read', at }, undefined],
  ];
  for (const [name, event, expected] of cases) {
    it(name, () => expect(unlinkedWindowed(event)).toBe(expected));
  }
});

describe('unlinkedTarget: the builder rule for one person', () => {
  const none = () => false;

  it('takes the latest message sent before the end of the event second', () => {
    const early = message('a', T0);
    const sameSecond = message('b', T0 + 5930);
    const nextSecond = message('c', T0 + 6000);
    const messages = [nextSecond, early, sameSecond];
    expect(unlinkedTarget(messages, T0 + 5000, true, HOUR, none)).toBe(sameSecond);
    expect(unlinkedTarget(messages, T0 + 4999, true, HOUR, none)).toBe(early);
    expect(unlinkedTarget(messages, T0 - 1000, true, HOUR, none)).toBeUndefined();
  });

  it('skips failed messages, and breaks a tie of send times by message id', () => {
    const a = message('a', T0);
    const b = message('b', T0);
    expect(unlinkedTarget([b, a], T0 + HOUR, true, 2 * HOUR, none)).toBe(b);
    expect(unlinkedTarget([a, b], T0 + HOUR, true, 2 * HOUR, none)).toBe(b);
    expect(unlinkedTarget([a, b], T0 + HOUR, true, 2 * HOUR, (m) => m === b)).toBe(a);
  });

  it('applies the window to the message found only when windowed', () => {
    const old = message('a', T0);
    expect(unlinkedTarget([old], T0 + HOUR, true, HOUR, none)).toBe(old);
    expect(unlinkedTarget([old], T0 + HOUR + 1, true, HOUR, none)).toBeUndefined();
    expect(unlinkedTarget([old], T0 + HOUR + 1, false, HOUR, none)).toBe(old);
  });
});
