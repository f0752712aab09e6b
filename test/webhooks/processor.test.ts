import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import type { WebhookEvent } from '../../src/webhooks/index.js';
import { parseWebhook, WebhookProcessor } from '../../src/webhooks/index.js';
import { fakeStore } from './fake-store.js';
import { fixture, messagesEnvelope } from './helpers.js';

const status = (id: string, s: string, ts = '1750000000') => ({
  id,
  status: s,
  timestamp: ts,
  recipient_id: '1',
});
const statusEvents = (...statuses: ReturnType<typeof status>[]) =>
  parseWebhook(messagesEnvelope({ statuses }));

describe('WebhookProcessor', () => {
  it('emits on event, type, status.<status> and message.<type>', async () => {
    const processor = new WebhookProcessor();
    const seen: string[] = [];
    processor.on('event', (e) => {
      seen.push(`event:${e.type}`);
    });
    processor.on('status', (e) => {
      seen.push(`status:${e.status}`);
    });
    processor.on('status.read', (e) => {
      seen.push(`status.read:${e.messageId}`);
    });
    processor.on('message', (e) => {
      seen.push(`message:${e.message.type}`);
    });
    processor.on('message.text', (e) => {
      seen.push(`message.text:${e.message.text.body}`);
    });
    processor.on('template_status', (e) => {
      seen.push(`template_status:${e.event}`);
    });
    processor.on('user_preferences', (e) => {
      seen.push(`user_preferences:${e.value}`);
    });
    await processor.process(statusEvents(status('w1', 'read')));
    await processor.processPayload(fixture('spec/text-message.json'));
    await processor.processPayload(fixture('notes/template-status-update.json'));
    await processor.processPayload(fixture('notes/user-preferences-opt-out.json'));
    expect(seen).toEqual([
      'event:status',
      'status:read',
      'status.read:w1',
      'event:message',
      'message:text',
      'message.text:Does it come in another color?',
      'event:template_status',
      'template_status:REJECTED',
      'event:user_preferences',
      'user_preferences:stop',
    ]);
  });

  it('drops repeats of (messageId, status) and of message ids, passing out-of-order statuses through', async () => {
    const processor = new WebhookProcessor();
    const statuses: string[] = [];
    const duplicates: string[] = [];
    processor.on('status', (e) => {
      statuses.push(`${e.messageId}:${e.status}`);
    });
    processor.on('duplicate', (e) => {
      duplicates.push(e.type === 'user_preferences' ? e.waId : e.messageId);
    });
    await processor.process(statusEvents(status('w1', 'read'), status('w1', 'failed'), status('w1', 'read')));
    await processor.process(
      statusEvents(status('w1', 'delivered'), status('w1', 'read'), status('w2', 'read')),
    );
    const text = parseWebhook(fixture('spec/text-message.json'));
    const first = await processor.process(text);
    const again = await processor.process(text);
    expect(statuses).toEqual(['w1:read', 'w1:failed', 'w1:delivered', 'w2:read']);
    expect(first).toHaveLength(1);
    expect(again).toHaveLength(0);
    expect(duplicates).toEqual(['w1', 'w1', text[0]?.type === 'message' ? text[0].messageId : '']);
  });

  it('drops a redelivered user_preferences event but not a later change of mind', async () => {
    const processor = new WebhookProcessor();
    const seen: string[] = [];
    processor.on('user_preferences', (e) => {
      seen.push(`${e.value}@${e.timestamp.getTime()}`);
    });
    const prefs = (value: string, timestamp: number) =>
      parseWebhook(
        messagesEnvelope(
          { user_preferences: [{ wa_id: '1', category: 'marketing_messages', value, timestamp }] },
          'user_preferences',
        ),
      );
    await processor.process(prefs('stop', 10));
    await processor.process(prefs('stop', 10));
    await processor.process(prefs('resume', 20));
    await processor.process(prefs('stop', 30));
    expect(seen).toEqual(['stop@10000', 'resume@20000', 'stop@30000']);
  });

  it('forgets the oldest keys beyond dedupeWindowSize', async () => {
    const processor = new WebhookProcessor({ dedupeWindowSize: 2 });
    const seen: string[] = [];
    processor.on('status', (e) => {
      seen.push(e.messageId);
    });
    await processor.process(statusEvents(status('a', 'sent'), status('b', 'sent'), status('c', 'sent')));
    await processor.process(statusEvents(status('a', 'sent'), status('c', 'sent')));
    expect(seen).toEqual(['a', 'b', 'c', 'a']);
  });

  it('reports a throwing or rejecting listener on error and still runs the others', async () => {
    const processor = new WebhookProcessor();
    const errors: Array<[string, string | undefined]> = [];
    const after = vi.fn();
    processor.on('error', (error, event) => {
      errors.push([error.message, event?.type]);
    });
    processor.on('status', () => {
      throw new Error('sync boom');
    });
    processor.on('status', async () => {
      throw new Error('async boom');
    });
    processor.on('status', after);
    await processor.process(statusEvents(status('x', 'sent')));
    await processor.idle();
    expect(after).toHaveBeenCalledTimes(1);
    expect(errors).toEqual([
      ['sync boom', 'status'],
      ['async boom', 'status'],
    ]);
  });

  it('falls back to onError when no error listener is attached', async () => {
    const onError = vi.fn();
    const processor = new WebhookProcessor({ onError });
    processor.on('event', () => {
      throw new Error('nope');
    });
    await processor.process(statusEvents(status('x', 'sent')));
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'nope' }),
      expect.objectContaining({ type: 'status' }),
    );
  });

  it('idle() waits for async listeners', async () => {
    const processor = new WebhookProcessor();
    let done = false;
    processor.on('status', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      done = true;
    });
    await processor.process(statusEvents(status('x', 'sent')));
    expect(done).toBe(false);
    await processor.idle();
    expect(done).toBe(true);
  });

  it('once() runs one time and off() removes listeners (once ones too)', async () => {
    const processor = new WebhookProcessor({ dedupeWindowSize: 0 });
    const once = vi.fn();
    const removed = vi.fn();
    const removedOnce = vi.fn();
    processor.once('status', once);
    processor.on('status', removed);
    processor.once('status', removedOnce);
    processor.off('status', removed);
    processor.off('status', removedOnce);
    await processor.process(statusEvents(status('x', 'sent'), status('x', 'sent')));
    expect(once).toHaveBeenCalledTimes(1);
    expect(removed).not.toHaveBeenCalled();
    expect(removedOnce).not.toHaveBeenCalled();
    expect(processor.listenerCount('status')).toBe(0);
  });

  it('rejects unknown options', () => {
    expect(() => new WebhookProcessor({ dedupe: 5 } as never)).toThrow(ConfigError);
    expect(() => new WebhookProcessor({ dedupeWindowSize: -1 })).toThrow(ConfigError);
  });
});

describe('WebhookProcessor with a store', () => {
  it('persists new events and dedupes against the store (appendNew) across processors', async () => {
    const store = fakeStore();
    const first = new WebhookProcessor({ store });
    const second = new WebhookProcessor({ store }); // e.g. another process: its own memory window
    const seen: WebhookEvent[] = [];
    second.on('event', (e) => {
      seen.push(e);
    });
    const events = statusEvents(status('w1', 'delivered'), status('w2', 'read'));
    await first.process(events);
    const emitted = await second.process([...events, ...statusEvents(status('w3', 'read'))]);
    expect(emitted.map((e) => (e.type === 'status' ? e.messageId : ''))).toEqual(['w3']);
    expect(seen).toHaveLength(1);
    expect(store.events.map((e) => e.kind)).toEqual(['status', 'status', 'status']);
  });

  it('uses append when the store has no appendNew', async () => {
    const store = fakeStore({ withAppendNew: false });
    const processor = new WebhookProcessor({ store });
    await processor.processPayload(fixture('notes/inbound-template-quick-reply.json'));
    expect(store.events).toMatchObject([
      { kind: 'inbound', buttonPayload: 'STOP_PROMO' },
      { kind: 'opt_out', source: 'quick_reply' },
    ]);
  });

  it('on a store failure: reports, emits nothing, and forgets the keys so a redelivery is processed', async () => {
    const store = fakeStore({ failing: true });
    const errors: Error[] = [];
    const seen = vi.fn();
    const processor = new WebhookProcessor({ store });
    processor.on('error', (e) => {
      errors.push(e);
    });
    processor.on('event', seen);
    const events = statusEvents(status('w1', 'read'));
    await expect(processor.process(events)).rejects.toThrow('disk full');
    expect(seen).not.toHaveBeenCalled();
    expect(errors).toHaveLength(1);
    await expect(processor.process(events)).rejects.toThrow('disk full'); // not dropped as a duplicate
  });
});
