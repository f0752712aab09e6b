import { describe, expect, it } from 'vitest';
import { parseWebhook } from '../../src/webhooks/parse.js';
import { WebhookProcessor } from '../../src/webhooks/processor.js';
import type { WebhookEvent } from '../../src/webhooks/webhook-events.js';
import { messagesEnvelope } from './helpers.js';

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'valueOf', 'toString', 'hasOwnProperty'];

/** A message whose `type` (and payload key) is `name`; built from JSON so `__proto__` is an own key. */
function messageOfType(name: string, id: string): Record<string, unknown> {
  return JSON.parse(
    `{"id":"${id}","from":"16505551234","timestamp":"1700000000","type":"${name}","${name}":{"body":"x"}}`,
  ) as Record<string, unknown>;
}

const goodText = {
  id: 'wamid.good',
  from: '16505551234',
  timestamp: '1700000000',
  type: 'text',
  text: { body: 'hello' },
};

function summary(events: WebhookEvent[]): string[] {
  return events.map((e) =>
    e.type === 'message' ? `message:${e.messageId}` : e.type === 'status' ? `status:${e.status}` : e.type,
  );
}

describe('parseWebhook with keys named like Object.prototype members', () => {
  for (const name of PROTOTYPE_NAMES) {
    it(`a message of type "${name}" loses none of its neighbours and raises no parser error`, () => {
      const payload = messagesEnvelope({
        messages: [messageOfType(name, 'wamid.odd'), goodText],
        statuses: [{ id: 'wamid.out', status: name, timestamp: '1700000000', recipient_id: '1' }],
      });
      const events = parseWebhook(payload);
      expect(summary(events)).toEqual([`status:${name}`, 'message:wamid.odd', 'message:wamid.good']);
      const odd = events[1];
      expect(odd?.type === 'message' && odd.message.type).toBe(name);
    });
  }

  it('a known type is still checked: a "text" message without a body is an unknown event', () => {
    const events = parseWebhook(messagesEnvelope({ messages: [{ ...goodText, text: {} }, goodText] }));
    expect(events.map((e) => e.type)).toEqual(['unknown', 'message']);
  });

  it('the processor dispatches message.<name> and status.<name> for every such name', async () => {
    for (const name of PROTOTYPE_NAMES) {
      const processor = new WebhookProcessor();
      const seen: string[] = [];
      processor.on(`message.${name}` as 'message.text', () => {
        seen.push('message');
      });
      processor.on(`status.${name}` as 'status.read', () => {
        seen.push('status');
      });
      const payload = messagesEnvelope({
        messages: [messageOfType(name, `wamid.${name}`)],
        statuses: [{ id: 'wamid.out', status: name, timestamp: '1700000000', recipient_id: '1' }],
      });
      await processor.processPayload(payload);
      expect(seen.sort()).toEqual(['message', 'status']);
    }
  });
});
