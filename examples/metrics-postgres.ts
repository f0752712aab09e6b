/**
 * Campaign events in PostgreSQL: the queue writes sends, the webhook handler writes statuses and
 * replies, and `computeCampaignMetrics` runs as SQL inside the database (the store's `aggregate`).
 *
 * Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx examples/metrics-postgres.ts`.
 * It works in a fresh schema and drops it at the end. Exits with code 3 when PostgreSQL is down.
 */
import pg from 'pg';
import { PostgresEventStore } from '../src/events/stores/postgres.js'; // 'wacloud/postgres'
import { msg } from '../src/messages/index.js';
import { computeCampaignMetrics } from '../src/metrics/index.js';
import { type OutgoingMessageLike, SendQueue } from '../src/queue/index.js';
import { createWebhookHandler } from '../src/webhooks/index.js';
import { connect } from './lib/connect.js';
import { isExampleTest } from './lib/console.js';
import { serveFetch } from './lib/serve-fetch.js';

const connectionString = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `wacloud_example_${process.pid}_${Date.now()}`;

const probe = new pg.Client({ connectionString });
try {
  await probe.connect();
  await probe.end();
} catch (error) {
  console.error(
    `PostgreSQL is not reachable at ${new URL(connectionString).host}: ${(error as Error).message}`,
  );
  process.exit(3);
}

const store = new PostgresEventStore({ connectionString, schema });
const APP_SECRET = 'postgres-example-secret';
const webhook = createWebhookHandler({ appSecret: APP_SECRET, verifyToken: 'verify', store });
const server = await serveFetch(webhook);
const { client, close } = await connect({
  appSecret: APP_SECRET,
  webhookUrl: `${server.url}/webhook`,
  behaviour: { messagesPerSecond: 500 },
});

try {
  const recipients = Array.from({ length: isExampleTest ? 300 : 1000 }, (_, i) => `+90532555${3000 + i}`);
  const queue = new SendQueue({ client, store, messagesPerSecond: 400 });
  const campaign = queue.sendCampaign({
    campaignId: 'pg-demo',
    recipients,
    variants: ['A', 'B'],
    category: 'utility', // order updates: the marketing rules (consent, caps, quiet hours) do not apply
    build: (to) =>
      msg.template(to, 'order_update', 'en_US', [
        msg.templateComponents.body(msg.templateParams.text('#SPRING')),
      ]) as OutgoingMessageLike,
  });
  await campaign.done;
  await queue.close();
  await close(); // waits for every webhook the simulator planned
  await webhook.drain();

  const metrics = await computeCampaignMetrics(store, {
    campaignId: 'pg-demo',
    groupBy: 'variant',
    rateCard: { utility: 0.008 },
  });
  const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
  console.log(`PostgreSQL schema ${schema}: campaign pg-demo`);
  for (const { key, metrics: m } of metrics.groups ?? []) {
    console.log(
      `variant ${key}: sent ${m.sent}, delivered ${pct(m.deliveryRate)}, read ${pct(m.readRate)}, replied ${m.replied}, cost $${m.cost?.toFixed(2)}`,
    );
  }
  console.log(
    `total: sent ${metrics.sent}, delivered ${metrics.delivered}, read ${metrics.read}, failed ${metrics.failed}`,
  );
} finally {
  await server.close();
  await store.close();
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}
