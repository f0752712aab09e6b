import { describe, expect, it } from 'vitest';
import type { MessageWebhookEvent, UnknownWebhookEvent, WebhookEvent } from '../../src/webhooks/index.js';
import { parseWebhook } from '../../src/webhooks/index.js';
import { fixture, fixtureNames, fixtureText } from './helpers.js';

function only<T extends WebhookEvent['type']>(
  events: WebhookEvent[],
  type: T,
): Extract<WebhookEvent, { type: T }> {
  expect(events).toHaveLength(1);
  const [event] = events;
  expect(event?.type).toBe(type);
  return event as Extract<WebhookEvent, { type: T }>;
}

interface Entry {
  id: string;
  changes: Array<{ value: { messages: unknown[] } }>;
}

function firstEntry(payload: Record<string, unknown>): Entry {
  return (payload.entry as Entry[])[0] as Entry;
}

function firstValue(payload: Record<string, unknown>): { messages: unknown[] } {
  return firstEntry(payload).changes[0]?.value as { messages: unknown[] };
}

function message(name: string): MessageWebhookEvent {
  const payload = fixture(`spec/${name}.json`);
  const event = only(parseWebhook(payload), 'message');
  const value = firstValue(payload);
  expect(event.raw).toBe(value.messages[0]);
  expect(event.message).toBe(value.messages[0]);
  expect(event.phoneNumberId).toBe('106540352242922');
  expect(event.businessAccountId).toBe(firstEntry(payload).id);
  return event;
}

describe("Meta's 16 webhook examples from the OpenAPI spec", () => {
  it('are all saved as fixtures', () => {
    expect(fixtureNames('spec')).toHaveLength(16);
  });

  it.each(fixtureNames('spec'))('%s parses from the object and from the raw text alike', (name) => {
    const fromObject = parseWebhook(fixture(`spec/${name}`));
    const fromText = parseWebhook(fixtureText(`spec/${name}`));
    expect(fromText).toEqual(fromObject);
    expect(fromObject.length).toBeGreaterThan(0);
  });

  it('Text Message', () => {
    const e = message('text-message');
    expect(e.from).toBe('16505551234');
    expect(e.messageId).toBe('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=');
    expect(e.timestamp).toEqual(new Date(1749416383 * 1000));
    expect(e.contact).toEqual({ name: 'Sheena Nelson', waId: '16505551234' });
    expect(e.businessAccountId).toBe('419561257915477');
    expect(e.message.type === 'text' && e.message.text.body).toBe('Does it come in another color?');
    expect(e.contextMessageId).toBeUndefined();
  });

  it('Text Message with Context (Product Inquiry)', () => {
    const e = message('text-message-with-context-product-inquiry');
    expect(e.contextMessageId).toBe('wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA');
    expect(e.message.context?.referred_product).toEqual({
      catalog_id: '194836987003835',
      product_retailer_id: 'di9ozbzfi4',
    });
  });

  it('Text Message from Click to WhatsApp Ad keeps the referral', () => {
    const e = message('text-message-from-click-to-whatsapp-ad');
    expect(e.message.type).toBe('text');
    expect(e.message.referral?.ctwa_clid).toMatch(/^Aff-n8ZT/);
    expect(e.message.referral?.source_type).toBe('ad');
    expect(e.message.referral?.welcome_message?.text).toBe('Hi there! Let us know how we can help!');
  });

  it('Reaction Message', () => {
    const e = message('reaction-message');
    if (e.message.type !== 'reaction') throw new Error('expected reaction');
    expect(e.message.reaction.emoji).toBe('👍');
    expect(e.message.reaction.message_id).toBe('wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA');
  });

  it('Image Message', () => {
    const e = message('image-message');
    if (e.message.type !== 'image') throw new Error('expected image');
    expect(e.message.image).toMatchObject({
      id: '1003383421387256',
      caption: 'Taj Mahal',
      mime_type: 'image/jpeg',
    });
  });

  it('Location Message', () => {
    const e = message('location-message');
    if (e.message.type !== 'location') throw new Error('expected location');
    expect(e.message.location).toMatchObject({
      latitude: 37.44221496582,
      longitude: -122.16165924072,
      name: 'Philz Coffee',
    });
  });

  it('Contact Sharing Message', () => {
    const e = message('contact-sharing-message');
    if (e.message.type !== 'contacts') throw new Error('expected contacts');
    expect(e.message.contacts[0]).toMatchObject({ name: { formatted_name: 'Lucía Gómez' } });
  });

  it('Unsupported Message keeps its errors', () => {
    const e = message('unsupported-message');
    expect(e.message.type).toBe('unsupported');
    expect(e.message.errors?.[0]?.code).toBe(131051);
  });

  it('Button Message (template quick reply)', () => {
    const e = message('button-message');
    if (e.message.type !== 'button') throw new Error('expected button');
    expect(e.message.button).toEqual({ payload: 'Unsubscribe', text: 'Unsubscribe' });
    expect(e.contextMessageId).toBe('wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJFNjk2OTMwNEZCQjhGMzUyQUYA');
  });

  it('Interactive List Reply Message', () => {
    const e = message('interactive-list-reply-message');
    if (e.message.type !== 'interactive') throw new Error('expected interactive');
    expect(e.message.interactive.type).toBe('list_reply');
    expect(e.message.interactive.list_reply).toEqual({
      id: 'priority_express',
      title: 'Priority Mail Express',
      description: 'Next Day to 2 Days',
    });
  });

  it('Interactive Button Reply Message', () => {
    const e = message('interactive-button-reply-message');
    if (e.message.type !== 'interactive') throw new Error('expected interactive');
    expect(e.message.interactive.button_reply).toEqual({ id: 'cancel-button', title: 'Cancel' });
  });

  it('Order Message', () => {
    const e = message('order-message');
    if (e.message.type !== 'order') throw new Error('expected order');
    expect(e.message.order.product_items).toHaveLength(2);
    expect(e.message.order.product_items[0]).toEqual({
      product_retailer_id: 'di9ozbzfi4',
      quantity: 2,
      item_price: 30,
      currency: 'USD',
    });
  });

  it('System Message (no contacts)', () => {
    const e = message('system-message');
    if (e.message.type !== 'system') throw new Error('expected system');
    expect(e.message.system.type).toBe('user_changed_number');
    expect(e.message.system.wa_id).toBe('12195555358');
    expect(e.contact).toBeUndefined();
  });

  it.each([
    ['group-create-message', 'group_lifecycle_update'],
    ['group-settings-update', 'group_settings_update'],
    ['group-remove-participants', 'group_participants_update'],
  ])('%s becomes one unknown event with its field and value', (name, field) => {
    const payload = fixture(`spec/${name}.json`);
    const e = only(parseWebhook(payload), 'unknown') as UnknownWebhookEvent;
    expect(e.field).toBe(field);
    expect(e.value).toBe(firstValue(payload));
    expect(e.businessAccountId).toBe('102290129340398');
    expect(e.reason).toContain('not modeled');
  });
});

describe('realistic payloads from the reference notes', () => {
  it('delivered status with pricing and biz_opaque_callback_data', () => {
    const e = only(parseWebhook(fixture('notes/delivered-v24-billable-marketing.json')), 'status');
    expect(e).toMatchObject({
      status: 'delivered',
      messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA',
      recipientId: '16505551234',
      phoneNumberId: '106540352242922',
      businessAccountId: '102290129340398',
      bizOpaqueCallbackData: 'campaign=42;contact=9',
      pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
    });
    expect(e.timestamp).toEqual(new Date(1750030081000));
    expect(e.errors).toBeUndefined();
  });

  it('read status without pricing', () => {
    const e = only(parseWebhook(fixture('notes/read.json')), 'status');
    expect(e.status).toBe('read');
    expect(e.pricing).toBeUndefined();
  });

  it.each([
    ['failed-131050-marketing-opt-out', 131050],
    ['failed-131026-undeliverable', 131026],
  ])('%s carries its error', (name, code) => {
    const e = only(parseWebhook(fixture(`notes/${name}.json`)), 'status');
    expect(e.status).toBe('failed');
    expect(e.errors?.[0]?.code).toBe(code);
    expect(e.errors?.[0]?.error_data?.details).toBeTypeOf('string');
  });

  it('inbound text from a user with a BSUID', () => {
    const e = only(parseWebhook(fixture('notes/inbound-text.json')), 'message');
    expect(e.fromUserId).toBe('US.13491208655302741918');
    expect(e.contact).toEqual({
      name: 'Sheena Nelson',
      waId: '16505551234',
      userId: 'US.13491208655302741918',
    });
  });

  it('template status update', () => {
    const e = only(parseWebhook(fixture('notes/template-status-update.json')), 'template_status');
    expect(e).toMatchObject({
      event: 'REJECTED',
      templateId: '1689556908129835',
      templateName: 'abandoned_cart',
      language: 'en',
      reason: 'INVALID_FORMAT',
      category: 'MARKETING',
      businessAccountId: '102290129340398',
    });
    expect(e.timestamp).toEqual(new Date(1751247548000));
  });

  it('user_preferences stop', () => {
    const e = only(parseWebhook(fixture('notes/user-preferences-opt-out.json')), 'user_preferences');
    expect(e).toMatchObject({
      waId: '16505551234',
      category: 'marketing_messages',
      value: 'stop',
      detail: 'User requested to stop marketing messages',
      phoneNumberId: '106540352242922',
    });
    expect(e.timestamp).toEqual(new Date(1731705721000));
  });
});
