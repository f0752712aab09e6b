import { describe, expect, it } from 'vitest';
import {
  audio,
  contacts,
  document,
  image,
  location,
  reaction,
  sticker,
  text,
  video,
} from '../../src/messages/builders/basic-builders.js';
import {
  buttons,
  catalog,
  ctaUrl,
  flow,
  list,
  locationRequest,
  product,
  productList,
} from '../../src/messages/builders/interactive-builders.js';
import {
  template,
  templateComponents,
  templateParams,
} from '../../src/messages/builders/template-builders.js';
import { validateOutgoingMessage } from '../../src/messages/index.js';

const to = '+16505551234';

describe('basic builders', () => {
  it('text', () => {
    expect(text(to, 'hi')).toStrictEqual({ to, type: 'text', text: { body: 'hi' } });
    expect(
      text(to, 'see https://x.test', {
        previewUrl: true,
        replyTo: 'wamid.1',
        recipientType: 'individual',
        bizOpaqueCallbackData: 'campaign=42',
      }),
    ).toStrictEqual({
      to,
      recipient_type: 'individual',
      context: { message_id: 'wamid.1' },
      biz_opaque_callback_data: 'campaign=42',
      type: 'text',
      text: { body: 'see https://x.test', preview_url: true },
    });
  });

  it('media by id, by link (detected from the URL) or explicit', () => {
    expect(image(to, '1234', { caption: 'Look' })).toStrictEqual({
      to,
      type: 'image',
      image: { id: '1234', caption: 'Look' },
    });
    expect(video(to, 'https://x.test/v.mp4')).toStrictEqual({
      to,
      type: 'video',
      video: { link: 'https://x.test/v.mp4' },
    });
    expect(audio(to, { id: '9' }, { voice: true })).toStrictEqual({
      to,
      type: 'audio',
      audio: { id: '9', voice: true },
    });
    expect(
      document(to, { link: 'https://x.test/a.pdf' }, { caption: 'Invoice', filename: 'a.pdf' }),
    ).toStrictEqual({
      to,
      type: 'document',
      document: { link: 'https://x.test/a.pdf', caption: 'Invoice', filename: 'a.pdf' },
    });
    expect(sticker(to, 'st1')).toStrictEqual({ to, type: 'sticker', sticker: { id: 'st1' } });
  });

  it('location, contacts, reaction', () => {
    const place = { latitude: 37.48, longitude: -122.14, name: 'Meta HQ', address: '1 Hacker Way' };
    expect(location(to, place)).toStrictEqual({ to, type: 'location', location: place });
    const card = {
      name: { formatted_name: 'John Smith', first_name: 'John' },
      phones: [{ phone: '+1 650 555 1234', type: 'CELL' }],
    };
    expect(contacts(to, card)).toStrictEqual({ to, type: 'contacts', contacts: [card] });
    expect(contacts(to, [card, card]).contacts).toHaveLength(2);
    expect(reaction(to, 'wamid.1', '👍')).toStrictEqual({
      to,
      type: 'reaction',
      reaction: { message_id: 'wamid.1', emoji: '👍' },
    });
    expect(reaction(to, 'wamid.1', '').reaction.emoji).toBe('');
  });
});

describe('interactive builders', () => {
  it('buttons', () => {
    expect(
      buttons(
        to,
        'Pick',
        [
          { id: 'yes', title: 'Yes' },
          { id: 'no', title: 'No' },
        ],
        { header: 'Question', footer: 'Thanks' },
      ),
    ).toStrictEqual({
      to,
      type: 'interactive',
      interactive: {
        type: 'button',
        header: { type: 'text', text: 'Question' },
        body: { text: 'Pick' },
        footer: { text: 'Thanks' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
            { type: 'reply', reply: { id: 'no', title: 'No' } },
          ],
        },
      },
    });
    const withImage = buttons(to, 'Pick', [{ id: 'a', title: 'A' }], {
      header: { type: 'image', image: { id: '1' } },
    });
    expect(withImage.interactive.header).toStrictEqual({ type: 'image', image: { id: '1' } });
  });

  it('list', () => {
    const sections = [
      { title: 'Shipping', rows: [{ id: 'fast', title: 'Express', description: 'Next day' }] },
    ];
    expect(list(to, 'How fast?', 'Choose', sections, { header: 'Delivery' })).toStrictEqual({
      to,
      type: 'interactive',
      interactive: {
        type: 'list',
        header: { type: 'text', text: 'Delivery' },
        body: { text: 'How fast?' },
        action: { button: 'Choose', sections },
      },
    });
  });

  it('ctaUrl', () => {
    expect(ctaUrl(to, 'Our sale', 'Shop now', 'https://shop.test/?clickID=1')).toStrictEqual({
      to,
      type: 'interactive',
      interactive: {
        type: 'cta_url',
        body: { text: 'Our sale' },
        action: {
          name: 'cta_url',
          parameters: { display_text: 'Shop now', url: 'https://shop.test/?clickID=1' },
        },
      },
    });
  });

  it('flow (flow_message_version defaults to "3")', () => {
    expect(
      flow(to, 'Sign up', {
        flow_id: '123',
        flow_cta: 'Open',
        flow_token: 'tok',
        flow_action: 'navigate',
        flow_action_payload: { screen: 'WELCOME', data: { a: 1 } },
      }),
    ).toStrictEqual({
      to,
      type: 'interactive',
      interactive: {
        type: 'flow',
        body: { text: 'Sign up' },
        action: {
          name: 'flow',
          parameters: {
            flow_message_version: '3',
            flow_id: '123',
            flow_cta: 'Open',
            flow_token: 'tok',
            flow_action: 'navigate',
            flow_action_payload: { screen: 'WELCOME', data: { a: 1 } },
          },
        },
      },
    });
  });

  it('locationRequest', () => {
    expect(locationRequest(to, 'Where are you?')).toStrictEqual({
      to,
      type: 'interactive',
      interactive: {
        type: 'location_request_message',
        body: { text: 'Where are you?' },
        action: { name: 'send_location' },
      },
    });
  });

  it('product, productList, catalog', () => {
    expect(product(to, 'cat1', 'sku1', { body: 'Nice', footer: 'Buy' })).toStrictEqual({
      to,
      type: 'interactive',
      interactive: {
        type: 'product',
        body: { text: 'Nice' },
        footer: { text: 'Buy' },
        action: { catalog_id: 'cat1', product_retailer_id: 'sku1' },
      },
    });
    const sections = [{ title: 'Top', product_items: [{ product_retailer_id: 'sku1' }] }];
    expect(productList(to, 'Picks', 'Browse', 'cat1', sections)).toStrictEqual({
      to,
      type: 'interactive',
      interactive: {
        type: 'product_list',
        header: { type: 'text', text: 'Picks' },
        body: { text: 'Browse' },
        action: { catalog_id: 'cat1', sections },
      },
    });
    expect(catalog(to, 'Our catalog', { thumbnailProductRetailerId: 'sku1' })).toStrictEqual({
      to,
      type: 'interactive',
      interactive: {
        type: 'catalog_message',
        body: { text: 'Our catalog' },
        action: { name: 'catalog_message', parameters: { thumbnail_product_retailer_id: 'sku1' } },
      },
    });
    expect(catalog(to, 'Our catalog').interactive.action).toStrictEqual({ name: 'catalog_message' });
  });
});

describe('template builder and helpers', () => {
  it('builds the notes §1.3 example exactly', () => {
    const built = template(
      to,
      'order_update',
      'en_US',
      [
        templateComponents.header(templateParams.image('media-1')),
        templateComponents.body(
          templateParams.text('Pablo', 'first_name'),
          templateParams.currency('$100.99', 'USD', 100990, 'total'),
          templateParams.dateTime('February 25, 1977', 'date'),
        ),
        templateComponents.quickReply(0, 'STOP_PROMO'),
        templateComponents.urlButton(1, 'order/123'),
        templateComponents.copyCode(2, 'SAVE25'),
        templateComponents.flowButton(3, { flow_token: 't', flow_action_data: {} }),
      ],
      { deterministicLanguage: true },
    );
    expect(built).toStrictEqual({
      to,
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'en_US', policy: 'deterministic' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { id: 'media-1' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Pablo', parameter_name: 'first_name' },
              {
                type: 'currency',
                currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 },
                parameter_name: 'total',
              },
              {
                type: 'date_time',
                date_time: { fallback_value: 'February 25, 1977' },
                parameter_name: 'date',
              },
            ],
          },
          {
            type: 'button',
            sub_type: 'quick_reply',
            index: '0',
            parameters: [{ type: 'payload', payload: 'STOP_PROMO' }],
          },
          { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'order/123' }] },
          {
            type: 'button',
            sub_type: 'copy_code',
            index: '2',
            parameters: [{ type: 'coupon_code', coupon_code: 'SAVE25' }],
          },
          {
            type: 'button',
            sub_type: 'flow',
            index: '3',
            parameters: [{ type: 'action', action: { flow_token: 't', flow_action_data: {} } }],
          },
        ],
      },
    });
    expect(() => validateOutgoingMessage(built)).not.toThrow();
  });

  it('omits components when none are given', () => {
    expect(template(to, 'hello_world', 'en_US')).toStrictEqual({
      to,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
  });

  it('other parameter helpers produce Meta shapes', () => {
    expect(templateParams.video('https://x.test/v.mp4')).toStrictEqual({
      type: 'video',
      video: { link: 'https://x.test/v.mp4' },
    });
    expect(templateParams.document('d1', 'a.pdf')).toStrictEqual({
      type: 'document',
      document: { id: 'd1', filename: 'a.pdf' },
    });
    expect(templateParams.location({ latitude: 1, longitude: 2, name: 'N', address: 'A' })).toStrictEqual({
      type: 'location',
      location: { latitude: 1, longitude: 2, name: 'N', address: 'A' },
    });
    expect(templateParams.product('cat', 'sku')).toStrictEqual({
      type: 'product',
      product: { product_retailer_id: 'sku', catalog_id: 'cat' },
    });
    expect(templateParams.text('x')).toStrictEqual({ type: 'text', text: 'x' });
  });
});

describe('every builder output passes validation', () => {
  const built = [
    text(to, 'hi'),
    image(to, '1'),
    video(to, '1'),
    audio(to, '1'),
    document(to, '1'),
    sticker(to, '1'),
    location(to, { latitude: 1, longitude: 2 }),
    contacts(to, { name: { formatted_name: 'A' } }),
    reaction(to, 'wamid.1', ''),
    buttons(to, 'b', [{ id: 'a', title: 'A' }]),
    list(to, 'b', 'Go', [{ rows: [{ id: 'a', title: 'A' }] }]),
    ctaUrl(to, 'b', 'Go', 'https://x.test'),
    flow(to, 'b', { flow_name: 'f', flow_cta: 'Go' }),
    locationRequest(to, 'b'),
    product(to, 'c', 's'),
    productList(to, 'h', 'b', 'c', [{ title: 't', product_items: [{ product_retailer_id: 's' }] }]),
    catalog(to, 'b'),
    template(to, 'hello_world', 'en_US'),
  ];
  it.each(built.map((message) => [message.type, message] as const))('%s', (_type, message) => {
    expect(() => validateOutgoingMessage(message)).not.toThrow();
  });
});
