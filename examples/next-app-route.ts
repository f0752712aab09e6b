/**
 * Next.js App Router webhook route: save as `app/api/whatsapp/route.ts` (import from 'wacloud/next')
 * and set WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN in the environment, at build time too:
 * `next build` evaluates the route module.
 *
 * On Vercel, background work is frozen after the response: pass `waitUntil: after` (from
 * 'next/server') or `awaitProcessing: true`. For the Pages Router, see docs/webhooks.md.
 *
 * Run `npx tsx examples/next-app-route.ts` to exercise the route with real `Request` objects.
 */

import { createNextRouteHandlers } from '../src/webhooks/frameworks/next.js'; // 'wacloud/next'
import { signWebhookPayload } from '../src/webhooks/index.js';

const tryOut = import.meta.url === `file://${process.argv[1]}`;
if (tryOut) {
  // Only for the local try-out below; in the app both come from the environment.
  process.env.WHATSAPP_APP_SECRET ??= 'example-secret';
  process.env.WHATSAPP_VERIFY_TOKEN ??= 'example-token';
}

// The route file itself:
const route = createNextRouteHandlers({
  // The app secret and verify token come from WHATSAPP_APP_SECRET / WHATSAPP_VERIFY_TOKEN.
  onEvent: (event) => console.log('webhook event:', event.type),
});
route.processor.on('user_preferences', (e) => console.log(`${e.waId} chose ${e.value} for ${e.category}`));
export const { GET, POST } = route;

// What Next.js does with it, for a local try-out:
if (tryOut) {
  const appSecret = process.env.WHATSAPP_APP_SECRET as string;
  const verifyToken = process.env.WHATSAPP_VERIFY_TOKEN as string;
  const verify = await GET(
    new Request(
      `http://localhost/api/whatsapp?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=12345`,
    ),
  );
  console.log(`GET verification → ${verify.status} ${await verify.text()}`);
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'user_preferences',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              user_preferences: [
                {
                  wa_id: '16505551234',
                  category: 'marketing_messages',
                  value: 'stop',
                  timestamp: 1731705721,
                },
              ],
            },
          },
        ],
      },
    ],
  });
  const res = await POST(
    new Request('http://localhost/api/whatsapp', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signWebhookPayload(body, appSecret),
      },
      body,
    }),
  );
  console.log(`POST → ${res.status}`);
  await route.drain();
}
