import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/index.js';
import { MemoryEventStore } from '../../../src/events/stores/memory.js';
import { msg } from '../../../src/messages/index.js';
import {
  type PreSendRule,
  type PreSendRuleInput,
  RULE_ERROR,
  type SendOutcome,
  SendQueue,
  type SendQueueOptions,
} from '../../../src/queue/index.js';
import { scriptedClient } from '../helpers/scripted-client.js';

const TR = (n: number) => `+90532${String(1_000_000 + n)}`;
const US = '+16505551234';

const queues: SendQueue[] = [];
afterEach(async () => {
  for (const queue of queues.splice(0)) await queue.close();
});

function queueWith(options: Partial<SendQueueOptions> & Pick<SendQueueOptions, 'client'>): SendQueue {
  const queue = new SendQueue({ perRecipientIntervalMs: 0, ...options });
  queues.push(queue);
  return queue;
}

describe('SendQueue rules', () => {
  it('rejects a rules option that is not an array of functions, naming it', () => {
    const { client } = scriptedClient();
    const optionOf = (rules: unknown) => {
      try {
        new SendQueue({ client, rules: rules as PreSendRule[] });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).option;
      }
      return 'accepted';
    };
    expect(optionOf('no_us')).toBe('rules');
    expect(optionOf([() => undefined, 'no_us'])).toBe('rules.1');
    expect(optionOf([])).toBe('accepted');
  });

  it('skips with reason rule and the rule’s answer in detail; the first rule to answer decides', async () => {
    const { client, calls } = scriptedClient();
    const seen: PreSendRuleInput[] = [];
    const blocked = new Set(['905321000002']);
    const queue = queueWith({
      client,
      rules: [
        (send) => {
          seen.push(send);
          return undefined;
        },
        async ({ recipientId }) => (blocked.has(recipientId) ? 'do_not_contact' : null),
        ({ category }) => (category === 'marketing' ? 'no_marketing_today' : undefined),
      ],
    });
    const receipt = msg.template(TR(1), 'receipt', 'en');
    expect(await queue.enqueue(receipt, { category: 'utility', campaignId: 'c1' })).toMatchObject({
      status: 'sent',
    });
    expect(await queue.enqueue(msg.text(TR(2), 'hi'))).toEqual({
      status: 'skipped',
      reason: 'rule',
      detail: 'do_not_contact',
      attempts: 0,
      recipientId: '905321000002',
    });
    expect(await queue.enqueue(msg.template(TR(3), 'promo', 'en'))).toMatchObject({
      status: 'skipped',
      reason: 'rule',
      detail: 'no_marketing_today',
    });
    expect(calls.map((call) => call.to)).toEqual([TR(1)]);
    expect(seen[0]).toEqual({
      recipientId: '905321000001',
      message: receipt,
      category: 'utility',
      options: { category: 'utility', campaignId: 'c1' },
    });
    expect(queue.stats().skipped).toBe(2);
  });

  it('runs after the built-in US rule: a US marketing send ends region without asking the rules', async () => {
    const { client } = scriptedClient();
    const asked: string[] = [];
    const queue = queueWith({
      client,
      rules: [
        ({ recipientId }) => {
          asked.push(recipientId);
          return 'nope';
        },
      ],
    });
    expect(await queue.enqueue(msg.template(US, 'promo', 'en'))).toMatchObject({ reason: 'region' });
    expect(asked).toEqual([]);
    const off = queueWith({ client, skipUsMarketing: false, rules: [() => 'us_off_by_rule'] });
    expect(await off.enqueue(msg.template(US, 'promo', 'en'))).toMatchObject({
      reason: 'rule',
      detail: 'us_off_by_rule',
    });
  });

  it('a rule that throws or answers nonsense skips the send (rule_error) and reports the error', async () => {
    const { client, calls } = scriptedClient();
    const errors: unknown[] = [];
    const queue = queueWith({
      client,
      onError: (error) => errors.push(error),
      rules: [
        ({ recipientId }) => {
          if (recipientId === '905321000001') throw new Error('crm down');
          return undefined;
        },
        ({ recipientId }) => (recipientId === '905321000002' ? (42 as unknown as string) : undefined),
      ],
    });
    const outcomes: SendOutcome[] = [];
    for (const n of [1, 2, 3]) outcomes.push(await queue.enqueue(msg.text(TR(n), 'hi')));
    expect(outcomes.map((o) => [o.status, o.detail])).toEqual([
      ['skipped', RULE_ERROR],
      ['skipped', RULE_ERROR],
      ['sent', undefined],
    ]);
    expect(calls.map((call) => call.to)).toEqual([TR(3)]);
    expect(errors).toHaveLength(2);
    expect((errors[0] as Error).message).toBe('crm down');
    expect(errors[1]).toBeInstanceOf(TypeError);
  });

  it('a held-out recipient a rule would skip is skipped, not counted in the control group', async () => {
    const { client, calls } = scriptedClient();
    const store = new MemoryEventStore();
    const recipients = Array.from({ length: 40 }, (_, i) => TR(i));
    const queue = queueWith({ client, store, messagesPerSecond: 1000, rules: [() => 'closed_account'] });
    const skipped: SendOutcome[] = [];
    queue.on('skipped', ({ outcome }) => skipped.push(outcome));
    const progress = await queue.sendCampaign({
      campaignId: 'spring',
      recipients,
      build: (to) => msg.template(to, 'sale', 'en'),
      holdout: 0.5,
    }).done;
    expect(progress.heldOut).toBe(0);
    expect(progress.skipped).toBe(recipients.length);
    expect(skipped.every((o) => o.reason === 'rule' && o.detail === 'closed_account')).toBe(true);
    expect(calls).toEqual([]);
    await queue.close();
    const heldOut: unknown[] = [];
    for await (const event of store.scan({ kinds: ['held_out'] })) heldOut.push(event);
    expect(heldOut).toEqual([]);
  });
});
