import type { TemplateInput } from './simulator-template.js';

/**
 * Templates every simulator starts with. They cover the cases a campaign meets: utility with one
 * body parameter, marketing with an image header, two body parameters, a STOP quick reply and a URL
 * button with a dynamic suffix, a template without parameters, named parameters, a paused template,
 * and the names Meta's own request examples use (`hello_world`, `sample_issue_resolution`,
 * `intro_catalog_offer`).
 */
export const SEED_TEMPLATES: readonly TemplateInput[] = [
  {
    id: '1192339204654487',
    name: 'hello_world',
    language: 'en_US',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
      {
        type: 'BODY',
        text: "Welcome and congratulations!! This message demonstrates your ability to send a message notification from WhatsApp Business Platform's Cloud API. Thank you for taking the time to test with us.",
      },
      { type: 'FOOTER', text: 'WhatsApp Business API Team' },
    ],
  },
  {
    id: '1689556908129832',
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    components: [
      {
        type: 'BODY',
        text: 'Good news! Your order {{1}} is on its way.',
        example: { body_text: [['#1234']] },
      },
      { type: 'FOOTER', text: 'Jaspers Market' },
    ],
  },
  {
    id: '920070352646140',
    name: 'spring_sale',
    language: 'en_US',
    category: 'MARKETING',
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvanBlZw==:ARZ'] } },
      {
        type: 'BODY',
        text: 'Hi {{1}}, our Spring Sale is on! Use promo code {{2}} for an extra 25% off every order.',
        example: { body_text: [['Mark', 'SPRING25']] },
      },
      { type: 'FOOTER', text: 'Not interested? Tap Stop promotions' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Stop promotions' },
          {
            type: 'URL',
            text: 'Shop now',
            url: 'https://shop.example.com/{{1}}',
            example: ['https://shop.example.com/spring?c=42'],
          },
        ],
      },
    ],
  },
  {
    id: '1473688840035974',
    name: 'welcome',
    language: 'en_US',
    category: 'MARKETING',
    components: [
      { type: 'BODY', text: 'Welcome to Jaspers Market! Reply to this message any time to talk to us.' },
    ],
  },
  {
    id: '1589417181922245',
    name: 'order_confirmation',
    language: 'en_US',
    category: 'UTILITY',
    parameter_format: 'NAMED',
    components: [
      {
        type: 'BODY',
        text: 'Thank you, {{first_name}}! Your order {{order_number}} is confirmed.',
        example: {
          body_text_named_params: [
            { param_name: 'first_name', example: 'Jessica' },
            { param_name: 'order_number', example: 'SKBUP2-4CPIG9' },
          ],
        },
      },
    ],
  },
  {
    id: '1125829868597730',
    name: 'sample_issue_resolution',
    language: 'en_US',
    category: 'UTILITY',
    components: [
      { type: 'BODY', text: 'Hi {{1}}, were we able to solve the issue that you were facing?' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Yes' },
          { type: 'QUICK_REPLY', text: 'No' },
        ],
      },
    ],
  },
  {
    id: '1322464725212372',
    name: 'intro_catalog_offer',
    language: 'en_US',
    category: 'MARKETING',
    components: [
      {
        type: 'BODY',
        text: 'Now shop for your favourite products right here on WhatsApp! Get Rs {{1}} off on all orders above {{2}}Rs! Valid for your first {{3}} orders placed on WhatsApp!',
      },
      { type: 'FOOTER', text: 'Best grocery deals on WhatsApp!' },
      { type: 'BUTTONS', buttons: [{ type: 'CATALOG', text: 'View catalog' }] },
    ],
  },
  {
    id: '1034628571265549',
    name: 'winter_clearance',
    language: 'en_US',
    category: 'MARKETING',
    status: 'PAUSED',
    components: [{ type: 'BODY', text: 'Everything must go: {{1}} off all winter items.' }],
  },
];
