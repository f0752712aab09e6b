import { describe, expect, it } from 'vitest';
import { type OutgoingMessage, validateOutgoingMessage } from '../../src/messages/index.js';

// These literals must type-check as OutgoingMessage: Meta's own shapes, written by hand.
const typed: OutgoingMessage[] = [
  { to: '+16505551234', text: { body: 'no type: defaults to text', preview_url: true } },
  {
    recipient: 'US.13491208655302741918',
    type: 'image',
    image: { link: 'https://x.test/a.png', caption: 'hi' },
  },
  {
    to: '+16505551234',
    type: 'template',
    template: {
      name: 'intro_catalog_offer',
      language: { code: 'en_US', policy: 'deterministic' },
      components: [
        { type: 'body', parameters: [{ type: 'text', text: '100' }] },
        {
          type: 'button',
          sub_type: 'CATALOG',
          index: 0,
          parameters: [{ type: 'action', action: { thumbnail_product_retailer_id: '2lc20305pt' } }],
        },
        { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'text', text: true }] },
      ],
    },
  },
  {
    to: '+16505551234',
    type: 'interactive',
    context: { message_id: 'wamid.1' },
    biz_opaque_callback_data: 'campaign=42',
    interactive: {
      type: 'list',
      header: { type: 'text', text: 'Shipping' },
      body: { text: 'How fast?' },
      action: { button: 'Choose', sections: [{ title: 'Speed', rows: [{ id: 'fast', title: 'Express' }] }] },
    },
  },
];

describe('OutgoingMessage type', () => {
  it.each(typed.map((message, i) => [i, message] as const))(
    'typed literal %i is also valid at runtime',
    (_i, message) => {
      expect(() => validateOutgoingMessage(message)).not.toThrow();
    },
  );
});
