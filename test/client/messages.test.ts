import { afterEach, describe, expect, it } from 'vitest';
import type { SendableMessage } from '../../src/client/index.js';
import { ValidationError } from '../../src/errors/index.js';
import { MESSAGES_PATH, mockClient, sendResponse, TOKEN } from './helpers.js';

const TO = '+16505551234';

// One plain object per message type (what the builders return).
const MESSAGES: Record<string, SendableMessage> = {
  text: { to: TO, type: 'text', text: { body: 'Hello', preview_url: true } },
  image: { to: TO, type: 'image', image: { id: '1234567890', caption: 'A photo' } },
  video: { to: TO, type: 'video', video: { link: 'https://example.com/v.mp4', caption: 'Clip' } },
  audio: { to: TO, type: 'audio', audio: { id: '987654321', voice: true } },
  document: { to: TO, type: 'document', document: { link: 'https://example.com/a.pdf', filename: 'a.pdf' } },
  sticker: { to: TO, type: 'sticker', sticker: { id: '5555' } },
  location: {
    to: TO,
    type: 'location',
    location: { latitude: 37.48, longitude: -122.14, name: 'HQ', address: '1 Hacker Way' },
  },
  contacts: {
    to: TO,
    type: 'contacts',
    contacts: [
      {
        name: { formatted_name: 'Ann Lee', first_name: 'Ann' },
        phones: [{ phone: '+15551234', type: 'CELL' }],
      },
    ],
  },
  reaction: { to: TO, type: 'reaction', reaction: { message_id: 'wamid.ABC', emoji: '👍' } },
  interactive: {
    to: TO,
    type: 'interactive',
    interactive: {
      type: 'button',
      body: { text: 'Pick one' },
      action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }] },
    },
  },
  template: {
    to: TO,
    type: 'template',
    template: {
      name: 'order_update',
      language: { code: 'en_US' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'Pablo' }] }],
    },
  },
  reply: { to: TO, context: { message_id: 'wamid.PREV' }, type: 'text', text: { body: 'Quoted' } },
  'no type': { to: TO, text: { body: 'type omitted' } },
};

describe('messages.send', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
  });

  for (const [name, message] of Object.entries(MESSAGES)) {
    it(`sends a ${name} message as messaging_product + the body, keys in order`, async () => {
      const { pool, client, agent } = mockClient();
      cleanup = () => agent.close();
      let wire: string | undefined;
      let headers: Record<string, string> = {};
      pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply((opts) => {
        wire = String(opts.body);
        headers = opts.headers as Record<string, string>;
        return { statusCode: 200, data: sendResponse() };
      });
      const result = await client.messages.send(message);
      expect(result).toEqual({ messageId: sendResponse().messages[0]!.id, input: TO, waId: '16505551234' });
      expect(wire).toBe(JSON.stringify({ messaging_product: 'whatsapp', ...message }));
      expect(Object.keys(JSON.parse(wire!))).toEqual(['messaging_product', ...Object.keys(message)]);
      expect(headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(headers['content-type']).toBe('application/json');
      expect(headers['user-agent']).toBe('wacloud/0.1.0');
    });
  }

  it('does not add a type when it is omitted', async () => {
    const { pool, client, agent } = mockClient();
    cleanup = () => agent.close();
    let wire = '';
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply((opts) => {
      wire = String(opts.body);
      return { statusCode: 200, data: sendResponse() };
    });
    await client.messages.send({ to: TO, image: { id: '1' } });
    expect(JSON.parse(wire)).toEqual({ messaging_product: 'whatsapp', to: TO, image: { id: '1' } });
  });

  it('keeps a body that already carries messaging_product exactly as given', async () => {
    const { pool, client, agent } = mockClient();
    cleanup = () => agent.close();
    let wire = '';
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply((opts) => {
      wire = String(opts.body);
      return { statusCode: 200, data: sendResponse() };
    });
    const body = { text: { body: 'x' }, messaging_product: 'whatsapp', to: TO, type: 'text' };
    await client.messages.send(body);
    expect(wire).toBe(JSON.stringify(body));
  });

  it('rejects a messaging_product other than whatsapp before any request', async () => {
    const { client, agent } = mockClient();
    cleanup = () => agent.close();
    await expect(
      client.messages.send({ to: TO, messaging_product: 'sms', text: { body: 'x' } }),
    ).rejects.toThrow(ValidationError);
  });

  it('rejects a non-object message with ValidationError and sends nothing', async () => {
    const { client, agent } = mockClient();
    cleanup = () => agent.close();
    await expect(client.messages.send(null as unknown as SendableMessage)).rejects.toBeInstanceOf(
      ValidationError,
    );
    agent.assertNoPendingInterceptors();
  });

  it('returns messageStatus for template sends and groupId for group sends', async () => {
    const { pool, client, agent } = mockClient();
    cleanup = () => agent.close();
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(200, {
      messaging_product: 'whatsapp',
      contacts: [{ input: TO, wa_id: '16505551234' }],
      messages: [{ id: 'wamid.T', message_status: 'held_for_quality_assessment' }],
    });
    const template = await client.messages.send(MESSAGES.template!);
    expect(template.messageStatus).toBe('held_for_quality_assessment');
    expect(template.raw?.messages?.[0]?.id).toBe('wamid.T');

    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(200, {
      messaging_product: 'whatsapp',
      group_id: 'GROUP1',
      messages: [{ id: 'wamid.G' }],
    });
    const group = await client.messages.send({
      to: 'GROUP1',
      recipient_type: 'group',
      text: { body: 'hi all' },
    });
    expect(group).toEqual({ messageId: 'wamid.G', input: 'GROUP1', groupId: 'GROUP1' });
  });

  it('uses recipient as input when Meta omits contacts (BSUID send)', async () => {
    const { pool, client, agent } = mockClient();
    cleanup = () => agent.close();
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(200, { messages: [{ id: 'wamid.B' }] });
    const result = await client.messages.send({ recipient: 'US.13491208655302741918', text: { body: 'hi' } });
    expect(result).toEqual({ messageId: 'wamid.B', input: 'US.13491208655302741918' });
    expect(result.waId).toBeUndefined();
  });

  it('throws when a 200 carries no message id', async () => {
    const { pool, client, agent } = mockClient();
    cleanup = () => agent.close();
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(200, { messaging_product: 'whatsapp' });
    await expect(client.messages.send(MESSAGES.text!)).rejects.toThrow(/no message id/);
  });
});

describe('messages.markRead', () => {
  it('posts status read, with and without the typing indicator', async () => {
    const { pool, client, agent } = mockClient();
    const bodies: string[] = [];
    pool
      .intercept({ path: MESSAGES_PATH, method: 'POST' })
      .reply((opts) => {
        bodies.push(String(opts.body));
        return { statusCode: 200, data: { success: true } };
      })
      .times(2);
    await expect(client.messages.markRead('wamid.IN1')).resolves.toEqual({ success: true });
    await expect(client.messages.markRead('wamid.IN2', { typing: true })).resolves.toEqual({ success: true });
    expect(bodies[0]).toBe('{"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN1"}');
    expect(bodies[1]).toBe(
      '{"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN2","typing_indicator":{"type":"text"}}',
    );
    await agent.close();
  });

  it('rejects an empty message id', async () => {
    const { client, agent } = mockClient();
    await expect(client.messages.markRead('')).rejects.toBeInstanceOf(ValidationError);
    await agent.close();
  });
});
