import { EventEmitter } from 'eventemitter3';
import { describe, expect, it } from 'vitest';
import { createDashboardHandler } from '../../src/dashboard/dashboard-handler.js';
import type { EventStore } from '../../src/events/event-store.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import type { SendingCampaign, SendingCampaignCounts } from '../../src/metrics/send-progress.js';

const AT = new Date(Date.UTC(2026, 4, 1, 9));

function sends(count: number): StoredEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'outbound' as const,
    messageId: `wamid.${i}`,
    recipientId: `1555000${i}`,
    at: AT,
    campaignId: 'spring',
  }));
}

/** The memory store, counting the reads a fold makes: one `latestCursor` per fold started. */
function countingStore(store: MemoryEventStore) {
  const counts = { latestCursor: 0, readSince: 0, sendScans: 0 };
  const counting: EventStore = {
    append: (events) => store.append(events),
    scan: (filter) => {
      if (filter.kinds?.includes('outbound')) counts.sendScans++;
      return store.scan(filter);
    },
    readSince: (cursor, limit) => {
      counts.readSince++;
      return store.readSince(cursor, limit);
    },
    latestCursor: () => {
      counts.latestCursor++;
      return store.latestCursor();
    },
  };
  return { counting, counts };
}

/** Reads one server-sent event's data. */
async function nextData(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<Record<string, unknown>> {
  const { value } = await reader.read();
  const text = new TextDecoder().decode(value);
  expect(text).toMatch(/^event: metrics\ndata: /);
  return JSON.parse(text.slice(text.indexOf('data: ') + 6));
}

async function metricsUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  done: (metrics: { read: number }) => boolean,
): Promise<{ read: number }> {
  for (;;) {
    const metrics = (await nextData(reader)).metrics as { read: number };
    if (done(metrics)) return metrics;
  }
}

describe('the dashboard shares one fold per campaign', () => {
  it('two clients of one campaign read the store through one fold, which stops when both leave', async () => {
    const store = new MemoryEventStore();
    await store.append(sends(4));
    const { counting, counts } = countingStore(store);
    const handler = createDashboardHandler({ store: counting, intervalMs: 10 });
    const open = async () => {
      const stop = new AbortController();
      const response = await handler(
        new Request('http://x/?view=events&campaign=spring', { signal: stop.signal }),
      );
      return { stop, reader: response.body!.getReader() };
    };
    const a = await open();
    expect((await nextData(a.reader)).metrics).toMatchObject({ sent: 4, read: 0 });
    const b = await open();
    // The second client gets the last update at once, from the fold already running.
    expect((await nextData(b.reader)).metrics).toMatchObject({ sent: 4, read: 0 });
    await store.append([{ kind: 'status', messageId: 'wamid.1', status: 'read', at: AT }]);
    expect(await metricsUntil(a.reader, (m) => m.read === 1)).toMatchObject({ read: 1 });
    expect(await metricsUntil(b.reader, (m) => m.read === 1)).toMatchObject({ read: 1 });
    expect(counts.latestCursor).toBe(1);
    expect(counts.sendScans).toBe(1);

    a.stop.abort();
    await b.reader.cancel();
    const readsWhenLeft = counts.readSince;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(counts.readSince - readsWhenLeft).toBeLessThanOrEqual(1); // at most the tick in flight

    const c = await open();
    expect((await nextData(c.reader)).metrics).toMatchObject({ sent: 4, read: 1 });
    expect(counts.latestCursor).toBe(2); // a new fold, once nobody shared the old one
    await c.reader.cancel();
  });

  it('shows the progress of a campaign sent in the same process', async () => {
    const store = new MemoryEventStore();
    await store.append(sends(2));
    const counts: SendingCampaignCounts = {
      sent: 2,
      failed: 0,
      skipped: 1,
      unknown: 0,
      read: 6,
      remaining: 7,
      waiting: 1,
      waitingUntil: new Date(Date.UTC(2026, 4, 1, 18)),
      ratePerSecond: 1,
      etaMs: undefined,
      done: false,
    };
    const campaign = Object.assign(new EventEmitter(), {
      campaignId: 'spring',
      progress: () => counts,
    }) as SendingCampaign;
    const handler = createDashboardHandler({
      store,
      intervalMs: 10,
      sending: (id) => (id === 'spring' ? campaign : undefined),
    });
    const response = await handler(new Request('http://x/?view=events&campaign=spring'));
    const reader = response.body!.getReader();
    const data = await nextData(reader);
    await reader.cancel();
    expect(data.progress).toMatchObject({ queued: 2, sent: 2, waiting: 1, skippedByReason: { earlier: 1 } });
    const html = data.html as string;
    expect(html).toContain('<progress data-field="progress" max="10" value="3">');
    expect(html).toMatch(/data-progress="queued"><td>Queued<\/td><td>2</);
    expect(html).toContain('(until 18:00:00 UTC)');
    expect(html).toContain('earlier 1');
  });
});
