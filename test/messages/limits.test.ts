import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { validateOutgoingMessage } from '../../src/messages/index.js';
import { expectInvalid } from './expect-invalid.js';

const to = '+16505551234';
const s = (n: number, ch = 'a') => ch.repeat(n);
const LIMIT = '(Cloud API limit)';

const reply = (id: string, title: string) => ({ type: 'reply', reply: { id, title } });
const buttonsMessage = (buttons: unknown[], extra: Record<string, unknown> = {}) => ({
  to,
  type: 'interactive',
  interactive: { type: 'button', body: { text: 'Pick one' }, action: { buttons }, ...extra },
});
const row = (id: string, extra: Record<string, unknown> = {}) => ({ id, title: `Row ${id}`, ...extra });
const listMessage = (sections: unknown[], extra: Record<string, unknown> = {}, button = 'Choose') => ({
  to,
  type: 'interactive',
  interactive: { type: 'list', body: { text: 'Options' }, action: { button, sections }, ...extra },
});
const ctaMessage = (parameters: Record<string, unknown>, body = 'Visit us') => ({
  to,
  type: 'interactive',
  interactive: { type: 'cta_url', body: { text: body }, action: { name: 'cta_url', parameters } },
});
const flowMessage = (parameters: Record<string, unknown>) => ({
  to,
  type: 'interactive',
  interactive: {
    type: 'flow',
    body: { text: 'Sign up' },
    action: { name: 'flow', parameters: { flow_message_version: '3', flow_cta: 'Open', ...parameters } },
  },
});
const productListMessage = (sections: unknown[], header: unknown = { type: 'text', text: 'Our picks' }) => ({
  to,
  type: 'interactive',
  interactive: {
    type: 'product_list',
    ...(header === null ? {} : { header }),
    body: { text: 'Browse' },
    action: { catalog_id: '123', sections },
  },
});
const items = (n: number, prefix = 'sku') =>
  Array.from({ length: n }, (_, i) => ({ product_retailer_id: `${prefix}-${i}` }));
const templateMessage = (template: Record<string, unknown>) => ({
  to,
  type: 'template',
  template: { name: 'order_update', language: { code: 'en_US' }, ...template },
});

describe('text', () => {
  it('accepts 4096 characters and rejects 4097', () => {
    expect(() => validateOutgoingMessage({ to, type: 'text', text: { body: s(4096) } })).not.toThrow();
    expectInvalid(
      { to, type: 'text', text: { body: s(4097) } },
      'text.body',
      `must be at most 4096 characters ${LIMIT}`,
    );
  });
  it('rejects an empty body and a missing body', () => {
    expectInvalid({ to, type: 'text', text: { body: '' } }, 'text.body', 'must not be empty');
    expectInvalid({ to, type: 'text', text: {} }, 'text.body', 'is required');
  });
  it('counts an emoji as one character', () => {
    expect(() => validateOutgoingMessage({ to, text: { body: '😀'.repeat(4096) } })).not.toThrow();
  });
  it('rejects a non-boolean preview_url', () => {
    expectInvalid({ to, text: { body: 'x', preview_url: 'yes' } }, 'text.preview_url', 'must be a boolean');
  });
});

describe('envelope', () => {
  it('requires a non-empty to (or a BSUID recipient)', () => {
    expectInvalid({ type: 'text', text: { body: 'hi' } }, 'to', 'is required');
    expectInvalid({ to: '', type: 'text', text: { body: 'hi' } }, 'to', 'must not be empty');
    expectInvalid({ to: '   ', type: 'text', text: { body: 'hi' } }, 'to', 'must not be blank');
    expect(() =>
      validateOutgoingMessage({ recipient: 'US.13491208655302741918', text: { body: 'hi' } }),
    ).not.toThrow();
  });
  it('limits biz_opaque_callback_data to 512 characters', () => {
    expect(() =>
      validateOutgoingMessage({ to, text: { body: 'x' }, biz_opaque_callback_data: s(512) }),
    ).not.toThrow();
    expectInvalid(
      { to, text: { body: 'x' }, biz_opaque_callback_data: s(513) },
      'biz_opaque_callback_data',
      `must be at most 512 characters ${LIMIT}`,
    );
  });
  it('checks recipient_type and context.message_id', () => {
    expectInvalid(
      { to, text: { body: 'x' }, recipient_type: 'everyone' },
      'recipient_type',
      'individual, group',
    );
    expectInvalid({ to, text: { body: 'x' }, context: {} }, 'context.message_id', 'is required');
    expect(() =>
      validateOutgoingMessage({
        to,
        text: { body: 'x' },
        recipient_type: 'group',
        context: { message_id: 'wamid.1' },
      }),
    ).not.toThrow();
  });
  it('rejects non-objects', () => {
    expect(() => validateOutgoingMessage(null)).toThrow(ValidationError);
    expect(() => validateOutgoingMessage('hi')).toThrow(ValidationError);
    expect(() => validateOutgoingMessage([])).toThrow(ValidationError);
  });
});

describe('media', () => {
  it('needs exactly one of id or link', () => {
    expectInvalid({ to, type: 'image', image: {} }, 'image', 'must have an id or a link');
    expectInvalid(
      { to, type: 'image', image: { id: '1', link: 'https://x.test/a.png' } },
      'image',
      'not both',
    );
    for (const type of ['image', 'video', 'audio', 'document', 'sticker']) {
      expect(() => validateOutgoingMessage({ to, type, [type]: { id: '123' } })).not.toThrow();
      expect(() => validateOutgoingMessage({ to, type, [type]: { link: 'https://x.test/m' } })).not.toThrow();
    }
  });
  it('limits captions to 1024 characters', () => {
    for (const type of ['image', 'video', 'document']) {
      expect(() =>
        validateOutgoingMessage({ to, type, [type]: { id: '1', caption: s(1024) } }),
      ).not.toThrow();
      expectInvalid(
        { to, type, [type]: { id: '1', caption: s(1025) } },
        `${type}.caption`,
        `must be at most 1024 characters ${LIMIT}`,
      );
    }
  });
  it('checks audio voice is a boolean', () => {
    expectInvalid({ to, type: 'audio', audio: { id: '1', voice: 1 } }, 'audio.voice', 'must be a boolean');
  });
});

describe('location', () => {
  it('checks latitude and longitude ranges', () => {
    expect(() => validateOutgoingMessage({ to, location: { latitude: -90, longitude: 180 } })).not.toThrow();
    expect(() =>
      validateOutgoingMessage({ to, location: { latitude: '37.4', longitude: '-122.1' } }),
    ).not.toThrow();
    expectInvalid({ to, location: { latitude: 90.5, longitude: 0 } }, 'location.latitude', 'from -90 to 90');
    expectInvalid(
      { to, location: { latitude: 0, longitude: -181 } },
      'location.longitude',
      'from -180 to 180',
    );
    expectInvalid(
      { to, location: { latitude: 'north', longitude: 0 } },
      'location.latitude',
      'must be a number',
    );
    expectInvalid({ to, location: { longitude: 0 } }, 'location.latitude', 'is required');
  });
});

describe('reaction and contacts', () => {
  it('requires reaction.message_id; an empty emoji (removal) is allowed', () => {
    expect(() =>
      validateOutgoingMessage({ to, reaction: { message_id: 'wamid.1', emoji: '' } }),
    ).not.toThrow();
    expectInvalid({ to, type: 'reaction', reaction: { emoji: '👍' } }, 'reaction.message_id', 'is required');
  });
  it('requires at least one contact with name.formatted_name', () => {
    expectInvalid({ to, contacts: [] }, 'contacts', 'must have at least 1 contacts');
    expectInvalid({ to, contacts: [{ name: {} }] }, 'contacts.0.name.formatted_name', 'is required');
  });
});

describe('interactive: reply buttons', () => {
  it('allows 1 to 3 buttons', () => {
    expect(() =>
      validateOutgoingMessage(buttonsMessage([reply('a', 'A'), reply('b', 'B'), reply('c', 'C')])),
    ).not.toThrow();
    expectInvalid(buttonsMessage([]), 'interactive.action.buttons', 'must have at least 1 buttons');
    expectInvalid(
      buttonsMessage([reply('a', 'A'), reply('b', 'B'), reply('c', 'C'), reply('d', 'D')]),
      'interactive.action.buttons',
      `must have at most 3 buttons ${LIMIT}`,
    );
  });
  it('limits titles to 20 characters and ids to 256', () => {
    expectInvalid(
      buttonsMessage([reply('a', 'A'), reply('b', s(21))]),
      'interactive.action.buttons.1.reply.title',
      `must be at most 20 characters ${LIMIT}`,
    );
    expectInvalid(
      buttonsMessage([reply(s(257), 'A')]),
      'interactive.action.buttons.0.reply.id',
      `must be at most 256 characters ${LIMIT}`,
    );
  });
  it('requires unique titles and ids', () => {
    expectInvalid(
      buttonsMessage([reply('a', 'Yes'), reply('b', 'Yes')]),
      'interactive.action.buttons.1.reply.title',
      'must be unique',
    );
    expectInvalid(
      buttonsMessage([reply('a', 'Yes'), reply('a', 'No')]),
      'interactive.action.buttons.1.reply.id',
      'unique',
    );
  });
  it('limits the body to 1024, header text and footer to 60', () => {
    const ok = [reply('a', 'A')];
    expectInvalid(
      { to, interactive: { type: 'button', body: { text: s(1025) }, action: { buttons: ok } } },
      'interactive.body.text',
      `must be at most 1024 characters ${LIMIT}`,
    );
    expectInvalid(
      buttonsMessage(ok, { header: { type: 'text', text: s(61) } }),
      'interactive.header.text',
      '60 characters',
    );
    expectInvalid(
      buttonsMessage(ok, { footer: { text: s(61) } }),
      'interactive.footer.text',
      '60 characters',
    );
    expectInvalid(
      buttonsMessage(ok, { header: { type: 'image', image: {} } }),
      'interactive.header.image',
      'id or a link',
    );
    expect(() =>
      validateOutgoingMessage(
        buttonsMessage(ok, { header: { type: 'image', image: { id: '1' } }, footer: { text: s(60) } }),
      ),
    ).not.toThrow();
  });
  it('requires type reply', () => {
    expectInvalid(
      buttonsMessage([{ type: 'url', reply: { id: 'a', title: 'A' } }]),
      'interactive.action.buttons.0.type',
      'reply',
    );
  });
});

describe('interactive: list', () => {
  it('allows a 4096-character body and rejects 4097', () => {
    const sections = [{ rows: [row('a')] }];
    expect(() =>
      validateOutgoingMessage({
        to,
        interactive: { type: 'list', body: { text: s(4096) }, action: { button: 'Go', sections } },
      }),
    ).not.toThrow();
    expectInvalid(
      { to, interactive: { type: 'list', body: { text: s(4097) }, action: { button: 'Go', sections } } },
      'interactive.body.text',
      `must be at most 4096 characters ${LIMIT}`,
    );
  });
  it('limits the button label to 20 characters', () => {
    expectInvalid(
      listMessage([{ rows: [row('a')] }], {}, s(21)),
      'interactive.action.button',
      `20 characters ${LIMIT}`,
    );
  });
  it('allows at most 10 sections', () => {
    const sections = Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: [row(`r${i}`)] }));
    expectInvalid(
      listMessage(sections),
      'interactive.action.sections',
      `must have at most 10 sections ${LIMIT}`,
    );
  });
  it('allows at most 10 rows in total across sections', () => {
    const ten = [
      { title: 'A', rows: [row('1'), row('2'), row('3'), row('4'), row('5')] },
      { title: 'B', rows: [row('6'), row('7'), row('8'), row('9'), row('10')] },
    ];
    expect(() => validateOutgoingMessage(listMessage(ten))).not.toThrow();
    const eleven = [ten[0], { title: 'B', rows: [...ten[1]!.rows, row('11')] }];
    expectInvalid(listMessage(eleven), 'interactive.action.sections', /at most 10 rows in total.*found 11/);
  });
  it('limits section title 24, row title 24, description 72, row id 200', () => {
    expectInvalid(
      listMessage([{ title: s(25), rows: [row('a')] }]),
      'interactive.action.sections.0.title',
      `24 characters ${LIMIT}`,
    );
    expectInvalid(
      listMessage([{ rows: [{ id: 'a', title: s(25) }] }]),
      'interactive.action.sections.0.rows.0.title',
      `24 characters ${LIMIT}`,
    );
    expectInvalid(
      listMessage([{ rows: [row('a', { description: s(73) })] }]),
      'interactive.action.sections.0.rows.0.description',
      `72 characters ${LIMIT}`,
    );
    expectInvalid(
      listMessage([{ rows: [row(s(201))] }]),
      'interactive.action.sections.0.rows.0.id',
      `200 characters ${LIMIT}`,
    );
  });
  it('requires unique row ids across sections', () => {
    expectInvalid(
      listMessage([
        { title: 'A', rows: [row('x')] },
        { title: 'B', rows: [row('x')] },
      ]),
      'interactive.action.sections.1.rows.0.id',
      'must be unique',
    );
  });
  it('requires section titles when there are several sections', () => {
    expectInvalid(
      listMessage([{ rows: [row('a')] }, { rows: [row('b')] }]),
      'interactive.action.sections.0.title',
      'several sections',
    );
  });
  it('only takes a text header', () => {
    expectInvalid(
      listMessage([{ rows: [row('a')] }], { header: { type: 'image', image: { id: '1' }, text: 'x' } }),
      'interactive.header.type',
      'must be "text"',
    );
    expectInvalid(
      listMessage([{ rows: [row('a')] }], { header: { type: 'text', text: s(61) } }),
      'interactive.header.text',
      '60',
    );
  });
});

describe('interactive: cta_url', () => {
  it('limits display_text to 20 characters and requires an http(s) URL', () => {
    expect(() =>
      validateOutgoingMessage(ctaMessage({ display_text: s(20), url: 'https://shop.test/?clickID=1' })),
    ).not.toThrow();
    expectInvalid(
      ctaMessage({ display_text: s(21), url: 'https://shop.test' }),
      'interactive.action.parameters.display_text',
      `20 characters ${LIMIT}`,
    );
    expectInvalid(
      ctaMessage({ display_text: 'Go', url: 'not a url' }),
      'interactive.action.parameters.url',
      'valid http(s) URL',
    );
    expectInvalid(
      ctaMessage({ display_text: 'Go', url: 'ftp://shop.test' }),
      'interactive.action.parameters.url',
      'http(s)',
    );
  });
  it('limits the body to 1024 characters', () => {
    expectInvalid(
      ctaMessage({ display_text: 'Go', url: 'https://shop.test' }, s(1025)),
      'interactive.body.text',
      '1024',
    );
  });
});

describe('interactive: flow', () => {
  it('requires exactly one of flow_id and flow_name', () => {
    expect(() => validateOutgoingMessage(flowMessage({ flow_id: '1' }))).not.toThrow();
    expect(() => validateOutgoingMessage(flowMessage({ flow_name: 'signup' }))).not.toThrow();
    expectInvalid(flowMessage({}), 'interactive.action.parameters.flow_id', 'flow_id or a flow_name');
    expectInvalid(
      flowMessage({ flow_id: '1', flow_name: 'x' }),
      'interactive.action.parameters.flow_id',
      'not both',
    );
  });
  it('only allows flow_action navigate or data_exchange', () => {
    expect(() =>
      validateOutgoingMessage(flowMessage({ flow_id: '1', flow_action: 'data_exchange' })),
    ).not.toThrow();
    expectInvalid(
      flowMessage({ flow_id: '1', flow_action: 'jump' }),
      'interactive.action.parameters.flow_action',
      'navigate, data_exchange',
    );
  });
  it('limits flow_cta to 30 characters and mode to draft/published', () => {
    expectInvalid(
      flowMessage({ flow_id: '1', flow_cta: s(31) }),
      'interactive.action.parameters.flow_cta',
      '30 characters',
    );
    expectInvalid(
      flowMessage({ flow_id: '1', mode: 'live' }),
      'interactive.action.parameters.mode',
      'draft, published',
    );
  });
});

describe('interactive: products', () => {
  it('product_list requires a text header', () => {
    expectInvalid(
      productListMessage([{ title: 'A', product_items: items(1) }], null),
      'interactive.header',
      'is required',
    );
    expectInvalid(
      productListMessage([{ title: 'A', product_items: items(1) }], { type: 'video', video: { id: '1' } }),
      'interactive.header.text',
      'is required',
    );
  });
  it('product_list allows at most 10 sections and 30 products in total', () => {
    const sections = (n: number, per: number) =>
      Array.from({ length: n }, (_, i) => ({ title: `S${i}`, product_items: items(per, `s${i}`) }));
    expect(() => validateOutgoingMessage(productListMessage(sections(3, 10)))).not.toThrow();
    expectInvalid(
      productListMessage(sections(11, 1)),
      'interactive.action.sections',
      `at most 10 sections ${LIMIT}`,
    );
    expectInvalid(
      productListMessage(sections(1, 31)),
      'interactive.action.sections.0.product_items',
      `at most 30 products ${LIMIT}`,
    );
    expectInvalid(
      productListMessage(sections(4, 8)),
      'interactive.action.sections',
      /30 products in total.*found 32/,
    );
  });
  it('product requires catalog_id and product_retailer_id and takes no header', () => {
    expectInvalid(
      { to, interactive: { type: 'product', action: { catalog_id: '1' } } },
      'interactive.action.product_retailer_id',
      'is required',
    );
    expectInvalid(
      {
        to,
        interactive: {
          type: 'product',
          header: { type: 'text', text: 'x' },
          action: { catalog_id: '1', product_retailer_id: 'a' },
        },
      },
      'interactive.header',
      'not allowed',
    );
  });
  it('location_request_message needs action send_location', () => {
    expectInvalid(
      {
        to,
        interactive: {
          type: 'location_request_message',
          body: { text: 'Where?' },
          action: { name: 'share' },
        },
      },
      'interactive.action.name',
      'send_location',
    );
  });
  it('carousel takes 2 to 10 cards', () => {
    const card = (i: number) => ({ card_index: i, type: 'cta_url', action: { name: 'cta_url' } });
    expectInvalid(
      { to, interactive: { type: 'carousel', body: { text: 'x' }, action: { cards: [card(0)] } } },
      'interactive.action.cards',
      'at least 2 cards',
    );
  });
  it('other interactive kinds still get the common limits', () => {
    expectInvalid(
      { to, interactive: { type: 'order_status', body: { text: 'x' }, footer: { text: s(61) }, action: {} } },
      'interactive.footer.text',
      '60',
    );
    expectInvalid(
      { to, interactive: { body: { text: 'x' }, action: {} } },
      'interactive.type',
      'is required',
    );
  });
});

describe('template', () => {
  it('checks the name: no spaces, at most 512 characters', () => {
    expectInvalid(templateMessage({ name: 'order update' }), 'template.name', 'template name');
    expectInvalid(templateMessage({ name: s(513) }), 'template.name', `512 characters ${LIMIT}`);
    expectInvalid(templateMessage({ name: '' }), 'template.name', 'must not be empty');
  });
  it('requires language.code and only the deterministic policy', () => {
    expectInvalid(templateMessage({ language: {} }), 'template.language.code', 'is required');
    expectInvalid(
      templateMessage({ language: { code: 'en', policy: 'fallback' } }),
      'template.language.policy',
      'deterministic',
    );
  });
  it('rejects named and positional parameters mixed in one component', () => {
    const error = expectInvalid(
      templateMessage({
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Pablo', parameter_name: 'first_name' },
              { type: 'text', text: '#123' },
            ],
          },
        ],
      }),
      'template.components.0.parameters.1.parameter_name',
      'cannot be mixed',
    );
    expect(error.field).toBe('template.components.0.parameters.1.parameter_name');
  });
  it('rejects named and positional parameters mixed across header and body', () => {
    expectInvalid(
      templateMessage({
        components: [
          { type: 'header', parameters: [{ type: 'text', text: 'Hi' }] },
          { type: 'body', parameters: [{ type: 'text', text: 'Pablo', parameter_name: 'first_name' }] },
        ],
      }),
      'template.components.1.parameters.0.parameter_name',
      'cannot be mixed',
    );
  });
  it('accepts all-named and all-positional parameters', () => {
    const named = [
      { type: 'text', text: 'Pablo', parameter_name: 'first_name' },
      {
        type: 'currency',
        currency: { fallback_value: '$1', code: 'USD', amount_1000: 1000 },
        parameter_name: 'total',
      },
    ];
    expect(() =>
      validateOutgoingMessage(templateMessage({ components: [{ type: 'body', parameters: named }] })),
    ).not.toThrow();
    const positional = [
      { type: 'text', text: 'Pablo' },
      { type: 'date_time', date_time: { fallback_value: 'Monday' } },
    ];
    expect(() =>
      validateOutgoingMessage(templateMessage({ components: [{ type: 'body', parameters: positional }] })),
    ).not.toThrow();
  });
  it('named parameters are lowercase a-z and underscores', () => {
    expectInvalid(
      templateMessage({
        components: [
          { type: 'body', parameters: [{ type: 'text', text: 'x', parameter_name: 'FirstName' }] },
        ],
      }),
      'template.components.0.parameters.0.parameter_name',
      'lowercase',
    );
    expectInvalid(
      templateMessage({
        components: [
          { type: 'body', parameters: [{ type: 'text', text: 'x', parameter_name: 'first-name' }] },
        ],
      }),
      'template.components.0.parameters.0.parameter_name',
      'lowercase',
    );
  });
  it('checks each parameter by its type', () => {
    expectInvalid(
      templateMessage({ components: [{ type: 'header', parameters: [{ type: 'text', text: s(61) }] }] }),
      'template.components.0.parameters.0.text',
      `60 characters ${LIMIT}`,
    );
    expectInvalid(
      templateMessage({
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'currency', currency: { fallback_value: '$1', code: 'USD', amount_1000: 1.5 } },
            ],
          },
        ],
      }),
      'template.components.0.parameters.0.currency.amount_1000',
      'integer',
    );
    expectInvalid(
      templateMessage({ components: [{ type: 'header', parameters: [{ type: 'image', image: {} }] }] }),
      'template.components.0.parameters.0.image',
      'id or a link',
    );
    expectInvalid(
      templateMessage({
        components: [
          { type: 'header', parameters: [{ type: 'location', location: { latitude: 1, longitude: 2 } }] },
        ],
      }),
      'template.components.0.parameters.0.location.name',
      'is required',
    );
    expectInvalid(
      templateMessage({
        components: [{ type: 'body', parameters: [{ type: 'image', image: { id: '1' } }] }],
      }),
      'template.components.0.parameters.0.type',
      'not allowed in a body component',
    );
  });
  it('checks button components: sub_type, index 0-9, parameters', () => {
    const button = (extra: Record<string, unknown>) =>
      templateMessage({
        components: [
          {
            type: 'button',
            sub_type: 'quick_reply',
            index: '0',
            parameters: [{ type: 'payload', payload: 'P' }],
            ...extra,
          },
        ],
      });
    expect(() => validateOutgoingMessage(button({}))).not.toThrow();
    expect(() => validateOutgoingMessage(button({ index: 2 }))).not.toThrow();
    expectInvalid(button({ index: '10' }), 'template.components.0.index', '0-9');
    expectInvalid(button({ index: undefined }), 'template.components.0.index', '0-9');
    expectInvalid(button({ sub_type: undefined }), 'template.components.0.sub_type', 'is required');
    expectInvalid(
      button({ sub_type: 'copy_code', parameters: [{ type: 'coupon_code', coupon_code: s(16) }] }),
      'template.components.0.parameters.0.coupon_code',
      '15 characters',
    );
    expectInvalid(
      button({ parameters: [{ type: 'payload' }] }),
      'template.components.0.parameters.0.payload',
      'is required',
    );
  });
  it('allows one header parameter', () => {
    expectInvalid(
      templateMessage({
        components: [
          {
            type: 'header',
            parameters: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
      }),
      'template.components.0.parameters',
      'at most 1 parameter',
    );
  });
  it('checks carousel cards recursively', () => {
    expectInvalid(
      templateMessage({
        components: [
          {
            type: 'carousel',
            cards: [
              { card_index: 0, components: [{ type: 'header', parameters: [{ type: 'image', image: {} }] }] },
            ],
          },
        ],
      }),
      'template.components.0.cards.0.components.0.parameters.0.image',
      'id or a link',
    );
  });
});

describe('ValidationError', () => {
  it('names the first field, lists every issue and keeps the limit in its message', () => {
    let caught: unknown;
    try {
      validateOutgoingMessage(buttonsMessage([reply('a', s(21)), reply('b', s(22))]));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.field).toBe('interactive.action.buttons.0.reply.title');
    expect(error.issues).toHaveLength(2);
    expect(error.message).toContain('interactive.action.buttons.0.reply.title');
    expect(error.message).toContain('must be at most 20 characters (Cloud API limit)');
  });
});
