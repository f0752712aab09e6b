import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { consentStatus, readConsent } from '../../src/events/consent.js';
import { eventKey } from '../../src/events/event-key.js';
import { exportRecipientData } from '../../src/events/recipient-export.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { assertStoredEvents } from '../../src/events/stored-event-schema.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { recipientDataToCsv } from '../../src/report/recipient-data-csv.js';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
const ME = '905321234567';

describe('consentStatus', () => {
  it('is not granted with nothing on record', () => {
    expect(consentStatus([], 'marketing')).toEqual({ granted: false });
  });

  it('grants on an opt_in for the category, and a later opt_out revokes it', () => {
    const optIn: StoredEvent = { kind: 'opt_in', recipientId: ME, at: at(1), category: 'marketing' };
    expect(consentStatus([optIn], 'marketing')).toEqual({ granted: true, decidedBy: optIn });
    expect(consentStatus([optIn], 'utility').granted).toBe(false);
    const optOut: StoredEvent = { kind: 'opt_out', recipientId: ME, at: at(2) };
    expect(consentStatus([optIn, optOut], 'marketing')).toEqual({ granted: false, decidedBy: optOut });
    // Order in the list does not matter, time does.
    expect(consentStatus([optOut, optIn], 'marketing').granted).toBe(false);
  });

  it('keeps other categories when one is revoked, and a block revokes all', () => {
    const all: StoredEvent = { kind: 'opt_in', recipientId: ME, at: at(1) };
    const noUtility: StoredEvent = { kind: 'opt_out', recipientId: ME, at: at(2), category: 'utility' };
    expect(consentStatus([all, noUtility], 'marketing').granted).toBe(true);
    expect(consentStatus([all, noUtility], 'utility').granted).toBe(false);
    const block: StoredEvent = { kind: 'block', recipientId: ME, at: at(3), category: 'utility' };
    expect(consentStatus([all, block], 'marketing').granted).toBe(false);
    const again: StoredEvent = { kind: 'opt_in', recipientId: ME, at: at(4), category: 'marketing' };
    expect(consentStatus([all, block, again], 'marketing').granted).toBe(true);
  });

  it('lets the later of two events at the same instant win', () => {
    const optIn: StoredEvent = { kind: 'opt_in', recipientId: ME, at: at(1) };
    const optOut: StoredEvent = { kind: 'opt_out', recipientId: ME, at: at(1) };
    expect(consentStatus([optIn, optOut], 'marketing').granted).toBe(false);
    expect(consentStatus([optOut, optIn], 'marketing').granted).toBe(true);
  });
});

describe('opt_in events', () => {
  it('carry category, source and the agreed text through the schema, and the category joins the key', () => {
    const withCategory = {
      kind: 'opt_in' as const,
      recipientId: ME,
      at: at(1),
      category: 'marketing',
      source: 'web_form',
      text: 'Send me offers on WhatsApp',
    };
    expect(() => assertStoredEvents([withCategory])).not.toThrow();
    expect(() => assertStoredEvents([{ ...withCategory, category: 7 }])).toThrow(/0\.category/);
    const { category: _, ...without } = withCategory;
    assertStoredEvents([without]);
    assertStoredEvents([withCategory]);
    expect(eventKey(withCategory)).not.toBe(eventKey(without));
    expect(eventKey(without)).toBe(`opt_in\u001f${ME}\u001f${at(1).getTime()}\u001f\u001fweb_form`);
  });
});

describe('readConsent and exportRecipientData', () => {
  async function seeded(): Promise<MemoryEventStore> {
    const store = new MemoryEventStore();
    await store.append([
      {
        kind: 'opt_in',
        recipientId: `+${ME}`,
        at: at(1),
        category: 'marketing',
        source: 'web_form',
        text: 'Yes, "offers", weekly',
      },
      { kind: 'outbound', messageId: 'wamid.1', recipientId: ME, at: at(2), campaignId: 'spring' },
      { kind: 'status', messageId: 'wamid.1', status: 'delivered', at: at(3) },
      { kind: 'inbound', messageId: 'wamid.r', recipientId: ME, at: at(4), text: '=HYPERLINK("x")' },
      { kind: 'opt_out', recipientId: ME, at: at(5), source: 'keyword' },
      { kind: 'outbound', messageId: 'wamid.2', recipientId: '15550001111', at: at(2) },
      { kind: 'status', messageId: 'wamid.2', status: 'read', at: at(3) },
    ]);
    return store;
  }

  it('reads the consent history of a person and folds it', async () => {
    const history = await readConsent(await seeded(), `+${ME}`);
    expect(history.recipientId).toBe(ME);
    expect(history.events.map((e) => e.kind)).toEqual(['opt_in', 'opt_out']);
    expect(history.events[0]?.text).toBe('Yes, "offers", weekly');
    expect(consentStatus(history.events, 'marketing').granted).toBe(false);
  });

  it("exports every event of the person, including statuses that name only the person's message", async () => {
    const data = await exportRecipientData(await seeded(), ME, { now: () => at(9) });
    expect(data.exportedAt).toEqual(at(9));
    expect(data.events.map((e) => e.kind)).toEqual(['opt_in', 'outbound', 'status', 'inbound', 'opt_out']);
    expect(data.consent.map((e) => e.kind)).toEqual(['opt_in', 'opt_out']);
    const json = JSON.parse(JSON.stringify(data));
    expect(json.events[2]).toMatchObject({ kind: 'status', messageId: 'wamid.1', at: at(3).toISOString() });
  });

  it('renders the export as CSV that reads back, with formula cells neutralised', async () => {
    const data = await exportRecipientData(await seeded(), ME);
    const rows = parse(recipientDataToCsv(data), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatchObject({
      kind: 'opt_in',
      at: at(1).toISOString(),
      category: 'marketing',
      source: 'web_form',
      text: 'Yes, "offers", weekly',
    });
    expect(rows[1]).toMatchObject({
      kind: 'outbound',
      messageId: 'wamid.1',
      campaignId: 'spring',
      details: '',
    });
    expect(rows[3]?.text).toBe(`'=HYPERLINK("x")`);
  });
});
