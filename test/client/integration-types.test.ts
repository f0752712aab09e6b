import { describe, expect, it } from 'vitest';
import { image, text } from '../../src/messages/builders/basic-builders.js';
import { template } from '../../src/messages/builders/template-builders.js';
import type { QueueClient } from '../../src/queue/send-client.js';
import { MESSAGES_PATH, mockClient, PHONE_ID, sendResponse } from './helpers.js';

describe('client integration with the other modules', () => {
  it('is a QueueClient (the send queue keys its limits on phoneNumberId)', () => {
    const { client } = mockClient();
    const queueClient: QueueClient = client;
    expect(queueClient.phoneNumberId).toBe(PHONE_ID);
  });

  it('sends what the message builders return, unchanged', async () => {
    const { pool, client, agent } = mockClient();
    const wires: string[] = [];
    pool
      .intercept({ path: MESSAGES_PATH, method: 'POST' })
      .reply((opts) => {
        wires.push(String(opts.body));
        return { statusCode: 200, data: sendResponse() };
      })
      .times(3);
    const messages = [
      text('+16505551234', 'Hello'),
      image('+16505551234', { id: '123' }, { caption: 'Look' }),
      template('+16505551234', 'hello_world', 'en_US'),
    ];
    for (const message of messages) await client.messages.send(message);
    expect(wires).toEqual(messages.map((m) => JSON.stringify({ messaging_product: 'whatsapp', ...m })));
    await agent.close();
  });
});
