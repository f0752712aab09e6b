/**
 * Express webhook endpoint for WhatsApp Cloud API webhooks.
 *
 * Serve: `WHATSAPP_APP_SECRET=... WHATSAPP_VERIFY_TOKEN=... npx tsx examples/express-webhook.ts --serve`
 * and point your Meta app's webhook at `https://<your host>/webhook`.
 * Without `--serve` it posts one signed sample webhook to itself, prints the events and exits.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { captureRawBody, createExpressWebhookHandler } from '../src/webhooks/frameworks/express.js'; // 'wacloud/express'
import { signWebhookPayload } from '../src/webhooks/index.js';

const selfTest = !process.argv.includes('--serve');
const appSecret = process.env.WHATSAPP_APP_SECRET ?? (selfTest ? 'example-secret' : undefined);
const verifyToken = process.env.WHATSAPP_VERIFY_TOKEN ?? (selfTest ? 'example-token' : undefined);

// The lines that matter:
const app = express();
// For an app that parses JSON globally: keep the raw bytes for the signature check (req.rawBody) and
// raise the 100 KB default to Meta's 3 MB maximum, or large webhooks get a 413. Without a global JSON
// parser, leave this line out: the handler then reads the body itself.
app.use(express.json({ limit: '3mb', verify: captureRawBody }));
const webhook = createExpressWebhookHandler({ appSecret, verifyToken });
webhook.processor.on('status', (e) =>
  console.log(`status ${e.status} for ${e.messageId} (to ${e.recipientId})`),
);
webhook.processor.on('message.text', (e) => console.log(`text from ${e.from}: ${e.message.text.body}`));
app.use('/webhook', webhook); // see docs/webhooks.md, "The raw body problem"

webhook.processor.on('error', (error) => console.error('webhook listener failed:', error));

const server = app.listen(Number(process.env.PORT ?? (selfTest ? 0 : 3000)), '127.0.0.1', async () => {
  const { port } = server.address() as AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}/webhook`);
  if (!selfTest) return;
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
              messages: [
                {
                  from: '16505551234',
                  id: 'wamid.EXAMPLE',
                  timestamp: '1749416383',
                  type: 'text',
                  text: { body: 'Hi!' },
                },
              ],
              statuses: [
                { id: 'wamid.OUT', status: 'read', timestamp: '1749416390', recipient_id: '16505551234' },
              ],
            },
          },
        ],
      },
    ],
  });
  const res = await fetch(`http://127.0.0.1:${port}/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signWebhookPayload(body, appSecret as string),
    },
    body,
  });
  console.log(`webhook answered ${res.status}`);
  await webhook.drain();
  server.close();
  if (res.status !== 200) process.exitCode = 1;
});
