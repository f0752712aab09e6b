/**
 * One of every message type, built with wacloud's builders and sent with `wa.messages.send`.
 * Run: `npx tsx examples/send-messages.ts` (simulator) or with WHATSAPP_* env + WHATSAPP_TEST_RECIPIENT.
 */
import { ValidationError } from '../src/errors/index.js';
import { msg } from '../src/messages/index.js';
import { connect } from './lib/connect.js';

const { client: wa, simulator, recipient: to, close } = await connect();

// Free-form messages need an open 24-hour window: the user must have written first. On the
// simulator we play the user; on Meta, write to your business number from your phone first.
const userMessageId = simulator?.inbound(to, 'Hi! What do you have on sale?');

const messages = {
  template: msg.template(to, 'order_update', 'en_US', [
    msg.templateComponents.body(msg.templateParams.text('#1234')),
  ]),
  text: msg.text(to, 'Spring sale: 25% off everything until Sunday.', { previewUrl: false }),
  image: msg.image(to, 'https://example.com/spring.jpg', { caption: 'This week only' }),
  document: msg.document(to, 'https://example.com/catalog.pdf', { filename: 'catalog.pdf' }),
  location: msg.location(to, {
    latitude: 37.4847,
    longitude: -122.1477,
    name: 'Jaspers Market',
    address: '1 Hacker Way',
  }),
  contacts: msg.contacts(to, {
    name: { formatted_name: 'Jaspers Support', first_name: 'Jaspers' },
    phones: [{ phone: '+15550783881', type: 'WORK' }],
  }),
  buttons: msg.buttons(to, 'Did you find what you were looking for?', [
    { id: 'yes', title: 'Yes, thanks' },
    { id: 'no', title: 'Not yet' },
  ]),
  list: msg.list(to, 'Pick a delivery option', 'Options', [
    {
      title: 'Delivery',
      rows: [
        { id: 'express', title: 'Express', description: 'Next day' },
        { id: 'standard', title: 'Standard', description: '2-4 days' },
      ],
    },
  ]),
  cta_url: msg.ctaUrl(to, 'See every deal in the shop.', 'Open shop', 'https://shop.example.com/spring'),
  location_request: msg.locationRequest(to, 'Share your location to find the nearest store.'),
  ...(userMessageId ? { reaction: msg.reaction(to, userMessageId, '👍') } : {}),
};

for (const [kind, message] of Object.entries(messages)) {
  const result = await wa.messages.send(message);
  console.log(`${kind.padEnd(17)} → ${result.messageId}`);
}

// Invalid messages never leave your machine: the same zod schemas run before every request.
try {
  await wa.messages.send(
    msg.buttons(to, 'Too many buttons', [
      { id: '1', title: 'One' },
      { id: '2', title: 'Two' },
      { id: '3', title: 'Three' },
      { id: '4', title: 'Four' },
    ]),
  );
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  console.log(`rejected before sending: ${error.field}: ${error.issues[0]?.message}`);
}

await close();
