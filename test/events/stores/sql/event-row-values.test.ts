import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../../src/events/stored-event.js';
import {
  EVENT_COLUMNS,
  fromEventRow,
  fromEventValues,
  toEventRow,
} from '../../../../src/events/stores/sql/event-row.js';

const at = new Date(Date.UTC(2026, 2, 1, 12, 0, 0, 250));
const EVENTS: StoredEvent[] = [
  {
    kind: 'status',
    messageId: 'wamid.1',
    status: 'delivered',
    at,
    recipientId: '15550001',
    pricing: { category: 'marketing', billable: true, type: 'regular' },
  },
  { kind: 'status', messageId: 'wamid.2', status: 'failed', at, errorCode: 131049 },
  {
    kind: 'outbound',
    messageId: 'wamid.3',
    recipientId: '15550002',
    campaignId: 'launch',
    variant: 'b',
    at,
    metadata: { code: 'SAVE10' },
  },
  { kind: 'conversion', recipientId: '15550002', value: 12.5, currency: 'EUR', at, campaignId: 'launch' },
  {
    kind: 'inbound',
    messageId: 'wamid.in',
    recipientId: '15550003',
    text: 'hi',
    contextMessageId: 'wamid.3',
    at,
  },
] as StoredEvent[];

/** The row as PostgreSQL hands it back in array mode: the id first, `at` in epoch ms, `extra` as text. */
function arrayRow(event: StoredEvent): unknown[] {
  return ['42', ...toEventRow(event)];
}

describe('fromEventValues', () => {
  it('gives the same event as fromEventRow from the same columns read as an array', () => {
    for (const event of EVENTS) {
      const values = arrayRow(event);
      const row = Object.fromEntries(EVENT_COLUMNS.map((column, i) => [column, values[i + 1]]));
      const decoded = fromEventValues(values, 1);
      expect(decoded).toEqual(fromEventRow(row));
      expect(decoded).toEqual(event);
    }
  });

  it('adds no pricing to an event stored without one', () => {
    expect('pricing' in fromEventValues(arrayRow(EVENTS[1]!), 1)).toBe(false);
  });
});
