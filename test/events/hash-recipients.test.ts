import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { hashRecipientId, hashRecipients } from '../../src/events/hash-recipients.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { generateCampaign } from '../metrics/generate-campaign.js';

const KEY = 'a-very-secret-hash-key';

async function all(store: { scan: MemoryEventStore['scan'] }, filter = {}): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const event of store.scan(filter)) out.push(event);
  return out;
}

describe('hashRecipients', () => {
  it('erases and checks tombstones by plain number, and passes purge through', async () => {
    const inner = new MemoryEventStore();
    const hashed = hashRecipients(inner, { key: KEY });
    await hashed.append([
      {
        kind: 'outbound',
        messageId: 'wamid.1',
        recipientId: '+49 1512 0000001',
        at: new Date(1000),
        campaignId: 'c',
      },
      {
        kind: 'outbound',
        messageId: 'wamid.2',
        recipientId: '4915120000002',
        at: new Date(5000),
        campaignId: 'c',
      },
    ]);
    expect(await hashed.eraseRecipient!('4915120000001')).toMatchObject({ ids: 1, eventsRewritten: 1 });
    expect(await hashed.isErased!('+49 1512 0000001')).toBe(true);
    expect(await hashed.isErased!('4915120000002')).toBe(false);
    expect(await all(hashed, { recipientIds: ['4915120000001'] })).toEqual([]);
    expect(await hashed.purge!({ before: new Date(2000) })).toEqual({ deleted: 1, byKind: { outbound: 1 } });
    expect(await all(inner)).toHaveLength(1);
  });

  it('stores pseudonyms instead of numbers and leaves metrics unchanged', async () => {
    const events = generateCampaign({ messages: 600, seed: 21 });
    const plain = new MemoryEventStore();
    const inner = new MemoryEventStore();
    const hashed = hashRecipients(inner, { key: KEY });
    await plain.append(events);
    await hashed.append(events);
    const stored = await all(inner);
    const numbers = stored.map((e) => e.recipientId).filter((id) => id !== undefined);
    expect(numbers.length).toBeGreaterThan(0);
    for (const id of numbers) expect(id).toMatch(/^h\.[A-Za-z0-9_-]{43}$/);
    for (const groupBy of [undefined, 'variant'] as const) {
      const query = { campaignId: 'launch', rateCard: { marketing: 0.06 }, ...(groupBy ? { groupBy } : {}) };
      expect(await computeCampaignMetrics(hashed, query)).toEqual(await computeCampaignMetrics(plain, query));
    }
  });

  it('hashes formatted and bare numbers alike, and finds them by plain number', async () => {
    expect(hashRecipientId('+49 1512 0000001', KEY)).toBe(hashRecipientId('4915120000001', KEY));
    expect(hashRecipientId('4915120000001', KEY)).not.toBe(hashRecipientId('4915120000001', `${KEY}!`));
    const hashed = hashRecipients(new MemoryEventStore(), { key: KEY });
    const optOut: StoredEvent = { kind: 'opt_out', recipientId: '+49 1512 0000001', at: new Date(0) };
    expect(await hashed.appendNew!([optOut, optOut])).toEqual([optOut]);
    expect(await hashed.appendNew!([optOut])).toEqual([]);
    const found = await all(hashed, { recipientIds: ['4915120000001'] });
    expect(found).toHaveLength(1);
    expect(found[0]!.recipientId).toBe(hashRecipientId('4915120000001', KEY));
  });

  it('rejects short keys and unknown options', () => {
    expect(() => hashRecipients(new MemoryEventStore(), { key: 'short' })).toThrow(ConfigError);
    expect(() => hashRecipients(new MemoryEventStore(), { key: KEY, salt: 1 } as never)).toThrow(ConfigError);
  });
});
