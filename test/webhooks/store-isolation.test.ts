import { describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import type { EventStore } from '../../src/events/event-store.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { createWebhookHandler, signWebhookPayload, WebhookProcessor } from '../../src/webhooks/index.js';
import { parseWebhook } from '../../src/webhooks/parse.js';
import { fakeStore } from './fake-store.js';
import { messagesEnvelope } from './helpers.js';

const appSecret = 'isolation-secret';

/** A store that refuses (throws `makeError()` on) any batch holding an event about `poison`. */
function storeRefusing(
  poison: string,
  withAppendNew = true,
  makeError: () => Error = () => new Error(`refused ${poison}`),
): EventStore & { events: StoredEvent[]; calls: number } {
  const inner = fakeStore({ withAppendNew });
  const guard = (batch: StoredEvent[]): void => {
    store.calls++;
    if (batch.some((e) => 'messageId' in e && e.messageId === poison)) {
      throw makeError();
    }
  };
  const store = {
    events: inner.events,
    calls: 0,
    scan: inner.scan,
    async append(batch: StoredEvent[]) {
      guard(batch);
      await inner.append(batch);
    },
  } as EventStore & { events: StoredEvent[]; calls: number };
  if (withAppendNew) {
    store.appendNew = async (batch) => {
      guard(batch);
      return (inner.appendNew as NonNullable<EventStore['appendNew']>)(batch);
    };
  }
  return store;
}

const payload = messagesEnvelope({
  statuses: ['wamid.a', 'wamid.poison', 'wamid.b'].map((id) => ({
    id,
    status: 'delivered',
    timestamp: '1700000000',
    recipient_id: '16505551234',
  })),
});

describe('one event the store refuses does not take its neighbours down', () => {
  for (const withAppendNew of [true, false]) {
    it(`stores and emits the others, reports the refused one (appendNew ${withAppendNew})`, async () => {
      const store = storeRefusing('wamid.poison', withAppendNew);
      const onError = vi.fn();
      const processor = new WebhookProcessor({ store, onError });
      const emitted: string[] = [];
      processor.on('status', (e) => {
        emitted.push(e.messageId);
      });
      const fresh = await processor.process(parseWebhook(payload));
      expect(fresh.map((e) => (e.type === 'status' ? e.messageId : e.type))).toEqual(['wamid.a', 'wamid.b']);
      expect(emitted).toEqual(['wamid.a', 'wamid.b']);
      expect(store.events.map((e) => ('messageId' in e ? e.messageId : ''))).toEqual(['wamid.a', 'wamid.b']);
      expect(onError).toHaveBeenCalledTimes(1);
      const [error, event] = onError.mock.calls[0] as [Error, { messageId: string }];
      expect(error.message).toBe('refused wamid.poison');
      expect(event.messageId).toBe('wamid.poison');

      // The refused event is forgotten by the dedupe window: a redelivery tries it again, and as it is
      // then the only event and fails for no known data reason, the store counts as failing.
      const callsBefore = store.calls;
      await expect(processor.process(parseWebhook(payload))).rejects.toThrow('refused wamid.poison');
      expect(store.calls).toBeGreaterThan(callsBefore);
      expect(emitted).toEqual(['wamid.a', 'wamid.b']);
    });
  }

  it('an event refused for its data alone is reported and skipped: no rejection, no endless retry', async () => {
    const dataError = () => Object.assign(new Error('invalid byte sequence'), { code: '22021' });
    for (const makeError of [dataError, () => new ValidationError([], 'stored event')]) {
      const store = storeRefusing('wamid.poison', true, makeError);
      const onError = vi.fn();
      const processor = new WebhookProcessor({ store, onError });
      const single = messagesEnvelope({
        statuses: [{ id: 'wamid.poison', status: 'read', timestamp: '1', recipient_id: '1' }],
      });
      await expect(processor.process(parseWebhook(single))).resolves.toEqual([]);
      expect(onError).toHaveBeenCalledTimes(1);
    }
  });

  it('a store refusing every event still rejects (Meta should retry), remembering nothing', async () => {
    const store = fakeStore({ failing: true });
    const onError = vi.fn();
    const processor = new WebhookProcessor({ store, onError });
    await expect(processor.process(parseWebhook(payload))).rejects.toThrow('disk full');
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('through the handler with awaitProcessing: 200, and the good events are stored', async () => {
    const store = storeRefusing('wamid.poison');
    const onError = vi.fn();
    const handler = createWebhookHandler({
      appSecret,
      verifyToken: 'v',
      store,
      onError,
      awaitProcessing: true,
    });
    const body = JSON.stringify(payload);
    const response = await handler(
      new Request('http://localhost/webhook', {
        method: 'POST',
        body,
        headers: { 'x-hub-signature-256': signWebhookPayload(body, appSecret) },
      }),
    );
    expect(response.status).toBe(200);
    expect(store.events).toHaveLength(2);
    expect(onError).toHaveBeenCalledTimes(1);
  });
});
