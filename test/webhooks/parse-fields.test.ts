import { describe, expect, it } from 'vitest';
import { WebhookPayloadError } from '../../src/errors/index.js';
import type { MessageWebhookEvent, WebhookEvent } from '../../src/webhooks/index.js';
import { parseWebhook } from '../../src/webhooks/index.js';
import { managementEnvelope, messagesEnvelope } from './helpers.js';

const base = { from: '16505551234', id: 'wamid.IN1', timestamp: '1750000000' };

function inbound(message: Record<string, unknown>, extra: Record<string, unknown> = {}): MessageWebhookEvent {
  const events = parseWebhook(
    messagesEnvelope({
      contacts: [{ profile: { name: 'Ann' }, wa_id: '16505551234' }],
      messages: [message],
      ...extra,
    }),
  );
  expect(events).toHaveLength(1);
  expect(events[0]?.type).toBe('message');
  return events[0] as MessageWebhookEvent;
}

function types(events: WebhookEvent[]): string[] {
  return events.map((e) => e.type);
}

describe('inbound message types', () => {
  it.each([
    ['video', { id: 'v1', mime_type: 'video/mp4', sha256: 'x', caption: 'clip' }],
    ['audio', { id: 'a1', mime_type: 'audio/ogg; codecs=opus', sha256: 'x', voice: true }],
    ['document', { id: 'd1', mime_type: 'application/pdf', sha256: 'x', filename: 'receipt.pdf' }],
    ['sticker', { id: 's1', mime_type: 'image/webp', sha256: 'x', animated: false }],
    ['image', { id: 'i1', mime_type: 'image/jpeg', sha256: 'x', url: 'https://lookaside.fbsbx.com/x' }],
  ])('%s keeps the media object', (type, media) => {
    const e = inbound({ ...base, type, [type]: media });
    expect(e.message.type).toBe(type);
    expect((e.message as Record<string, unknown>)[type]).toEqual(media);
  });

  it('interactive nfm_reply (flow) parses response_json into flowResponse', () => {
    const e = inbound({
      ...base,
      type: 'interactive',
      context: { from: '15550783881', id: 'wamid.FLOW' },
      interactive: {
        type: 'nfm_reply',
        nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"tok-1","rating":"5"}' },
      },
    });
    expect(e.flowResponse).toEqual({ flow_token: 'tok-1', rating: '5' });
    expect(e.contextMessageId).toBe('wamid.FLOW');
  });

  it('nfm_reply with invalid response_json still parses, without flowResponse', () => {
    const e = inbound({
      ...base,
      type: 'interactive',
      interactive: { type: 'nfm_reply', nfm_reply: { response_json: '{nope' } },
    });
    expect(e.flowResponse).toBeUndefined();
  });

  it('reaction removal (empty or absent emoji)', () => {
    const empty = inbound({ ...base, type: 'reaction', reaction: { message_id: 'wamid.OUT', emoji: '' } });
    const absent = inbound({ ...base, type: 'reaction', reaction: { message_id: 'wamid.OUT' } });
    expect(empty.message.type === 'reaction' && empty.message.reaction.emoji).toBe('');
    expect(absent.message.type === 'reaction' && absent.message.reaction.emoji).toBeUndefined();
  });

  it('edit and revoke', () => {
    const edit = inbound({
      ...base,
      type: 'edit',
      edit: { original_message_id: 'wamid.ORIG', message: { type: 'text', text: { body: 'fixed' } } },
    });
    const revoke = inbound({ ...base, type: 'revoke', revoke: { original_message_id: 'wamid.ORIG' } });
    expect(edit.message.type === 'edit' && edit.message.edit.original_message_id).toBe('wamid.ORIG');
    expect(revoke.message.type === 'revoke' && revoke.message.revoke.original_message_id).toBe('wamid.ORIG');
  });

  it('system customer_identity_changed with identity', () => {
    const e = inbound({
      ...base,
      type: 'system',
      system: { body: 'identity changed', type: 'customer_identity_changed' },
      identity: { acknowledged: true, created_timestamp: 1750000000, hash: 'h' },
    });
    expect(e.message.type === 'system' && e.message.identity?.hash).toBe('h');
  });

  it('old-style unknown type with errors', () => {
    const e = inbound({
      ...base,
      type: 'unknown',
      errors: [{ code: 131051, title: 'Message type unknown' }],
    });
    expect(e.message.type).toBe('unknown');
    expect(e.message.errors?.[0]?.code).toBe(131051);
  });

  it('a type Meta adds later passes through unchanged', () => {
    const e = inbound({ ...base, type: 'hologram', hologram: { id: 'h1' } });
    expect(e.message.type as string).toBe('hologram');
  });

  it('forwarded text goes through the validating path and keeps context flags', () => {
    const e = inbound({ ...base, type: 'text', text: { body: 'fwd' }, context: { forwarded: true } });
    expect(e.message.context?.forwarded).toBe(true);
    expect(e.contextMessageId).toBeUndefined();
  });

  it('a BSUID-only sender (no phone number) uses from_user_id', () => {
    const events = parseWebhook(
      messagesEnvelope({
        contacts: [{ profile: { name: 'Zed' }, user_id: 'US.ENT.99' }],
        messages: [
          {
            from_user_id: 'US.ENT.99',
            id: 'wamid.B',
            timestamp: '1750000000',
            type: 'text',
            text: { body: 'hi' },
          },
        ],
      }),
    );
    const e = events[0] as MessageWebhookEvent;
    expect(e.from).toBe('US.ENT.99');
    expect(e.fromUserId).toBe('US.ENT.99');
    expect(e.contact).toEqual({ name: 'Zed', userId: 'US.ENT.99' });
  });

  it('matches the contact of each sender when several messages share a value', () => {
    const events = parseWebhook(
      messagesEnvelope({
        contacts: [
          { profile: { name: 'A' }, wa_id: '1' },
          { profile: { name: 'B' }, wa_id: '2' },
        ],
        messages: [
          { from: '2', id: 'wamid.2', timestamp: '1', type: 'text', text: { body: 'b' } },
          { from: '1', id: 'wamid.1', timestamp: '1', type: 'text', text: { body: 'a' } },
        ],
      }),
    );
    expect(events.map((e) => (e as MessageWebhookEvent).contact?.name)).toEqual(['B', 'A']);
  });
});

describe('statuses', () => {
  it('every status of a payload, with BSUID recipient, conversation and errors', () => {
    const events = parseWebhook(
      messagesEnvelope({
        statuses: [
          {
            id: 'wamid.1',
            status: 'sent',
            timestamp: '1750000000',
            recipient_id: '16505551234',
            recipient_user_id: 'US.1',
            conversation: { id: 'c1', expiration_timestamp: '1750086400', origin: { type: 'marketing' } },
            pricing: { billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' },
          },
          { id: 'wamid.2', status: 'played', timestamp: '1750000001', recipient_user_id: 'US.2' },
          {
            id: 'wamid.3',
            status: 'failed',
            timestamp: '1750000002',
            recipient_id: '3',
            errors: [{ code: 131049, title: 'ecosystem' }],
          },
        ],
      }),
    );
    expect(types(events)).toEqual(['status', 'status', 'status']);
    const [sent, played, failed] = events as Extract<WebhookEvent, { type: 'status' }>[];
    expect(sent?.conversation?.origin?.type).toBe('marketing');
    expect(sent?.recipientUserId).toBe('US.1');
    expect(played?.recipientId).toBe('US.2');
    expect(played?.status).toBe('played');
    expect(failed?.errors?.[0]?.code).toBe(131049);
  });
});

describe('management fields', () => {
  it('message_template_quality_update → template_quality', () => {
    const [e] = parseWebhook(
      managementEnvelope('message_template_quality_update', {
        previous_quality_score: 'GREEN',
        new_quality_score: 'YELLOW',
        message_template_id: 806312974732579,
        message_template_name: 'welcome',
        message_template_language: 'en_US',
      }),
    );
    expect(e).toMatchObject({
      type: 'template_quality',
      templateId: '806312974732579',
      templateName: 'welcome',
      language: 'en_US',
      previousScore: 'GREEN',
      newScore: 'YELLOW',
    });
  });

  it('template_category_update → template_category (change and 24 h warning)', () => {
    const [changed] = parseWebhook(
      managementEnvelope('template_category_update', {
        message_template_id: 1,
        message_template_name: 'promo',
        message_template_language: 'en',
        previous_category: 'UTILITY',
        new_category: 'MARKETING',
      }),
    );
    const [warning] = parseWebhook(
      managementEnvelope('template_category_update', {
        message_template_id: '2',
        message_template_name: 'promo2',
        message_template_language: 'en',
        correct_category: 'MARKETING',
        new_category: 'MARKETING',
      }),
    );
    expect(changed).toMatchObject({
      type: 'template_category',
      templateId: '1',
      previousCategory: 'UTILITY',
      newCategory: 'MARKETING',
    });
    expect(warning).toMatchObject({
      type: 'template_category',
      templateId: '2',
      correctCategory: 'MARKETING',
    });
  });

  it('template status reason NONE or null is left out', () => {
    const [e] = parseWebhook(
      managementEnvelope('message_template_status_update', {
        event: 'APPROVED',
        message_template_id: 5,
        message_template_name: 'hello',
        message_template_language: 'en_US',
        reason: 'NONE',
      }),
    );
    expect(e).toMatchObject({ type: 'template_status', event: 'APPROVED', templateId: '5' });
    expect((e as { reason?: string }).reason).toBeUndefined();
  });

  it('account_update and phone_number_quality_update keep the event and its details', () => {
    const [account] = parseWebhook(
      managementEnvelope('account_update', {
        event: 'ACCOUNT_RESTRICTION',
        restriction_info: [
          { restriction_type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION', expiration: 1751247548 },
        ],
      }),
    );
    const [quality] = parseWebhook(
      managementEnvelope('phone_number_quality_update', {
        display_phone_number: '15550783881',
        event: 'THROUGHPUT_UPGRADE',
        max_daily_conversations_per_business: 'TIER_UNLIMITED',
      }),
    );
    expect(account).toMatchObject({ type: 'account_update', event: 'ACCOUNT_RESTRICTION' });
    expect((account as { details: Record<string, unknown> }).details.restriction_info).toHaveLength(1);
    expect(quality).toMatchObject({
      type: 'phone_number_quality',
      event: 'THROUGHPUT_UPGRADE',
      displayPhoneNumber: '15550783881',
      details: { max_daily_conversations_per_business: 'TIER_UNLIMITED' },
    });
  });

  it('user_preferences resume and BSUID-only users', () => {
    const events = parseWebhook(
      messagesEnvelope(
        {
          user_preferences: [
            { wa_id: '1', category: 'marketing_messages', value: 'resume', timestamp: 1731705721 },
            { user_id: 'US.7', category: 'marketing_messages', value: 'stop', timestamp: '1731705722' },
          ],
        },
        'user_preferences',
      ),
    );
    expect(events).toMatchObject([
      { type: 'user_preferences', waId: '1', value: 'resume' },
      { type: 'user_preferences', waId: 'US.7', userId: 'US.7', value: 'stop' },
    ]);
  });

  it('system-level value.errors[] become system_error events', () => {
    const events = parseWebhook(
      messagesEnvelope({
        errors: [
          { code: 131000, title: 'Something went wrong', message: 'x', error_data: { details: 'retry' } },
        ],
      }),
    );
    expect(events).toMatchObject([
      {
        type: 'system_error',
        code: 131000,
        title: 'Something went wrong',
        details: 'retry',
        phoneNumberId: '106540352242922',
      },
    ]);
  });

  it('an unmodeled field becomes unknown', () => {
    const [e] = parseWebhook(managementEnvelope('calls', { calls: [] }));
    expect(e).toMatchObject({ type: 'unknown', field: 'calls', value: { calls: [] } });
  });

  it('a messages value without statuses, messages or errors becomes unknown', () => {
    const [e] = parseWebhook(
      messagesEnvelope({ user_actions: [{ action_type: 'marketing_messages_link_click' }] }),
    );
    expect(e).toMatchObject({ type: 'unknown', field: 'messages' });
  });
});

describe('bad input', () => {
  it.each([
    ['null', null],
    ['a number', 42],
    ['an array', []],
    ['a wrong object', { object: 'page', entry: [] }],
    ['a missing entry', { object: 'whatsapp_business_account' }],
    ['a non-array entry', { object: 'whatsapp_business_account', entry: {} }],
    ['invalid JSON text', '{"object":'],
    ['"[object Object]"', '[object Object]'],
  ])('throws WebhookPayloadError for %s', (_name, payload) => {
    expect(() => parseWebhook(payload)).toThrow(WebhookPayloadError);
  });

  it('keeps the good elements of a partly bad payload', () => {
    const events = parseWebhook({
      object: 'whatsapp_business_account',
      entry: [
        'garbage',
        {
          id: 'W',
          changes: [
            null,
            { field: 'messages', value: { metadata: {}, statuses: [] } },
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: 'P' },
                statuses: [
                  { id: 'ok1', status: 'read', timestamp: '1', recipient_id: 'r' },
                  { id: 'bad', status: 'read', timestamp: 'yesterday', recipient_id: 'r' },
                  { id: 'ok2', status: 'failed', timestamp: '2', recipient_id: 'r', errors: 'oops' },
                  7,
                ],
                messages: [{ id: 'm', timestamp: '1', type: 'text', text: { body: 'no sender' } }],
              },
            },
          ],
        },
      ],
    });
    expect(types(events)).toEqual([
      'unknown',
      'unknown',
      'unknown',
      'status',
      'unknown',
      'unknown',
      'unknown',
      'unknown',
    ]);
    expect(events[3]).toMatchObject({
      type: 'status',
      messageId: 'ok1',
      phoneNumberId: 'P',
      businessAccountId: 'W',
    });
    expect((events[4] as { reason: string }).reason).toMatch(/timestamp/);
    expect((events[5] as { reason: string }).reason).toMatch(/errors/);
    expect((events[7] as { reason: string }).reason).toMatch(/from/);
  });
});
