import { afterEach, describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../src/client/index.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import {
  template,
  templateComponents,
  templateParams,
} from '../../src/messages/builders/template-builders.js';
import { type QueueClient, SendQueue } from '../../src/queue/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { QUIET } from '../simulator/helpers.js';

let simulator: Simulator | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

/** The real client against the simulator, counting which API each request went to. */
async function countingClient() {
  simulator = await startSimulator({ seed: 16, behaviour: { ...QUIET, speed: 50 } });
  const client = new WhatsAppClient({
    accessToken: 'test-token',
    phoneNumberId: simulator.phoneNumberId,
    businessAccountId: simulator.businessAccountId,
    baseUrl: simulator.url,
  });
  const calls = { cloud: [] as string[], marketing: [] as string[] };
  const counting: QueueClient = {
    phoneNumberId: client.phoneNumberId,
    messages: {
      send: (message, options) => {
        calls.cloud.push(message.template?.name ?? '');
        return client.messages.send(message as never, options);
      },
      sendMarketing: (message, options) => {
        calls.marketing.push(message.template?.name ?? '');
        return client.messages.sendMarketing(message as never, options);
      },
    },
  };
  return { counting, calls };
}

/** The simulator's marketing template `spring_sale` ({{2}} is the promo code), or the utility `hello_world`. */
function build(to: string, { code, index }: { code?: string; index: number }) {
  if (index === 2) return template(to, 'hello_world', 'en_US');
  return template(to, 'spring_sale', 'en_US', [
    templateComponents.header(templateParams.image({ link: 'https://example.com/a.jpg' })),
    templateComponents.body(templateParams.text('Mark'), templateParams.text(code!)),
    templateComponents.urlButton(1, 'spring?c=1'),
  ]);
}

const RECIPIENTS = ['+90532550001', '+90532550002', '+90532550003'];

describe('campaigns through the Marketing Messages API (simulator)', () => {
  it('sends marketing templates through it, and falls back to the Cloud API for one it refuses', async () => {
    const { counting, calls } = await countingClient();
    const store = new MemoryEventStore();
    const queue = new SendQueue({
      client: counting,
      store,
      messagesPerSecond: 100,
      perRecipientIntervalMs: 0,
    });
    const result = await queue.sendCampaign({
      campaignId: 'mm',
      recipients: RECIPIENTS,
      via: 'marketing_messages',
      fallback: 'cloud_api',
      issueCodes: { prefix: 'SPR-' },
      build,
    }).done;
    await queue.close();
    expect(result).toMatchObject({ sent: 3, failed: 0 });
    // hello_world is a utility template: 134100 from the Marketing Messages API, then the Cloud API.
    expect(calls.marketing.sort()).toEqual(['hello_world', 'spring_sale', 'spring_sale']);
    expect(calls.cloud).toEqual(['hello_world']);
    const outbound: StoredEvent[] = [];
    for await (const e of store.scan({ kinds: ['outbound'] })) outbound.push(e);
    expect(outbound).toHaveLength(3);
    for (const e of outbound) {
      expect(e.kind === 'outbound' && e.metadata?.discountCode).toMatch(/^SPR-[2-9A-Z]{8}$/);
    }
  });

  it('without fallback, a message the API refuses fails with its code', async () => {
    const { counting, calls } = await countingClient();
    const queue = new SendQueue({ client: counting, messagesPerSecond: 100, perRecipientIntervalMs: 0 });
    const handle = queue.sendCampaign({
      campaignId: 'mm',
      recipients: RECIPIENTS,
      via: 'marketing_messages',
      issueCodes: true,
      build,
    });
    const codes: Array<number | undefined> = [];
    handle.on('outcome', (o) => {
      if (o.status === 'failed') codes.push((o.error as { code?: number }).code);
    });
    const result = await handle.done;
    await queue.close();
    expect(result).toMatchObject({ sent: 2, failed: 1 });
    expect(codes).toEqual([134100]);
    expect(calls.cloud).toEqual([]);
  });

  it('rejects a fallback without via, and an unknown route', async () => {
    const { counting } = await countingClient();
    const queue = new SendQueue({ client: counting });
    const message = template('+90532550001', 'hello_world', 'en_US');
    await expect(queue.enqueue(message, { fallback: 'cloud_api' })).rejects.toThrow(/fallback/);
    await expect(queue.enqueue(message, { via: 'sms' as never })).rejects.toThrow(/via/);
    await queue.close();
  });
});
