import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, TemplateError, ValidationError } from '../../src/errors/index.js';
import { graphError, mockClient, PHONE_ID, sendResponse } from './helpers.js';

const MARKETING_PATH = `/v23.0/${PHONE_ID}/marketing_messages`;
const TEMPLATE = {
  to: '16315552222',
  type: 'template',
  template: { name: 'welcome_offer', language: { code: 'en_US' } },
};

describe('messages.sendMarketing', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it("sends the spec's own example body to /marketing_messages", async () => {
    const { pool, client, agent } = mockClient();
    cleanup = () => agent.close();
    let wire = '';
    pool.intercept({ path: MARKETING_PATH, method: 'POST' }).reply((opts) => {
      wire = String(opts.body);
      // Meta's example response (it carries `success: true` besides the usual fields).
      return {
        statusCode: 200,
        data: {
          contacts: [{ input: '16315552222', wa_id: '16315552222' }],
          messages: [{ id: 'wamid.gBGGSFcCNEOPAgkO_KJ55r4w_ww' }],
          messaging_product: 'whatsapp',
          success: true,
        },
      };
    });
    const result = await client.messages.sendMarketing(TEMPLATE, {
      productPolicy: 'CLOUD_API_FALLBACK',
      messageActivitySharing: true,
    });
    expect(result).toEqual({
      messageId: 'wamid.gBGGSFcCNEOPAgkO_KJ55r4w_ww',
      input: '16315552222',
      waId: '16315552222',
    });
    // The spec's "Template with Product Policy" example, key for key.
    expect(JSON.parse(wire)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16315552222',
      type: 'template',
      template: { name: 'welcome_offer', language: { code: 'en_US' } },
      product_policy: 'CLOUD_API_FALLBACK',
      message_activity_sharing: true,
    });
    expect(Object.keys(JSON.parse(wire))).toEqual([
      'messaging_product',
      'recipient_type',
      'to',
      'type',
      'template',
      'product_policy',
      'message_activity_sharing',
    ]);
  });

  it('adds nothing the caller did not ask for', async () => {
    const { pool, client, agent } = mockClient();
    cleanup = () => agent.close();
    let wire = '';
    pool.intercept({ path: MARKETING_PATH, method: 'POST' }).reply((opts) => {
      wire = String(opts.body);
      return { statusCode: 200, data: sendResponse('16315552222') };
    });
    await client.messages.sendMarketing({ recipient_type: 'individual', ...TEMPLATE });
    expect(JSON.parse(wire)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      ...TEMPLATE,
    });
  });

  it('refuses anything but a template, before any request', async () => {
    const { client, agent } = mockClient();
    cleanup = () => agent.close();
    const error = await client.messages
      .sendMarketing({ to: '+16505551234', type: 'text', text: { body: 'hi' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('type');
    await expect(
      client.messages.sendMarketing({ ...TEMPLATE, recipient_type: 'group' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      client.messages.sendMarketing(TEMPLATE, { productPolicy: 'LOOSE' as 'STRICT' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      client.messages.sendMarketing(TEMPLATE, { ttl: 3 } as unknown as { productPolicy: 'STRICT' }),
    ).rejects.toBeInstanceOf(ConfigError);
    agent.assertNoPendingInterceptors();
  });

  for (const code of [131055, 134100]) {
    it(`${code} (not a marketing template) is a TemplateError, not retried`, async () => {
      const { pool, client, agent } = mockClient();
      cleanup = () => agent.close();
      pool
        .intercept({ path: MARKETING_PATH, method: 'POST' })
        .reply(400, graphError(code, `(#${code}) Only marketing templates are supported`));
      const error = await client.messages.sendMarketing(TEMPLATE).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).code).toBe(code);
      expect((error as TemplateError).retryable).toBe(false);
    });
  }

  it('134101 (template still syncing) is a retryable TemplateError, not re-sent by the client', async () => {
    const { pool, client, agent } = mockClient();
    cleanup = () => agent.close();
    let calls = 0;
    pool.intercept({ path: MARKETING_PATH, method: 'POST' }).reply(() => {
      calls++;
      return { statusCode: 400, data: graphError(134101, '(#134101) Template still syncing') };
    });
    const error = await client.messages.sendMarketing(TEMPLATE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).retryable).toBe(true);
    expect(calls).toBe(1);
  });
});
