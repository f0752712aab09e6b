/**
 * Per-user click tracking. WhatsApp reports no link clicks, so wacloud signs your links: each one
 * points at your redirect endpoint with a token naming the campaign and recipient, records a
 * `click` event, then redirects (only to URLs it signed, so it is no open redirect).
 *
 * Run: `npx tsx examples/click-tracking.ts` — simulator only (its users "open" loopback links).
 */

import { MemoryEventStore } from '../src/events/index.js';
import { computeCampaignMetrics } from '../src/metrics/index.js';
import { type OutgoingMessageLike, SendQueue } from '../src/queue/index.js';
import { createLinkTracker } from '../src/tracking/index.js';
import { createWebhookHandler } from '../src/webhooks/index.js';
import { connect } from './lib/connect.js';
import { serveFetch } from './lib/serve-fetch.js';

const APP_SECRET = 'click-example-secret';
const CAMPAIGN = 'clicks-demo';
const store = new MemoryEventStore();
const webhook = createWebhookHandler({ appSecret: APP_SECRET, verifyToken: 'verify', store });

let tracker: ReturnType<typeof createLinkTracker> | undefined;
const server = await serveFetch(async (request) =>
  new URL(request.url).pathname.startsWith('/c/') && tracker ? tracker.handler(request) : webhook(request),
);
tracker = createLinkTracker({ secret: 'click-example-link-secret', baseUrl: `${server.url}/c`, store });

const { client, simulator, close } = await connect({
  appSecret: APP_SECRET,
  webhookUrl: `${server.url}/webhook`,
  behaviour: {
    messagesPerSecond: 500,
    clickUrlPattern: '/c/',
    clickRate: 0.3,
    deliveredRate: 1,
    readRate: 0.8,
    failedRate: 0,
  },
});
if (!simulator) throw new Error('This example runs against the simulator: unset WHATSAPP_BASE_URL.');

// Free-form text needs an open 24-hour window, so these users write first.
const users = Array.from({ length: 200 }, (_, i) => `+1650555${String(2000 + i)}`);
for (const user of users) simulator.inbound(user, 'Any deals today?');
await simulator.flush();
await webhook.drain();

const queue = new SendQueue({ client, store, messagesPerSecond: 200 });
const campaign = queue.sendCampaign({
  campaignId: CAMPAIGN,
  recipients: users,
  build: (to) => {
    const link = tracker.wrap('https://shop.example.com/spring', { campaignId: CAMPAIGN, recipientId: to });
    return {
      to,
      type: 'text',
      text: { body: `Yes! 25% off today: ${link}`, preview_url: false },
    } as OutgoingMessageLike;
  },
});
const sent = await campaign.done;
await queue.close();
await simulator.flush();
await webhook.drain();

const metrics = await computeCampaignMetrics(store, { campaignId: CAMPAIGN });
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
console.log(
  `sent ${sent.sent} messages with tracked links; ${metrics.delivered} delivered, ${metrics.read} read`,
);
console.log(
  `clicked ${metrics.clicked} → click-through rate ${pct(metrics.clickThroughRate)} (clicks / delivered)`,
);

// A tampered token is refused: 404, no redirect, no click recorded.
const sample = tracker.wrap('https://shop.example.com/spring', {
  campaignId: CAMPAIGN,
  recipientId: users[0] ?? '',
});
const tampered = await fetch(`${sample.slice(0, -2)}xx`, { redirect: 'manual' });
const genuine = await fetch(sample, { redirect: 'manual' });
console.log(
  `tampered link → ${tampered.status}; genuine link → ${genuine.status} ${genuine.headers.get('location')}`,
);

await close();
await server.close();
