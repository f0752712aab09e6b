import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/index.js';
import { eventKey } from '../../../src/events/event-key.js';
import type { StoredEvent } from '../../../src/events/stored-event.js';
import { MemoryEventStore } from '../../../src/events/stores/memory.js';
import { generateCampaign } from '../../metrics/generate-campaign.js';
import { describeEventStoreConformance } from './store-conformance.js';

describeEventStoreConformance('MemoryEventStore', async () => new MemoryEventStore());

describe('MemoryEventStore', () => {
  it('rejects unknown options and unknown filter keys', async () => {
    expect(() => new MemoryEventStore({ validat: false } as never)).toThrow(ConfigError);
    const store = new MemoryEventStore();
    await expect(async () => {
      for await (const _ of store.scan({ campaign: 'x' } as never)) void _;
    }).rejects.toThrow(ConfigError);
  });

  it('counts distinct events in size', async () => {
    const store = new MemoryEventStore();
    const at = new Date(0);
    await store.append([
      { kind: 'status', messageId: 'm', status: 'sent', at },
      { kind: 'status', messageId: 'm', status: 'sent', at },
    ]);
    expect(store.size).toBe(1);
  });

  it('keeps exactly one event per eventKey, unknown statuses included', async () => {
    const events: StoredEvent[] = generateCampaign({ messages: 500, seed: 4, repeatShare: 0.3 });
    const at = new Date(0);
    events.push(
      { kind: 'status', messageId: 'x', status: 'warning', at },
      { kind: 'status', messageId: 'x', status: 'warning', at: new Date(1) },
      { kind: 'status', messageId: 'x', status: 'deleted', at },
    );
    const store = new MemoryEventStore();
    const added = await store.appendNew(events);
    const distinct = new Set(events.map(eventKey));
    expect(store.size).toBe(distinct.size);
    expect(new Set(added.map(eventKey)).size).toBe(added.length);
  });
});
