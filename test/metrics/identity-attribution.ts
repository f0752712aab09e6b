import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/events/event-store.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { StoreSuppressionList } from '../../src/tracking/store-suppression-list.js';

const T0 = Date.UTC(2026, 4, 5, 10);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const PHONE = '16505551234';
const USER = 'US.13491208655302741918';
const NEW_USER = 'US.20000000000000000001';

const sent = (messageId: string, recipientId: string, minute: number): StoredEvent => ({
  kind: 'outbound',
  messageId,
  recipientId,
  at: at(minute),
  campaignId: 'bsuid',
});
const delivered = (messageId: string, minute: number, ids: { recipientId: string; userId?: string }) =>
  ({ kind: 'status', messageId, status: 'delivered', at: at(minute), ...ids }) as StoredEvent;
/** A reply with no quoted message: attributed by recipient only. */
const reply = (messageId: string, recipientId: string, minute: number, text = 'Nice!'): StoredEvent =>
  ({
    kind: 'inbound',
    messageId,
    recipientId,
    userId: recipientId.startsWith('US.') ? recipientId : undefined,
    at: at(minute),
    messageType: 'text',
    text,
  }) as StoredEvent;
const userIdChanged: StoredEvent = {
  kind: 'inbound',
  messageId: 'wamid.system',
  recipientId: NEW_USER,
  userId: NEW_USER,
  previousUserId: USER,
  at: at(200),
  messageType: 'system',
};

/**
 * Issue 11 item 4 on one store: a reply that carries only a user id is attributed to the message sent
 * to that user's phone number, whether the link (a status or reply carrying both ids) was stored before
 * or after it, and through a `user_changed_user_id`; each person is counted once.
 */
export function describeIdentityAttribution(name: string, makeStore: () => Promise<EventStore>): void {
  describe(`one person, one identity (${name})`, () => {
    const metricsOf = async (events: StoredEvent[]) => {
      const store = await makeStore();
      await store.append(events);
      return computeCampaignMetrics(store, { campaignId: 'bsuid' });
    };

    it('a user-id-only reply is attributed to the send to the phone number, the link stored before or after', async () => {
      const link = delivered('wamid.1', 5, { recipientId: PHONE, userId: USER });
      const userOnlyReply = reply('wamid.r1', USER, 60);
      for (const order of [
        [sent('wamid.1', `+${PHONE}`, 0), link, userOnlyReply],
        [userOnlyReply, sent('wamid.1', `+${PHONE}`, 0), link],
        [link, userOnlyReply, sent('wamid.1', `+${PHONE}`, 0)],
      ]) {
        const metrics = await metricsOf(order);
        expect(metrics).toMatchObject({ sent: 1, delivered: 1, replied: 1 });
      }
    });

    it('without a link the user-id-only reply stays unattributed', async () => {
      const metrics = await metricsOf([
        sent('wamid.1', PHONE, 0),
        delivered('wamid.1', 5, { recipientId: PHONE }),
        reply('wamid.r1', USER, 60),
      ]);
      expect(metrics).toMatchObject({ sent: 1, replied: 0 });
    });

    it('follows user_changed_user_id: a reply under the new user id counts for the phone number', async () => {
      const metrics = await metricsOf([
        sent('wamid.1', PHONE, 0),
        delivered('wamid.1', 5, { recipientId: PHONE, userId: USER }),
        sent('wamid.2', PHONE, 180),
        userIdChanged,
        reply('wamid.r2', NEW_USER, 240),
      ]);
      expect(metrics).toMatchObject({ sent: 2, replied: 1 });
    });

    it('a person who opts out under both ids is one opt-out of one message', async () => {
      const metrics = await metricsOf([
        sent('wamid.1', PHONE, 0),
        delivered('wamid.1', 5, { recipientId: PHONE, userId: USER }),
        { kind: 'opt_out', recipientId: USER, userId: USER, at: at(30), source: 'user_preferences' },
        reply('wamid.r3', PHONE, 31, 'STOP'),
      ]);
      expect(metrics).toMatchObject({ sent: 1, optedOut: 1 });
    });

    it('the suppression list reads the signals of every id of the person', async () => {
      const store = await makeStore();
      await store.append([
        delivered('wamid.1', 5, { recipientId: PHONE, userId: USER }),
        { kind: 'opt_out', recipientId: USER, userId: USER, at: at(30), source: 'user_preferences' },
      ]);
      const list = new StoreSuppressionList({ store });
      expect(await list.isSuppressed(`+${PHONE}`)).toBe(true);
      expect(await list.isSuppressed(USER)).toBe(true);
      await store.append([userIdChanged, { kind: 'opt_in', recipientId: PHONE, at: at(300), source: 'app' }]);
      expect(await list.isSuppressed(NEW_USER)).toBe(false);
      expect(await list.isSuppressed('16505550000')).toBe(false);
    });
  });
}
