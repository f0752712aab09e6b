import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../src/client/index.js';
import { acceleratedClock } from '../../src/clock/index.js';
import { ConfigError } from '../../src/errors/index.js';
import { MemoryEventStore, type StatusEvent } from '../../src/events/index.js';
import { fillGapsFromHistory, reconcileCampaign } from '../../src/insights/index.js';
import { template } from '../../src/messages/builders/template-builders.js';
import { computeCampaignMetrics } from '../../src/metrics/index.js';
import { SendQueue } from '../../src/queue/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { createWebhookHandler, type WebhookHandler } from '../../src/webhooks/index.js';
import { utcDay, yesterdayNoonUtc } from '../helpers/utc-day.js';
import { APP_SECRET, QUIET } from '../simulator/helpers.js';

const WELCOME_ID = '1473688840035974'; // the simulator's seeded `welcome` template (marketing)
const PRICE = 0.025; // the simulator's marketing price
const RECIPIENTS = Array.from({ length: 12 }, (_, i) => `90532555${String(4000 + i)}`);
/** Recipients whose status webhooks get lost on the way: the receiver answers 200 and drops them. */
const LOST = new Set(RECIPIENTS.slice(0, 4));
/** The simulated clock (shared by the simulator and the queue) starts here: the campaign's one day. */
const START = yesterdayNoonUtc();

let sim: Simulator | undefined;
let wa: WhatsAppClient | undefined;
let server: Server | undefined;
afterEach(async () => {
  await wa?.close();
  await sim?.close();
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  }
  wa = undefined;
  sim = undefined;
  server = undefined;
});

/** A webhook receiver that stores what it gets, except the POSTs about a {@link LOST} recipient. */
async function startLossyReceiver(handler: WebhookHandler): Promise<string> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const statuses = (JSON.parse(body.toString('utf8')).entry ?? []).flatMap(
        // biome-ignore lint/suspicious/noExplicitAny: Meta's webhook JSON
        (e: any) => e.changes.flatMap((c: any) => c.value.statuses ?? []),
      );
      if (statuses.some((s: { recipient_id?: string }) => LOST.has(s.recipient_id ?? ''))) {
        res.statusCode = 200;
        res.end('ok');
        return;
      }
      const response = await handler(
        new Request(`http://127.0.0.1${req.url}`, {
          method: req.method,
          headers: req.headers as Record<string, string>,
          body,
        }),
      );
      res.statusCode = response.status;
      res.end(await response.text());
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
}

async function runCampaign(campaignId: string) {
  const store = new MemoryEventStore();
  const clock = acceleratedClock({ speed: 100, startAt: START });
  const handler = createWebhookHandler({ appSecret: APP_SECRET, verifyToken: 'v', store });
  const webhookUrl = await startLossyReceiver(handler);
  sim = await startSimulator({
    appSecret: APP_SECRET,
    webhookUrl,
    seed: 11,
    insights: { enabled: true },
    clock,
    behaviour: { ...QUIET, readRate: 0.5, pairLimit: false },
  });
  wa = new WhatsAppClient({
    accessToken: 'test-token',
    phoneNumberId: sim.phoneNumberId,
    businessAccountId: sim.businessAccountId,
    baseUrl: sim.url,
    env: {},
  });
  const queue = new SendQueue({
    client: wa,
    store,
    clock,
    messagesPerSecond: 100,
    perRecipientIntervalMs: 0,
  });
  const result = await queue.sendCampaign({
    campaignId,
    recipients: RECIPIENTS.map((r) => `+${r}`),
    build: (to) => template(to, 'welcome', 'en_US'),
  }).done;
  await queue.close();
  await sim.flush();
  await handler.drain?.();
  expect(result).toMatchObject({ sent: RECIPIENTS.length, failed: 0 });
  return { store, client: wa, sim, clock };
}

async function statusesOf(store: MemoryEventStore, messageIds: string[]): Promise<StatusEvent[]> {
  const out: StatusEvent[] = [];
  for await (const e of store.scan({ kinds: ['status'], messageIds })) if (e.kind === 'status') out.push(e);
  return out;
}

describe('reconcileCampaign and fillGapsFromHistory against the simulator', () => {
  it('shows lost webhooks as a delivered gap, and the gap fill heals it once', {
    timeout: 60_000,
  }, async () => {
    const { store, client } = await runCampaign('lossy');
    const before = await computeCampaignMetrics(store, { campaignId: 'lossy' });
    expect(before).toMatchObject({ sent: 12, delivered: 8, pending: 4 });

    const gap = await reconcileCampaign(store, client, {
      campaignId: 'lossy',
      rateCard: { marketing: PRICE },
    });
    expect(gap.cells).toHaveLength(1);
    const [cell] = gap.cells;
    expect(cell).toMatchObject({
      templateName: 'welcome',
      templateIds: [WELCOME_ID], // looked up by name through templates.list
      ours: { sent: 12, delivered: 8 },
      meta: { sent: 12, delivered: 12 },
      difference: { sent: 0, delivered: 4 },
    });
    expect(cell?.day).toBe(utcDay(START));
    expect(cell?.causes).toContain('webhooks_not_received');
    expect(gap.causes).toContain('webhooks_not_received');
    // Ours counts only the pricing the webhooks that came reported; Meta charged all 12.
    expect(cell?.cost.ours).toBeCloseTo(8 * PRICE, 6);
    expect(cell?.cost.meta).toBeCloseTo(12 * PRICE, 6);
    expect(gap.cost.metaAccount).toBeCloseTo(12 * PRICE, 6);

    const healed = await reconcileCampaign(store, client, {
      campaignId: 'lossy',
      templateIds: { welcome: WELCOME_ID },
      fillGaps: { olderThanMs: 0 },
    });
    expect(healed.gapFill).toMatchObject({ checked: 4, healed: 4 });
    expect(healed.gapFill?.appended.every((e) => e.source === 'history')).toBe(true);
    expect(healed.cells[0]?.difference).toEqual({ sent: 0, delivered: 0, read: 0, clicks: 0 });
    expect(healed.causes).toEqual([]);
    const after = await computeCampaignMetrics(store, { campaignId: 'lossy' });
    expect(after).toMatchObject({ sent: 12, delivered: 12, pending: 0 });
    expect(after.read).toBe(healed.cells[0]?.meta?.read);

    // Twice: nothing pending any more, nothing appended.
    expect(await fillGapsFromHistory(store, client, { campaignId: 'lossy', olderThanMs: 0 })).toEqual({
      checked: 0,
      healed: 0,
      appended: [],
    });
    // A webhook arriving late for a status already filled from history is stored once.
    const filled = healed.gapFill?.appended.find((e) => e.status === 'delivered') as StatusEvent;
    await store.append([{ ...filled, source: 'webhook', at: new Date(filled.at.getTime() + 1000) }]);
    const stored = (await statusesOf(store, [filled.messageId])).filter((e) => e.status === 'delivered');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.source).toBe('history');
  });

  it('leaves messages younger than the threshold alone', { timeout: 60_000 }, async () => {
    const { store, client, clock } = await runCampaign('young');
    const result = await fillGapsFromHistory(store, client, {
      campaignId: 'young',
      olderThanMs: 3_600_000,
      now: new Date(clock.now()), // the campaign's (simulated) time
    });
    expect(result).toEqual({ checked: 0, healed: 0, appended: [] });
    expect(await computeCampaignMetrics(store, { campaignId: 'young' })).toMatchObject({ pending: 4 });
  });

  it('refuses invalid options before any request', async () => {
    const store = new MemoryEventStore();
    const client = new WhatsAppClient({
      accessToken: 't',
      phoneNumberId: '1',
      businessAccountId: '2',
      baseUrl: 'http://127.0.0.1:9',
      env: {},
    });
    await expect(reconcileCampaign(store, client, { campaignId: '' })).rejects.toThrow(ConfigError);
    await expect(
      reconcileCampaign(store, client, { campaignId: 'c', timeZone: 'Mars/Olympus' }),
    ).rejects.toThrow(/timeZone/);
    await expect(fillGapsFromHistory(store, client, { campaignId: 'c', olderThanMs: -1 })).rejects.toThrow(
      /olderThanMs/,
    );
    await client.close();
  });
});
