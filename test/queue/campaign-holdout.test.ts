import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { msg } from '../../src/messages/index.js';
import { isHeldOut } from '../../src/queue/holdout.js';
import { SendQueue } from '../../src/queue/index.js';
import { StoreSuppressionList } from '../../src/tracking/store-suppression-list.js';
import { scriptedClient } from './helpers/scripted-client.js';

const recipients = Array.from({ length: 1000 }, (_, i) => `+90532${String(1_000_000 + i)}`);

async function run(store: MemoryEventStore, holdout: number, list = recipients) {
  const { client, calls } = scriptedClient();
  const queue = new SendQueue({ client, store, perRecipientIntervalMs: 0, messagesPerSecond: 1000 });
  const heldOut: string[] = [];
  const handle = queue.sendCampaign({
    campaignId: 'spring',
    recipients: list,
    build: (to) => msg.template(to, 'sale', 'en'),
    holdout,
  });
  handle.on('heldOut', (id) => heldOut.push(id));
  const progress = await handle.done;
  await queue.close();
  return { progress, heldOut, calls };
}

async function heldOutEvents(store: MemoryEventStore): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const event of store.scan({ campaignId: 'spring', kinds: ['held_out'] })) out.push(event);
  return out;
}

describe('sendCampaign holdout', () => {
  it('holds out a stable share: not sent, recorded as held_out, every recipient in exactly one state', async () => {
    const store = new MemoryEventStore();
    const { progress, heldOut, calls } = await run(store, 0.1);
    expect(progress.heldOut).toBe(heldOut.length);
    expect(progress.heldOut).toBeGreaterThan(60);
    expect(progress.heldOut).toBeLessThan(140);
    expect(progress.sent + progress.heldOut + progress.skipped).toBe(recipients.length);
    expect(progress.failed + progress.unknown).toBe(0);
    expect(progress.remaining).toBe(0);
    const sentTo = new Set(calls.map((call) => call.to));
    expect(heldOut.some((id) => sentTo.has(`+${id}`) || sentTo.has(id))).toBe(false);
    const events = await heldOutEvents(store);
    expect(events.map((e) => e.recipientId).sort()).toEqual([...heldOut].sort());
    expect(events.every((e) => e.kind === 'held_out' && e.campaignId === 'spring')).toBe(true);

    // A restart (another queue, another store) holds out exactly the same people.
    const again = await run(new MemoryEventStore(), 0.1);
    expect([...again.heldOut].sort()).toEqual([...heldOut].sort());
    expect(heldOut.every((id) => isHeldOut('spring', id, 0.1))).toBe(true);
  });

  it('skips a held-out recipient who would not be sent to (suppressed), so the control group is comparable', async () => {
    const store = new MemoryEventStore();
    const target = recipients.find((to) => isHeldOut('spring', to.slice(1), 0.5))!;
    await store.append([{ kind: 'opt_out', recipientId: target, at: new Date(0), source: 'keyword' }]);
    const { client } = scriptedClient();
    const queue = new SendQueue({
      client,
      store,
      suppression: new StoreSuppressionList({ store }),
      perRecipientIntervalMs: 0,
    });
    const outcomes: string[] = [];
    const handle = queue.sendCampaign({
      campaignId: 'spring',
      recipients: [target],
      build: (to) => msg.template(to, 'sale', 'en'),
      holdout: 0.5,
    });
    handle.on('outcome', (o) => outcomes.push(`${o.status}:${o.reason}`));
    const progress = await handle.done;
    await queue.close();
    expect(outcomes).toEqual(['skipped:suppressed']);
    expect(progress.heldOut).toBe(0);
    expect(await heldOutEvents(store)).toEqual([]);
  });

  it('skips a held-out recipient without consent under requireConsent (no_consent), like a sent one', async () => {
    const store = new MemoryEventStore();
    const [consented, silent] = recipients.filter((to) => isHeldOut('spring', to.slice(1), 0.5));
    await store.append([{ kind: 'opt_in', recipientId: consented!, at: new Date(0), category: 'marketing' }]);
    const { client } = scriptedClient();
    const queue = new SendQueue({ client, store, requireConsent: true, perRecipientIntervalMs: 0 });
    const outcomes: string[] = [];
    const handle = queue.sendCampaign({
      campaignId: 'spring',
      recipients: [consented!, silent!],
      build: (to) => msg.template(to, 'sale', 'en'),
      holdout: 0.5,
    });
    handle.on('outcome', (o) => outcomes.push(`${o.status}:${o.reason}`));
    const progress = await handle.done;
    await queue.close();
    expect(outcomes).toEqual(['skipped:no_consent']);
    expect(progress.heldOut).toBe(1);
    expect((await heldOutEvents(store)).map((e) => e.recipientId)).toEqual([consented!.slice(1)]);
  });

  it('rejects a holdout share outside [0, 1) with ConfigError', () => {
    const { client } = scriptedClient();
    const queue = new SendQueue({ client });
    for (const holdout of [1, -0.1, Number.NaN]) {
      expect(() =>
        queue.sendCampaign({
          campaignId: 'c',
          recipients: [],
          build: (to: string) => msg.text(to, 'x'),
          holdout,
        }),
      ).toThrow(ConfigError);
    }
  });
});
