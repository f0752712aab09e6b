import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { eventKey } from '../../src/events/event-key.js';
import { normalizeRecipientId } from '../../src/events/recipient-id.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { assertStoredEvents, storedEventSchema } from '../../src/events/stored-event-schema.js';

const at = new Date(Date.UTC(2026, 0, 1));

describe('storedEventSchema', () => {
  it('accepts every kind', () => {
    const events: StoredEvent[] = [
      { kind: 'outbound', messageId: 'm', recipientId: '1', at, metadata: { a: 1 } },
      { kind: 'send_failed', recipientId: '1', at, errorCode: 131030 },
      {
        kind: 'status',
        messageId: 'm',
        status: 'delivered',
        at,
        pricing: { category: 'marketing', type: 'regular', billable: true },
      },
      { kind: 'inbound', messageId: 'r', recipientId: '1', at, contextMessageId: 'm', text: 'hi' },
      { kind: 'click', at, messageId: 'm', url: 'https://x.example' },
      { kind: 'opt_out', recipientId: '1', at },
      { kind: 'opt_in', recipientId: '1', at },
      { kind: 'block', recipientId: '1', at, source: 'app' },
      { kind: 'conversion', at, value: 9.99, currency: 'EUR', recipientId: '1' },
      { kind: 'resolved', recipientId: '1', at, source: 'agent' },
    ];
    for (const event of events) expect(storedEventSchema.safeParse(event).success).toBe(true);
    expect(() => assertStoredEvents(events)).not.toThrow();
  });

  it('throws ValidationError naming the index and field of the first bad event', () => {
    const bad = [
      { kind: 'status', messageId: 'm', status: 'sent', at },
      { kind: 'status', messageId: 'm', status: 'sent', at: '2026-01-01' },
    ];
    try {
      assertStoredEvents(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe('1.at');
    }
    expect(() => assertStoredEvents([{ kind: 'nope', at }])).toThrow(ValidationError);
    expect(() => assertStoredEvents([{ kind: 'conversion', at, value: Number.NaN }])).toThrow(
      ValidationError,
    );
    expect(() => assertStoredEvents([{ kind: 'outbound', messageId: '', recipientId: '1', at }])).toThrow(
      ValidationError,
    );
  });
});

describe('eventKey', () => {
  it('identifies statuses by message and status, replies and sends by message id', () => {
    const s1: StoredEvent = { kind: 'status', messageId: 'm', status: 'read', at };
    const s2: StoredEvent = {
      kind: 'status',
      messageId: 'm',
      status: 'read',
      at: new Date(at.getTime() + 5),
      recipientId: '1',
    };
    const s3: StoredEvent = { kind: 'status', messageId: 'm', status: 'delivered', at };
    expect(eventKey(s1)).toBe(eventKey(s2));
    expect(eventKey(s1)).not.toBe(eventKey(s3));
    const o1: StoredEvent = { kind: 'outbound', messageId: 'm', recipientId: '1', at };
    const i1: StoredEvent = { kind: 'inbound', messageId: 'm', recipientId: '1', at };
    expect(eventKey(o1)).not.toBe(eventKey(i1));
  });

  it('keys content-identified kinds by content, including time', () => {
    const c1: StoredEvent = { kind: 'conversion', at, value: 5, recipientId: '1' };
    expect(eventKey(c1)).toBe(eventKey({ ...c1 }));
    expect(eventKey(c1)).not.toBe(eventKey({ ...c1, value: 6 }));
    expect(eventKey(c1)).not.toBe(eventKey({ ...c1, at: new Date(at.getTime() + 1) }));
    const f1: StoredEvent = { kind: 'send_failed', recipientId: '1', at, idempotencyKey: 'k' };
    expect(eventKey(f1)).toBe(eventKey({ ...f1, at: new Date(0), errorCode: 1 }));
  });
});

describe('normalizeRecipientId', () => {
  it('strips phone formatting but leaves business-scoped ids alone', () => {
    expect(normalizeRecipientId('+1 (650) 555-1234')).toBe('16505551234');
    expect(normalizeRecipientId('16505551234')).toBe('16505551234');
    expect(normalizeRecipientId('US.13491208655302741918')).toBe('US.13491208655302741918');
  });
});
