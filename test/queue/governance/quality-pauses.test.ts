import { afterEach, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../../src/events/stores/memory.js';
import { msg } from '../../../src/messages/index.js';
import type { CampaignPauseInfo } from '../../../src/queue/governance/campaign-pauses.js';
import { signalOf } from '../../../src/queue/governance/webhook-signals.js';
import {
  MemoryQueueAdapter,
  type OutgoingMessageLike,
  type QueueClient,
  SendQueue,
  type SendQueueOptions,
  type SendResultLike,
} from '../../../src/queue/index.js';
import { parseWebhook } from '../../../src/webhooks/index.js';
import { scriptedClient } from '../helpers/scripted-client.js';

const TR = (n: number) => `+90532${String(1_000_000 + n)}`;

const queues: SendQueue[] = [];
afterEach(async () => {
  for (const queue of queues.splice(0)) await queue.close();
});

function queueWith(options: Partial<SendQueueOptions> & Pick<SendQueueOptions, 'client'>): SendQueue {
  const queue = new SendQueue({ perRecipientIntervalMs: 0, ...options });
  queues.push(queue);
  return queue;
}

/** A webhook body with one change, parsed as a WebhookProcessor would. */
function webhook(field: string, value: Record<string, unknown>) {
  const [event] = parseWebhook({
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA1', time: 1_767_225_600, changes: [{ field, value }] }],
  });
  if (!event) throw new Error('no event');
  return event;
}

const templateStatus = (event: string, name = 'spring_sale', language = 'en') =>
  webhook('message_template_status_update', {
    event,
    message_template_id: 1234,
    message_template_name: name,
    message_template_language: language,
    reason: 'NONE',
  });

const numberQuality = (event: string, display = '+90 532 000 00 00') =>
  webhook('phone_number_quality_update', {
    display_phone_number: display,
    event,
    max_daily_conversations_per_business: 'TIER_10K',
  });

/** A client whose sends wait until `release()` is called: sends stay queued or in flight meanwhile. */
function gatedClient() {
  const sent: string[] = [];
  let open = false;
  let waiters: Array<() => void> = [];
  const client: QueueClient = {
    phoneNumberId: 'PN1',
    messages: {
      async send(message: OutgoingMessageLike): Promise<SendResultLike> {
        while (!open) await new Promise<void>((resolve) => waiters.push(resolve));
        sent.push(String(message.to));
        return { messageId: `wamid.${sent.length}`, input: String(message.to) };
      },
    },
  };
  const release = () => {
    open = true;
    for (const resolve of waiters) resolve();
    waiters = [];
  };
  return { client, sent, release };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe('webhook signals', () => {
  it('reads template pauses, reinstatements, flags and throughput upgrades from parsed webhooks', () => {
    expect(signalOf(templateStatus('PAUSED'))).toMatchObject({
      kind: 'template_paused',
      reason: 'template_paused',
      templateName: 'spring_sale',
      language: 'en',
    });
    expect(signalOf(templateStatus('DISABLED'))).toMatchObject({ reason: 'template_disabled' });
    expect(signalOf(templateStatus('REINSTATED'))).toMatchObject({ kind: 'template_reinstated' });
    expect(signalOf(templateStatus('REJECTED'))).toBeUndefined();
    expect(signalOf(numberQuality('FLAGGED'))).toMatchObject({
      kind: 'number_flagged',
      displayPhoneNumber: '+90 532 000 00 00',
    });
    expect(signalOf(numberQuality('UNFLAGGED'))).toMatchObject({ kind: 'number_unflagged' });
    expect(signalOf(numberQuality('THROUGHPUT_UPGRADE'))).toMatchObject({
      kind: 'throughput_upgrade',
      messagesPerSecond: 1000,
    });
    expect(signalOf(numberQuality('ONBOARDING'))).toBeUndefined();
    expect(signalOf({ type: 'status' })).toBeUndefined();
  });
});

describe('quality pauses', () => {
  it('a paused template pauses the campaign using it: queued sends wait, none is lost, resume() continues', async () => {
    const { client, sent, release } = gatedClient();
    const queue = queueWith({ client, concurrency: 1 });
    const paused: CampaignPauseInfo[] = [];
    const resumed: CampaignPauseInfo[] = [];
    queue.on('campaign_paused', (info) => paused.push(info));
    queue.on('campaign_resumed', (info) => resumed.push(info));
    const recipients = Array.from({ length: 20 }, (_, i) => TR(i));
    const campaign = queue.sendCampaign({
      campaignId: 'spring',
      recipients,
      build: (to) => msg.template(to, 'spring_sale', 'en'),
      maxPending: 5,
    });
    const other = queue.sendCampaign({
      campaignId: 'receipts',
      recipients: [TR(100)],
      build: (to) => msg.template(to, 'order_update', 'en'),
    });
    const handleEvents: string[] = [];
    campaign.on('paused', (info) => handleEvents.push(`paused:${info.reason}`));
    campaign.on('resumed', (info) => handleEvents.push(`resumed:${info.resumedBy}`));
    await until(() => campaign.progress().read === 5);

    const signal = templateStatus('PAUSED');
    expect(queue.observe(signal)).toBe(true);
    expect(paused).toEqual([
      expect.objectContaining({
        campaignId: 'spring',
        reason: 'template_paused',
        templateName: 'spring_sale',
      }),
    ]);
    expect(paused[0]?.webhook).toBe(signal);
    expect(campaign.progress().paused).toBe(true);
    release();
    // The request in flight finishes; the other campaign is not paused.
    expect((await other.done).sent).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const whilePaused = campaign.progress();
    expect(whilePaused.sent).toBeLessThanOrEqual(1);
    expect(whilePaused.read).toBe(5);
    expect(sent.filter((to) => to !== TR(100)).length).toBeLessThanOrEqual(1);

    expect(campaign.resume()).toBe(true);
    const final = await campaign.done;
    expect(final).toMatchObject({ sent: 20, failed: 0, skipped: 0, paused: false, done: true });
    expect(new Set(sent).size).toBe(21);
    expect(handleEvents).toEqual(['paused:template_paused', 'resumed:manual']);
    expect(resumed).toEqual([expect.objectContaining({ campaignId: 'spring', resumedBy: 'manual' })]);
  });

  it('a template pause lifted by REINSTATED resumes on its own; another language of the template is another template', async () => {
    const { client, release } = gatedClient();
    const queue = queueWith({ client, concurrency: 1 });
    const events: string[] = [];
    queue.on('campaign_paused', (info) => events.push(`paused:${info.campaignId}`));
    queue.on('campaign_resumed', (info) => events.push(`resumed:${info.campaignId}:${info.resumedBy}`));
    const campaign = queue.sendCampaign({
      campaignId: 'a',
      recipients: Array.from({ length: 6 }, (_, i) => TR(i)),
      build: (to) => msg.template(to, 'spring_sale', 'en'),
      maxPending: 2,
    });
    await until(() => campaign.progress().read === 2);
    queue.observe(templateStatus('PAUSED'));
    // Another language of the template is another template: no effect.
    queue.observe(templateStatus('REINSTATED', 'spring_sale', 'tr'));
    expect(queue.isCampaignPaused('a')).toBe(true);
    queue.observe(templateStatus('REINSTATED'));
    expect(queue.isCampaignPaused('a')).toBe(false);
    release();
    expect(await campaign.done).toMatchObject({ sent: 6, done: true });
    expect(events).toEqual(['paused:a', 'resumed:a:automatic']);
  });

  it('a flagged number pauses every running campaign of the queue, an unflagged one resumes them; other numbers are ignored', async () => {
    const { client, release } = gatedClient();
    const queue = queueWith({ client, concurrency: 1, displayPhoneNumber: '+90 532 000 00 00' });
    const reasons: string[] = [];
    queue.on('campaign_paused', (info) => reasons.push(`${info.campaignId}:${info.reason}`));
    const a = queue.sendCampaign({
      campaignId: 'a',
      recipients: [TR(1), TR(2), TR(3)],
      build: (to) => msg.template(to, 'x', 'en'),
    });
    const b = queue.sendCampaign({
      campaignId: 'b',
      recipients: [TR(4), TR(5)],
      build: (to) => msg.template(to, 'y', 'en'),
    });
    await until(() => a.progress().read === 3 && b.progress().read === 2);
    expect(queue.observe(numberQuality('FLAGGED', '+1 555 000 0000'))).toBe(false);
    expect(reasons).toEqual([]);
    expect(queue.observe(numberQuality('FLAGGED', '905320000000'))).toBe(true);
    expect(reasons.sort()).toEqual(['a:quality_flagged', 'b:quality_flagged']);
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(a.progress().sent + b.progress().sent).toBeLessThanOrEqual(1);
    queue.observe(numberQuality('UNFLAGGED', '+90 532 000 00 00'));
    expect(await a.done).toMatchObject({ sent: 3 });
    expect(await b.done).toMatchObject({ sent: 2 });
  });

  it('a paused campaign parks its sends until close, which ends them skipped (closed)', async () => {
    const { client } = scriptedClient();
    const queue = new SendQueue({ client, perRecipientIntervalMs: 0 });
    const campaign = queue.sendCampaign({
      campaignId: 'c',
      recipients: [TR(1), TR(2)],
      build: (to) => msg.template(to, 'spring_sale', 'en'),
    });
    campaign.pause();
    expect(campaign.progress().paused).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await queue.close();
    const final = await campaign.done;
    expect(final.sent + final.skipped).toBe(final.read);
    expect(final.sent).toBe(0);
  });

  it('sends without a campaign are never held', async () => {
    const { client, calls } = scriptedClient();
    const queue = queueWith({ client });
    queue.observe(templateStatus('PAUSED'));
    queue.observe(numberQuality('FLAGGED'));
    expect((await queue.enqueue(msg.template(TR(1), 'spring_sale', 'en'))).status).toBe('sent');
    expect(calls).toHaveLength(1);
  });
});

describe('THROUGHPUT_UPGRADE', () => {
  it('raises the number’s limit to 1,000 mps live', async () => {
    const { client } = scriptedClient();
    // A clock that stands still: only the limit bounds how many sends go (no pacing wait: a wide burst tolerance).
    const queue = queueWith({
      client,
      messagesPerSecond: 10,
      now: () => 1_767_225_600_000,
      adapter: new MemoryQueueAdapter({ burstToleranceMs: 3_600_000 }),
    });
    const changes: number[] = [];
    queue.on('throughput_changed', (change) => changes.push(change.messagesPerSecond));
    const outcomes = Array.from({ length: 50 }, (_, i) => queue.enqueue(msg.text(TR(i), 'hi')));
    await until(() => queue.stats().sent === 10);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(queue.stats().sent).toBe(10);
    expect(queue.observe(numberQuality('THROUGHPUT_UPGRADE'))).toBe(true);
    expect(queue.messagesPerSecond).toBe(1000);
    expect(changes).toEqual([1000]);
    await Promise.all(outcomes);
    expect(queue.stats().sent).toBe(50);
  });
});

describe('held_for_quality_assessment', () => {
  it('is on the sent outcome, counted in stats and campaign progress, and kept on the outbound event', async () => {
    let n = 0;
    const client: QueueClient = {
      phoneNumberId: 'PN1',
      messages: {
        async send(message: OutgoingMessageLike): Promise<SendResultLike> {
          n++;
          return {
            messageId: `wamid.${n}`,
            input: String(message.to),
            messageStatus: n % 2 === 0 ? 'held_for_quality_assessment' : 'accepted',
          };
        },
      },
    };
    const store = new MemoryEventStore();
    const queue = queueWith({ client, store });
    const sentStatuses: Array<string | undefined> = [];
    queue.on('sent', (event) => sentStatuses.push(event.outcome.messageStatus));
    const campaign = queue.sendCampaign({
      campaignId: 'paced',
      recipients: Array.from({ length: 4 }, (_, i) => TR(i)),
      build: (to) => msg.template(to, 'new_template', 'en'),
    });
    expect(await campaign.done).toMatchObject({ sent: 4, heldForQualityAssessment: 2 });
    expect(sentStatuses.filter((s) => s === 'held_for_quality_assessment')).toHaveLength(2);
    expect(queue.stats().heldForQualityAssessment).toBe(2);
    const held: unknown[] = [];
    for await (const event of store.scan({})) {
      if (event.kind === 'outbound') held.push(event.metadata?.messageStatus);
    }
    expect(held.filter((s) => s === 'held_for_quality_assessment')).toHaveLength(2);
    expect(held.filter((s) => s === undefined)).toHaveLength(2);
  });
});
