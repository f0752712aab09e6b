import { describe, expect, it } from 'vitest';
import { createStoredEventMapper, parseWebhook, toStoredEvents } from '../../src/webhooks/index.js';
import { fixture, managementEnvelope, messagesEnvelope } from './helpers.js';

const stored = (payload: unknown) => parseWebhook(payload).flatMap(toStoredEvents);

describe('toStoredEvents', () => {
  it('status → status with pricing and recipient', () => {
    expect(stored(fixture('notes/delivered-v24-billable-marketing.json'))).toEqual([
      {
        kind: 'status',
        messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA',
        status: 'delivered',
        at: new Date(1750030081000),
        recipientId: '16505551234',
        pricing: { category: 'marketing', type: 'regular', billable: true },
      },
    ]);
  });

  it('failed status → errorCode from errors[0]', () => {
    expect(stored(fixture('notes/failed-131050-marketing-opt-out.json'))).toMatchObject([
      { kind: 'status', status: 'failed', errorCode: 131050 },
    ]);
  });

  it('text → inbound with text and no context', () => {
    expect(stored(fixture('spec/text-message.json'))).toEqual([
      {
        kind: 'inbound',
        messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
        recipientId: '16505551234',
        at: new Date(1749416383000),
        messageType: 'text',
        text: 'Does it come in another color?',
      },
    ]);
  });

  it('template quick reply → inbound with buttonPayload, text and contextMessageId', () => {
    expect(stored(fixture('notes/inbound-template-quick-reply.json'))).toMatchObject([
      {
        kind: 'inbound',
        messageType: 'button',
        text: 'Stop promotions',
        buttonPayload: 'STOP_PROMO',
        contextMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBM0Y4RUU0RUNFQkFDMjYzQUMA',
      },
      {
        kind: 'opt_out',
        recipientId: '16505551234',
        source: 'quick_reply',
        messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJBM0Y4RUU0RUNFQkFDMjYzQUMA',
      },
    ]);
  });

  it('STOP keywords in any script → inbound plus opt_out (source keyword); other text → inbound only', () => {
    const reply = (body: string) =>
      stored(
        messagesEnvelope({
          messages: [
            {
              from: '905321234567',
              id: `wamid.${body}`,
              timestamp: '1700000000',
              type: 'text',
              text: { body },
              context: { from: '15550783881', id: 'wamid.sent' },
            },
          ],
        }),
      );
    for (const body of ['İptal', 'СТОП', '退订', ' Stop! ']) {
      expect(reply(body).map((e) => e.kind)).toEqual(['inbound', 'opt_out']);
      expect(reply(body)[1]).toMatchObject({
        recipientId: '905321234567',
        source: 'keyword',
        messageId: 'wamid.sent',
        at: new Date(1_700_000_000_000),
      });
    }
    expect(reply("don't stop the offers").map((e) => e.kind)).toEqual(['inbound']);
  });

  it('createStoredEventMapper: configured keywords and payloads replace the defaults', () => {
    const mapper = createStoredEventMapper({
      optOut: { keywords: ['yeter'], quickReplyPayloads: ['NO_MORE'] },
    });
    const message = (extra: Record<string, unknown>) =>
      parseWebhook(
        messagesEnvelope({ messages: [{ from: '1', id: 'wamid.x', timestamp: '1', ...extra }] }),
      ).flatMap(mapper);
    expect(message({ type: 'text', text: { body: 'Yeter!' } }).map((e) => e.kind)).toEqual([
      'inbound',
      'opt_out',
    ]);
    expect(message({ type: 'text', text: { body: 'stop' } }).map((e) => e.kind)).toEqual(['inbound']);
    expect(
      message({
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'NO_MORE', title: 'Hayır' } },
      }),
    ).toMatchObject([{ kind: 'inbound' }, { kind: 'opt_out', source: 'quick_reply' }]);
  });

  it('interactive button and list replies → buttonPayload is the tapped id; a tap is judged by its id only', () => {
    // Meta's own example: a "Cancel" button (id cancel-button). "cancel" typed is a STOP keyword; a
    // button titled Cancel is not an unsubscribe, so no opt_out is recorded and nobody is suppressed.
    expect(stored(fixture('spec/interactive-button-reply-message.json'))).toEqual([
      expect.objectContaining({
        kind: 'inbound',
        messageType: 'interactive',
        text: 'Cancel',
        buttonPayload: 'cancel-button',
      }),
    ]);
    const [list, ...rest] = stored(fixture('spec/interactive-list-reply-message.json'));
    expect(rest).toEqual([]);
    expect(list).toMatchObject({
      messageType: 'interactive',
      text: 'Priority Mail Express',
      buttonPayload: 'priority_express',
    });
  });

  it('BSUID-only sender → recipientId is the BSUID', () => {
    const [event] = stored(
      messagesEnvelope({
        messages: [
          { from_user_id: 'US.5', id: 'wamid.b', timestamp: '1', type: 'image', image: { id: 'm' } },
        ],
      }),
    );
    expect(event).toMatchObject({ kind: 'inbound', recipientId: 'US.5', messageType: 'image' });
  });

  it('user_preferences stop → opt_out, resume → opt_in, other values → nothing', () => {
    const events = stored(
      messagesEnvelope(
        {
          user_preferences: [
            { wa_id: '1', category: 'marketing_messages', value: 'stop', timestamp: 10 },
            { wa_id: '1', category: 'marketing_messages', value: 'resume', timestamp: 20 },
            { wa_id: '1', category: 'marketing_messages', value: 'signup', timestamp: 30 },
          ],
        },
        'user_preferences',
      ),
    );
    expect(events).toEqual([
      { kind: 'opt_out', recipientId: '1', at: new Date(10_000), source: 'user_preferences' },
      { kind: 'opt_in', recipientId: '1', at: new Date(20_000), source: 'user_preferences' },
    ]);
  });

  it('other events store nothing', () => {
    expect(stored(fixture('notes/template-status-update.json'))).toEqual([]);
    expect(stored(managementEnvelope('calls', {}))).toEqual([]);
  });
});
