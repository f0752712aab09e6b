/**
 * wacloud in one minute, no Meta account needed: `npm install && npm run demo`.
 *
 * 1. starts the local Cloud API simulator (seeded, so every run gives the same numbers),
 * 2. starts a webhook receiver and a click tracker on 127.0.0.1,
 * 3. sends a two-variant template campaign to a few thousand generated recipients through the
 *    rate-limited SendQueue,
 * 4. waits for every status, reply, click and opt-out webhook,
 * 5. prints the metrics per variant with the A/B verdict, and writes an HTML report.
 *
 * Everything below is the public API (imported from source here; in your app: `from 'wacloud'`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { COMPACT_COLUMNS, metricsTable } from '../src/cli/metrics-formats.js';
import { WhatsAppClient } from '../src/client/index.js';
import { MemoryEventStore } from '../src/events/index.js';
import { msg } from '../src/messages/index.js';
import { compareVariants, computeCampaignMetrics } from '../src/metrics/index.js';
import { type OutgoingMessageLike, SendQueue } from '../src/queue/index.js';
import { optOutsOverTime, renderCampaignReport } from '../src/report/index.js';
import { startSimulator } from '../src/simulator/index.js';
import { createLinkTracker } from '../src/tracking/index.js';
import { createWebhookHandler } from '../src/webhooks/index.js';
import { isExampleTest, progressLine } from './lib/console.js';
import { serveFetch } from './lib/serve-fetch.js';

const RECIPIENTS = isExampleTest ? 1200 : 4000;
const CAMPAIGN = 'spring-sale-demo';
const APP_SECRET = 'demo-app-secret'; // the simulator signs webhooks with it; the receiver checks them
const started = Date.now();

// --- where events go: one store for sends, webhooks and clicks -------------------------------------
const store = new MemoryEventStore();

// --- the webhook receiver and the click tracker, on one loopback server ----------------------------
const webhook = createWebhookHandler({ appSecret: APP_SECRET, verifyToken: 'demo-verify', store });
let clicks = 0;
let tracker: ReturnType<typeof createLinkTracker> | undefined;
const server = await serveFetch(async (request) => {
  const path = new URL(request.url).pathname;
  if (path.startsWith('/c/') && tracker) return tracker.handler(request);
  return webhook(request);
});
tracker = createLinkTracker({
  secret: 'demo-link-secret-0123456789',
  baseUrl: `${server.url}/c`,
  store,
  // A pretend shop: every third click turns into a $40 order, recorded as a conversion.
  onClick: async (click) => {
    clicks++;
    if (clicks % 3 !== 0) return;
    await store.append([
      {
        kind: 'conversion',
        at: click.at,
        value: 40,
        currency: 'USD',
        ...(click.recipientId ? { recipientId: click.recipientId } : {}),
        campaignId: CAMPAIGN,
      },
    ]);
  },
});

// --- the simulator: Meta's Cloud API on loopback, with two demo templates -------------------------
const shopButton = {
  type: 'URL',
  text: 'Shop now',
  url: `${server.url}/c/{{1}}`,
  example: [`${server.url}/c/x`],
};
const simulator = await startSimulator({
  appSecret: APP_SECRET,
  webhookUrl: `${server.url}/webhook`,
  seed: 7,
  behaviour: {
    messagesPerSecond: 500,
    speed: 200, // simulated minutes of user behaviour pass in well under a second
    clickUrlPattern: '/c/',
    clickRate: 0.12,
    quickReplyRate: 0.2, // share of readers who tap a quick-reply button (variant B has two)
  },
  templates: [
    {
      name: 'spring_sale_a',
      language: 'en_US',
      category: 'MARKETING',
      components: [
        { type: 'BODY', text: 'Hi {{1}}, our Spring Sale is on! Use code {{2}} for 25% off.' },
        { type: 'BUTTONS', buttons: [shopButton] },
      ],
    },
    {
      name: 'spring_sale_b',
      language: 'en_US',
      category: 'MARKETING',
      components: [
        {
          type: 'BODY',
          text: '{{1}}, your 25% Spring discount is waiting: code {{2}}. Shall we pick deals for you?',
        },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: 'Yes, pick for me' },
            { type: 'QUICK_REPLY', text: 'Stop promotions' },
            shopButton,
          ],
        },
      ],
    },
  ],
});

// --- the client and the queue -----------------------------------------------------------------------
const client = new WhatsAppClient({
  accessToken: 'test-token', // the simulator's default token
  phoneNumberId: simulator.phoneNumberId,
  baseUrl: simulator.url,
});
const queue = new SendQueue({
  client,
  store,
  messagesPerSecond: 400,
  perRecipientIntervalMs: 6000,
  maxAttempts: 5,
});

interface Recipient {
  phone: string;
  name: string;
}
function* recipients(): Generator<Recipient> {
  const names = ['Ana', 'Ben', 'Chloé', 'Dev', 'Eli', 'Fatma', 'Gus', 'Hana', 'Ivan', 'Jun'];
  for (let i = 0; i < RECIPIENTS; i++) {
    yield { phone: `+90532${String(1_000_000 + i)}`, name: names[i % names.length] ?? 'there' };
  }
}

console.log(`Sending ${RECIPIENTS} messages (variants A and B) to the simulator at ${simulator.url} ...`);
const campaign = queue.sendCampaign({
  campaignId: CAMPAIGN,
  recipients: recipients(),
  total: RECIPIENTS,
  variants: ['A', 'B'],
  build: (r, { variant }) => {
    const token = tracker.token('https://shop.example.com/spring', {
      campaignId: CAMPAIGN,
      recipientId: r.phone,
    });
    const body = msg.templateComponents.body(
      msg.templateParams.text(r.name),
      msg.templateParams.text('SPRING25'),
    );
    const components =
      variant === 'A'
        ? [body, msg.templateComponents.urlButton(0, token)]
        : [
            body,
            msg.templateComponents.quickReply(0, 'PICK_DEALS'),
            msg.templateComponents.quickReply(1, 'STOP_PROMO'),
            msg.templateComponents.urlButton(2, token),
          ];
    return msg.template(
      r.phone,
      `spring_sale_${variant === 'A' ? 'a' : 'b'}`,
      'en_US',
      components,
    ) as OutgoingMessageLike;
  },
});
campaign.on('progress', (p) =>
  progressLine(p.sent + p.failed + p.skipped + p.unknown, RECIPIENTS, `sent ${p.sent} failed ${p.failed}`),
);
const progress = await campaign.done;
await queue.close();
console.log(`Queue done: ${progress.sent} accepted, ${progress.failed} failed, ${progress.skipped} skipped.`);

// --- wait for every webhook (statuses, replies, taps, opt-outs) and click ----------------------------
await simulator.flush();
await webhook.drain();
const stats = simulator.stats();
console.log(
  `Webhooks: ${stats.webhooksPosted} signed POSTs (${stats.statuses} statuses, ${stats.inboundMessages} user messages); tracked clicks: ${clicks}.`,
);

// --- measure --------------------------------------------------------------------------------------------
const metrics = await computeCampaignMetrics(store, {
  campaignId: CAMPAIGN,
  groupBy: 'variant',
  rateCard: { marketing: 0.025 },
});
const [a, b] = metrics.groups ?? [];
if (!a || !b) throw new Error('expected two variants');
const comparison = compareVariants(a.metrics, b.metrics, 'replyRate');

console.log(`\nCampaign ${CAMPAIGN}\n`);
console.log(metricsTable(metrics, 'variant', COMPACT_COLUMNS));
console.log(
  `Of ${metrics.sent} sent: ${metrics.delivered} delivered, ${metrics.failed} failed, ${metrics.pending} pending (no delivery or failure reported yet); ${metrics.rejected} more rejected by the API.`,
);
console.log(
  `Already opted out (131050, not new opt-outs): ${metrics.alreadyOptedOut}; limited by Meta (131049): ${metrics.limitedByMeta}; new opt-outs: ${metrics.optedOut}.`,
);
const formatP = (p: number | null) => (p === null ? '—' : p < 0.0001 ? '< 0.0001' : `= ${p.toFixed(4)}`);
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);
const verdict = comparison.significant
  ? `variant ${(comparison.b.rate ?? 0) > (comparison.a.rate ?? 0) ? b.key : a.key} wins`
  : 'no significant difference';
console.log(
  `A/B on reply rate: A ${pct(comparison.a.rate)} vs B ${pct(comparison.b.rate)}, lift ${
    comparison.lift === null ? '—' : `${(comparison.lift * 100).toFixed(1)}%`
  }, p ${formatP(comparison.pValue)} → ${verdict}`,
);
const optOuts = compareVariants(a.metrics, b.metrics, 'optOutRate');
if (optOuts.significant) {
  console.log(
    `But watch opt-outs: A ${pct(optOuts.a.rate)} vs B ${pct(optOuts.b.rate)} (B's "Stop promotions" button gets tapped).`,
  );
}
console.log(
  `Cost $${metrics.cost?.toFixed(2)}, revenue $${metrics.revenue.toFixed(2)}, failures: ${
    metrics.failuresByCode.map((f) => `${f.code} ${f.title} ×${f.count}`).join('; ') || 'none'
  }`,
);

// --- the HTML report ----------------------------------------------------------------------------------
await mkdir('reports', { recursive: true });
const reportPath = 'reports/demo-report.html';
await writeFile(
  reportPath,
  renderCampaignReport({
    campaignId: CAMPAIGN,
    metrics,
    comparison: { variantA: a.key, variantB: b.key, result: comparison },
    optOutsOverTime: await optOutsOverTime(store, { campaignId: CAMPAIGN }),
    generatedAt: new Date(),
  }),
);
console.log(`\nHTML report: ${reportPath}`);

await simulator.close();
await server.close();
console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
console.log(
  'Watch a campaign live: send with --store sqlite:wa.db, then `npx wacloud dashboard --store sqlite:wa.db` (README, "The whole loop").',
);
