import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { computeCampaignMetrics } from '../../src/metrics/compute-campaign-metrics.js';
import { LiveCampaignFold } from '../../src/metrics/live-campaign-fold.js';
import type { MetricsQuery } from '../../src/metrics/metrics-types.js';
import { threeStores } from '../helpers/three-stores.js';

const T0 = Date.UTC(2026, 4, 1, 9);
const HOUR = 3600_000;
const at = (hours: number) => new Date(T0 + hours * HOUR);
const recipient = (n: number) => `1650555010${n}`;

/** Message `n` of campaign `spring`, sent at T0 to its own recipient and delivered. */
function sent(n: number): StoredEvent[] {
  return [
    { kind: 'outbound', messageId: `wamid.${n}`, recipientId: recipient(n), at: at(0), campaignId: 'spring' },
    { kind: 'status', messageId: `wamid.${n}`, status: 'delivered', at: at(0.1) },
  ];
}

/** A conversion naming only recipient `n` (or also a code the campaign never issued). */
function conversion(n: number, hours: number, value: number, code?: string): StoredEvent {
  return {
    kind: 'conversion',
    at: at(hours),
    value,
    recipientId: recipient(n),
    ...(code === undefined ? {} : { code }),
  };
}

const linkClick = (n: number, hours: number, clickId?: string): StoredEvent => ({
  kind: 'click',
  at: at(hours),
  url: 'https://shop.example/',
  messageId: `wamid.${n}`,
  ...(clickId === undefined ? {} : { clickId }),
});

/** Seven recipients, each converting 40 h or more after the send (outside a 24-hour window from it). */
function events(): StoredEvent[] {
  return [
    // 1: clicked 10 h before converting: counts from the click.
    ...sent(1),
    linkClick(1, 30),
    conversion(1, 40, 10),
    // 2: clicked 30 h before converting: too early for the click too.
    ...sent(2),
    linkClick(2, 10),
    conversion(2, 40, 20),
    // 3: clicked only after converting: no.
    ...sent(3),
    conversion(3, 40, 30),
    linkClick(3, 45),
    // 4: an unlinked click on our link (credited within the send window), 23 h before converting.
    ...sent(4),
    { kind: 'click', at: at(20), url: 'https://shop.example/', recipientId: recipient(4) },
    conversion(4, 43, 40),
    // 5: Meta's click (joined to the message by its click id), 20 h before converting.
    ...sent(5),
    linkClick(5, 1, 'fb.5'),
    { kind: 'click', at: at(30), source: 'meta', clickId: 'fb.5', component: 'cta' },
    conversion(5, 50, 50),
    // 6: a code the campaign never issued falls back to the recipient: the same rule.
    ...sent(6),
    linkClick(6, 30),
    conversion(6, 40, 60, 'NOT-OURS'),
    // 7: a reply without context 10 h after a click and 40 h after the send: replies count from the send.
    ...sent(7),
    linkClick(7, 30),
    {
      kind: 'inbound',
      messageId: 'wamid.in.7',
      recipientId: recipient(7),
      at: at(40),
      messageType: 'text',
      text: 'hi',
    },
  ];
}

const stores = await threeStores('attrwin');

const window24h = { campaignId: 'spring', attributionWindowMs: 24 * HOUR } satisfies MetricsQuery;

describe.each(stores)('attributionWindowFrom ($name)', ({ make }) => {
  it("'send' (the default) counts no conversion after the 24 hours from the send", async () => {
    const store = await make();
    await store.append(events());
    const byDefault = await computeCampaignMetrics(store, window24h);
    expect(byDefault).toMatchObject({ sent: 7, clicked: 7, converted: 0, revenue: 0, replied: 0 });
    expect(await computeCampaignMetrics(store, { ...window24h, attributionWindowFrom: 'send' })).toEqual(
      byDefault,
    );
  });

  it("'click' also counts one within the window after the message's latest click before it", async () => {
    const store = await make();
    await store.append(events());
    const metrics = await computeCampaignMetrics(store, { ...window24h, attributionWindowFrom: 'click' });
    // Recipients 1, 4, 5 and 6; never 2 (click too early), 3 (click after) or a reply (7).
    expect(metrics).toMatchObject({ sent: 7, clicked: 7, converted: 4, revenue: 160, replied: 0 });
  });
});

describe('attributionWindowFrom', () => {
  it('is validated', async () => {
    const store = new MemoryEventStore();
    const query = { ...window24h, attributionWindowFrom: 'open' } as unknown as MetricsQuery;
    await expect(computeCampaignMetrics(store, query)).rejects.toBeInstanceOf(ValidationError);
  });

  it('the live fold counts a conversion once a later-stored click opens its window', async () => {
    const store = new MemoryEventStore();
    const query = { ...window24h, attributionWindowFrom: 'click' } satisfies MetricsQuery;
    const fold = new LiveCampaignFold(store, query);
    await store.append([...sent(1), conversion(1, 40, 10)]);
    await fold.start();
    expect(fold.metrics()).toMatchObject({ converted: 0, revenue: 0 });
    await store.append([linkClick(1, 30)]);
    await fold.update();
    expect(fold.metrics()).toMatchObject({ converted: 1, revenue: 10 });
    expect(fold.metrics()).toEqual(await computeCampaignMetrics(store, query));
  });
});
