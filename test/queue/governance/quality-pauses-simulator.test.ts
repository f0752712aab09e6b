import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../../src/client/index.js';
import type { GraphApiError } from '../../../src/errors/index.js';
import { type CampaignPauseInfo, SendQueue } from '../../../src/queue/index.js';
import { type Simulator, startSimulator } from '../../../src/simulator/index.js';
import { createWebhookHandler } from '../../../src/webhooks/index.js';
import { APP_SECRET, QUIET } from '../../simulator/helpers.js';

const TR = (n: number) => `+90532${String(1_000_000 + n)}`;

let simulator: Simulator | undefined;
let server: Server | undefined;
let queue: SendQueue | undefined;
afterEach(async () => {
  await queue?.close();
  await simulator?.close();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  simulator = undefined;
  server = undefined;
  queue = undefined;
});

/** A webhook endpoint that hands every event to `onEvent` (as `processor.on('event', ...)` would). */
async function webhookEndpoint(onEvent: (event: { type: string }) => void): Promise<string> {
  const handler = createWebhookHandler({ appSecret: APP_SECRET, verifyToken: 'v', onEvent });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const response = await handler(
        new Request(`http://127.0.0.1${req.url}`, {
          method: req.method,
          headers: req.headers as Record<string, string>,
          body: Buffer.concat(chunks),
        }),
      );
      res.statusCode = response.status;
      res.end(await response.text());
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
}

describe('quality pauses through the simulator', () => {
  it('a template paused by Meta pauses the campaign until REINSTATED; THROUGHPUT_UPGRADE raises the limit', async () => {
    const paused: CampaignPauseInfo[] = [];
    const resumed: CampaignPauseInfo[] = [];
    const webhookUrl = await webhookEndpoint((event) => queue?.observe(event));
    simulator = await startSimulator({ appSecret: APP_SECRET, webhookUrl, behaviour: QUIET });
    const client = new WhatsAppClient({
      accessToken: 'test-token',
      phoneNumberId: simulator.phoneNumberId,
      baseUrl: simulator.url,
    });
    queue = new SendQueue({
      client,
      messagesPerSecond: 20,
      concurrency: 1,
      perRecipientIntervalMs: 0,
      displayPhoneNumber: '15550783881',
    });
    queue.on('campaign_paused', (info) => paused.push(info));
    queue.on('campaign_resumed', (info) => resumed.push(info));
    const total = 40;
    const campaign = queue.sendCampaign({
      campaignId: 'welcome',
      recipients: Array.from({ length: total }, (_, i) => TR(i)),
      build: (to) => ({
        to,
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      }),
      maxPending: 4,
    });
    const failures: unknown[] = [];
    campaign.on('outcome', (o) => {
      if (o.status === 'failed') failures.push(o.error);
    });
    const sim = simulator;
    await new Promise<void>((resolve) => campaign.on('progress', (p) => p.sent >= 5 && resolve()));
    expect(sim.setTemplateStatus('hello_world', 'en_US', 'PAUSED')).toBe(true);
    await new Promise<void>((resolve) => campaign.once('paused', () => resolve()));
    expect(paused).toEqual([
      expect.objectContaining({
        campaignId: 'welcome',
        reason: 'template_paused',
        templateName: 'hello_world',
      }),
    ]);
    // While paused nothing more is sent, once the request in flight finished (a send that raced the
    // webhook failed with 132015).
    await new Promise((resolve) => setTimeout(resolve, 200));
    const atPause = campaign.progress();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const later = campaign.progress();
    expect(later.sent + later.failed).toBe(atPause.sent + atPause.failed);
    expect(later).toMatchObject({ paused: true, done: false });

    sim.setTemplateStatus('hello_world', 'en_US', 'REINSTATED');
    sim.postNumberQuality('THROUGHPUT_UPGRADE');
    const final = await campaign.done;
    expect(resumed).toEqual([expect.objectContaining({ campaignId: 'welcome', resumedBy: 'automatic' })]);
    expect(final.sent + final.failed).toBe(total);
    expect(final.sent).toBeGreaterThanOrEqual(total - 4);
    expect(queue.messagesPerSecond).toBe(1000);
    // Failures, if any, are the sends that reached Meta between its pause and its webhook.
    expect(failures).toHaveLength(final.failed);
    for (const error of failures) expect((error as GraphApiError).code).toBe(132015);
    expect(sim.stats().webhooksPosted).toBeGreaterThan(0);
  });

  it('a throughput upgrade: 131057 while it runs costs no attempts, then the limit is 1,000 mps', async () => {
    const webhookUrl = await webhookEndpoint((event) => queue?.observe(event));
    simulator = await startSimulator({ appSecret: APP_SECRET, webhookUrl, behaviour: QUIET });
    const client = new WhatsAppClient({
      accessToken: 'test-token',
      phoneNumberId: simulator.phoneNumberId,
      baseUrl: simulator.url,
    });
    queue = new SendQueue({
      client,
      messagesPerSecond: 80,
      maxAttempts: 2,
      perRecipientIntervalMs: 0,
      retry: { longDelayMs: 20 },
    });
    const changed = new Promise<number>((resolve) =>
      queue?.once('throughput_changed', (change) => resolve(change.messagesPerSecond)),
    );
    // The upgrade takes up to a minute; meanwhile Meta answers 131057: three times in a row for the
    // first recipient (more than maxAttempts), then for the next requests.
    simulator.injectFault({ code: 131057, times: 3, edge: 'messages', to: TR(0) });
    simulator.injectFault({ code: 131057, times: 3, edge: 'messages' });
    const campaign = queue.sendCampaign({
      campaignId: 'upgrade',
      recipients: Array.from({ length: 10 }, (_, i) => TR(i)),
      build: (to) => ({
        to,
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      }),
    });
    const outcomes: number[] = [];
    campaign.on('outcome', (o) => o.recipientId === TR(0).slice(1) && outcomes.push(o.attempts));
    const final = await campaign.done;
    expect(final).toMatchObject({ sent: 10, failed: 0 });
    expect(outcomes[0]).toBeGreaterThanOrEqual(4);
    simulator.postNumberQuality('THROUGHPUT_UPGRADE');
    expect(await changed).toBe(1000);
    expect(queue.messagesPerSecond).toBe(1000);
  });

  it('simulator.startThroughputUpgrade: the queue waits out 131057 without spending attempts, then goes to 1,000 mps', async () => {
    const webhookUrl = await webhookEndpoint((event) => queue?.observe(event));
    simulator = await startSimulator({ appSecret: APP_SECRET, webhookUrl, behaviour: QUIET });
    const client = new WhatsAppClient({
      accessToken: 'test-token',
      phoneNumberId: simulator.phoneNumberId,
      baseUrl: simulator.url,
    });
    queue = new SendQueue({
      client,
      messagesPerSecond: 80,
      maxAttempts: 1, // a 131057 that spent an attempt would fail the send
      perRecipientIntervalMs: 0,
      retry: { longDelayMs: 20 },
    });
    const changed = new Promise<number>((resolve) =>
      queue?.once('throughput_changed', (change) => resolve(change.messagesPerSecond)),
    );
    simulator.startThroughputUpgrade(150);
    const campaign = queue.sendCampaign({
      campaignId: 'upgrade-by-itself',
      recipients: Array.from({ length: 10 }, (_, i) => TR(i)),
      build: (to) => ({
        to,
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      }),
    });
    const final = await campaign.done;
    expect(final).toMatchObject({ sent: 10, failed: 0 });
    expect(simulator.stats().rejected[131057]).toBeGreaterThan(0);
    expect(await changed).toBe(1000);
    expect(queue.messagesPerSecond).toBe(1000);
  });
});
