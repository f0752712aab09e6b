import { afterEach, describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../src/client/index.js';
import { ConfigError } from '../../src/errors/index.js';
import { MemoryEventStore } from '../../src/events/index.js';
import { template } from '../../src/messages/builders/template-builders.js';
import { type SendOutcome, SendQueue } from '../../src/queue/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';

/**
 * A campaign's category decides which governance applies: the US marketing pause, consent, caps and
 * quiet hours are for marketing only. A utility campaign (order updates) must not be governed as one.
 */
let simulator: Simulator | undefined;
let queue: SendQueue | undefined;
afterEach(async () => {
  await queue?.close();
  await simulator?.close();
  queue = undefined;
  simulator = undefined;
});

const US = '+12015550123';
const TURKEY = '+905325550777';

async function queueOnSimulator(options: { requireConsent?: boolean } = {}): Promise<SendQueue> {
  simulator = await startSimulator({ seed: 11 });
  queue = new SendQueue({
    client: new WhatsAppClient({
      accessToken: 'test-token',
      phoneNumberId: simulator.phoneNumberId,
      businessAccountId: simulator.businessAccountId,
      baseUrl: simulator.url,
    }),
    messagesPerSecond: 50,
    ...(options.requireConsent ? { requireConsent: true, store: new MemoryEventStore() } : {}),
  });
  return queue;
}

async function outcomesOf(
  sendQueue: SendQueue,
  spec: { templateName: string; category?: 'utility' | 'marketing'; preflight?: boolean },
): Promise<SendOutcome[]> {
  const outcomes: SendOutcome[] = [];
  const campaign = sendQueue.sendCampaign({
    campaignId: `c-${spec.templateName}-${spec.category ?? 'none'}-${spec.preflight ?? false}`,
    recipients: [US, TURKEY],
    build: (to) => template(to, spec.templateName, 'en_US'),
    ...(spec.category ? { category: spec.category } : {}),
    ...(spec.preflight ? { preflight: true } : {}),
  });
  campaign.on('outcome', (outcome) => outcomes.push(outcome));
  await campaign.done;
  return outcomes.sort((a, b) => a.recipientId.localeCompare(b.recipientId));
}

describe('sendCampaign category', () => {
  it('a template with no category given is governed as marketing: the US number is skipped (region)', async () => {
    const outcomes = await outcomesOf(await queueOnSimulator(), { templateName: 'hello_world' });
    expect(outcomes.map((o) => [o.recipientId, o.status, o.reason])).toEqual([
      ['12015550123', 'skipped', 'region'],
      ['905325550777', 'sent', undefined],
    ]);
  });

  it("category: 'utility' sends to the US number and needs no consent", async () => {
    const outcomes = await outcomesOf(await queueOnSimulator({ requireConsent: true }), {
      templateName: 'hello_world',
      category: 'utility',
    });
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent']);
  });

  it('the same campaign as marketing under requireConsent sends to no one without an opt-in', async () => {
    const outcomes = await outcomesOf(await queueOnSimulator({ requireConsent: true }), {
      templateName: 'hello_world',
      category: 'marketing',
    });
    expect(outcomes.map((o) => o.reason)).toEqual(['region', 'no_consent']);
  });

  it('preflight reads each template category from Meta: a utility template is sent to the US', async () => {
    const outcomes = await outcomesOf(await queueOnSimulator(), {
      templateName: 'hello_world',
      preflight: true,
    });
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent']);
  });

  it('preflight of a MARKETING template keeps the marketing rules', async () => {
    const outcomes = await outcomesOf(await queueOnSimulator(), { templateName: 'welcome', preflight: true });
    expect(outcomes.map((o) => [o.status, o.reason])).toEqual([
      ['skipped', 'region'],
      ['sent', undefined],
    ]);
  });

  it('the category given wins over the one pre-flight reads', async () => {
    const outcomes = await outcomesOf(await queueOnSimulator(), {
      templateName: 'hello_world',
      preflight: true,
      category: 'marketing',
    });
    expect(outcomes.map((o) => o.status)).toEqual(['skipped', 'sent']);
  });

  it('an unknown category is refused with a ConfigError naming the option, before anything is sent', async () => {
    const sendQueue = await queueOnSimulator();
    expect(() =>
      sendQueue.sendCampaign({
        campaignId: 'bad',
        recipients: [TURKEY],
        build: (to) => template(to, 'hello_world', 'en_US'),
        category: 'transactional' as 'utility',
      }),
    ).toThrow(ConfigError);
    expect(() =>
      sendQueue.sendCampaign({
        campaignId: 'bad',
        recipients: [TURKEY],
        build: (to) => template(to, 'hello_world', 'en_US'),
        category: 'Utility' as 'utility',
      }),
    ).toThrow(/option "category" must be one of marketing, utility, authentication, service/);
    expect(simulator?.messages ?? [undefined]).toHaveLength(0);
  });
});
