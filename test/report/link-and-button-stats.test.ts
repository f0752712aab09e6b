import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/events/event-store.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { linkAndButtonStats } from '../../src/report/link-and-button-stats.js';
import { renderCampaignReport } from '../../src/report/render-campaign-report.js';
import { sampleReportInput } from './sample-report-input.js';

const T0 = Date.UTC(2026, 4, 1, 9);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const SHOP = 'https://shop.example/sale';
const FAQ = 'https://shop.example/faq';

const events: StoredEvent[] = [
  {
    kind: 'outbound',
    messageId: 'm1',
    recipientId: '+1 650 555 0001',
    at: at(0),
    campaignId: 'c',
    variant: 'A',
  },
  { kind: 'outbound', messageId: 'm2', recipientId: '16505550002', at: at(0), campaignId: 'c', variant: 'B' },
  { kind: 'outbound', messageId: 'm3', recipientId: '16505550003', at: at(0), campaignId: 'c', variant: 'B' },
  { kind: 'outbound', messageId: 'x1', recipientId: '16505550001', at: at(0), campaignId: 'other' },
  // Recipient 1 clicks the sale link twice (a repeat webhook-free duplicate too), and the FAQ once.
  { kind: 'click', at: at(1), messageId: 'm1', url: SHOP },
  { kind: 'click', at: at(2), messageId: 'm1', url: SHOP },
  { kind: 'click', at: at(2), messageId: 'm1', url: SHOP },
  { kind: 'click', at: at(3), messageId: 'm1', url: FAQ },
  // A campaign + recipient token (template URL button): the recipient's latest message of the campaign.
  { kind: 'click', at: at(4), campaignId: 'c', recipientId: '16505550002', url: SHOP },
  // Another campaign's click, and Meta's click (no URL): not listed.
  { kind: 'click', at: at(4), messageId: 'x1', url: SHOP },
  { kind: 'click', at: at(4), source: 'meta', clickId: 'k', component: 'cta' },
  // Quick replies answering campaign messages; one answering another campaign's message.
  {
    kind: 'inbound',
    messageId: 'i1',
    recipientId: '16505550002',
    at: at(5),
    contextMessageId: 'm2',
    buttonPayload: 'YES',
  },
  {
    kind: 'inbound',
    messageId: 'i2',
    recipientId: '16505550003',
    at: at(5),
    contextMessageId: 'm3',
    buttonPayload: 'YES',
  },
  {
    kind: 'inbound',
    messageId: 'i3',
    recipientId: '16505550001',
    at: at(5),
    contextMessageId: 'm1',
    buttonPayload: 'STOP',
  },
  {
    kind: 'inbound',
    messageId: 'i4',
    recipientId: '16505550001',
    at: at(5),
    contextMessageId: 'x1',
    buttonPayload: 'YES',
  },
];

describe.each([
  ['memory', () => new MemoryEventStore()],
  ['SQLite', () => new SqliteEventStore({ filename: ':memory:' })],
] as Array<[string, () => EventStore & { close?: () => Promise<void> }]>)(
  'linkAndButtonStats (%s)',
  (_, make) => {
    it('counts taps per URL and payload, total and unique, per variant', async () => {
      const store = make();
      await store.append(events);
      const stats = await linkAndButtonStats(store, { campaignId: 'c' });
      expect(stats.links).toEqual([
        {
          target: SHOP,
          total: 3,
          unique: 2,
          byVariant: [
            { variant: 'A', total: 2, unique: 1 },
            { variant: 'B', total: 1, unique: 1 },
          ],
        },
        { target: FAQ, total: 1, unique: 1, byVariant: [{ variant: 'A', total: 1, unique: 1 }] },
      ]);
      expect(stats.buttons).toEqual([
        { target: 'YES', total: 2, unique: 2, byVariant: [{ variant: 'B', total: 2, unique: 2 }] },
        { target: 'STOP', total: 1, unique: 1, byVariant: [{ variant: 'A', total: 1, unique: 1 }] },
      ]);
      await store.close?.();
    });
  },
);

describe('the report section', () => {
  it('lists each link and button with its per-variant rows, escaped', async () => {
    const store = new MemoryEventStore();
    await store.append([
      ...events,
      { kind: 'click', at: at(9), messageId: 'm2', url: 'https://x.example/?a=<b>' },
    ]);
    const links = await linkAndButtonStats(store, { campaignId: 'c' });
    const page = renderCampaignReport({ ...sampleReportInput(), links });
    expect(page).toContain('<section id="links"><h2>Links and buttons</h2>');
    expect(page).toContain(`<tr data-target="${SHOP}">`);
    expect(page).toContain('https://x.example/?a=&lt;b&gt;');
    expect(page).not.toContain('?a=<b>');
    expect(page).toMatch(
      /<tr data-variant="B"><td class="title"><\/td><td>B<\/td><td>2<\/td><td>2<\/td><\/tr>/,
    );
    expect(renderCampaignReport(sampleReportInput())).not.toContain('id="links"');
  });

  it('the economics section says how much revenue no message earned', () => {
    const input = sampleReportInput();
    const metrics = { ...input.metrics, campaignOnlyConversions: 2, campaignOnlyRevenue: 25 };
    expect(renderCampaignReport({ ...input, metrics })).toContain(
      'from 2 conversions credited to the campaign but to no message',
    );
    expect(renderCampaignReport(input)).not.toContain('credited to the campaign but to no message');
  });
});
