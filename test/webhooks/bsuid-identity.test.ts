import { describe, expect, it } from 'vitest';
import { parseWebhook, toStoredEvents } from '../../src/webhooks/index.js';
import { fixture, fixtureNames } from './helpers.js';

// Issue 11 item 4: since April 2026 Meta may identify a user by a business-scoped user id with an
// empty `wa_id` / `from` / `recipient_id`. Such payloads parse into typed events (not `unknown`), and
// the stored events keep the user id next to the phone number.

const USER = 'US.13491208655302741918';
const PARENT = 'US.ENT.11815799212886844830';
const stored = (name: string) => parseWebhook(fixture(`bsuid/${name}`)).flatMap(toStoredEvents);

describe('business-scoped user ids in webhooks', () => {
  it('every BSUID fixture parses into typed events, none unknown', () => {
    const names = fixtureNames('bsuid');
    expect(names).toHaveLength(6);
    for (const name of names) {
      const types = parseWebhook(fixture(`bsuid/${name}`)).map((e) => e.type);
      expect(types, name).not.toContain('unknown');
      expect(types.length, name).toBeGreaterThan(0);
    }
  });

  it('a status with recipient_id "" and recipient_user_id → recipientId and userId are the user id', () => {
    const [event] = parseWebhook(fixture('bsuid/status-delivered-user-id-only.json'));
    expect(event).toMatchObject({ type: 'status', recipientId: USER, recipientUserId: USER });
    expect(stored('status-delivered-user-id-only.json')).toMatchObject([
      { kind: 'status', status: 'delivered', recipientId: USER, userId: USER },
    ]);
  });

  it('a status with both ids keeps the phone number as recipientId and the user id beside it', () => {
    expect(stored('status-read-phone-and-user-id.json')).toEqual([
      expect.objectContaining({ kind: 'status', recipientId: '16505551234', userId: USER }),
    ]);
  });

  it('a message with from "" → from is the user id; the contact carries user, parent and username', () => {
    const [event] = parseWebhook(fixture('bsuid/inbound-text-user-id-only.json'));
    expect(event).toMatchObject({
      type: 'message',
      from: USER,
      fromUserId: USER,
      contact: { name: 'Sheena Nelson', userId: USER, parentUserId: PARENT, username: 'sheena.nelson' },
    });
    expect(event).not.toHaveProperty('contact.waId');
    expect(stored('inbound-text-user-id-only.json')).toEqual([
      expect.objectContaining({
        kind: 'inbound',
        recipientId: USER,
        userId: USER,
        parentUserId: PARENT,
        username: 'sheena.nelson',
      }),
    ]);
  });

  it('a message with both ids keeps the phone number as recipientId and the user ids beside it', () => {
    expect(stored('inbound-text-phone-and-user-id.json')).toEqual([
      expect.objectContaining({
        kind: 'inbound',
        recipientId: '16505551234',
        userId: USER,
        parentUserId: PARENT,
      }),
    ]);
  });

  it('a user_changed_user_id system message stores the old and the new user id', () => {
    expect(stored('system-user-changed-user-id.json')).toEqual([
      expect.objectContaining({
        kind: 'inbound',
        messageType: 'system',
        recipientId: 'US.20000000000000000001',
        userId: 'US.20000000000000000001',
        previousUserId: USER,
        parentUserId: 'US.ENT.20000000000000000002',
        previousParentUserId: PARENT,
      }),
    ]);
  });

  it('a Stop tap with wa_id "" is an opt_out of the user id (not dropped as unknown)', () => {
    const [event] = parseWebhook(fixture('bsuid/user-preferences-stop-user-id-only.json'));
    expect(event).toMatchObject({ type: 'user_preferences', waId: USER, userId: USER, value: 'stop' });
    expect(stored('user-preferences-stop-user-id-only.json')).toEqual([
      expect.objectContaining({ kind: 'opt_out', recipientId: USER, userId: USER }),
    ]);
  });

  it('an element with neither a phone number nor a user id is still unknown', () => {
    const payload = fixture('bsuid/status-delivered-user-id-only.json') as {
      entry: Array<{ changes: Array<{ value: { statuses: Array<Record<string, unknown>> } }> }>;
    };
    const status = payload.entry[0]!.changes[0]!.value.statuses[0]!;
    status.recipient_user_id = '';
    expect(parseWebhook(payload).map((e) => e.type)).toEqual(['unknown']);
  });
});
