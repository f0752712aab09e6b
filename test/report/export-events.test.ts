import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import type { EventStore } from '../../src/events/event-store.js';
import { hashRecipientId, hashRecipients } from '../../src/events/hash-recipients.js';
import { MemoryEventStore } from '../../src/events/index.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { PostgresEventStore } from '../../src/events/stores/postgres.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { EVENT_EXPORT_CSV_COLUMNS, exportEvents } from '../../src/report/export-events.js';
import { postgresRequired, TEST_DATABASE_URL } from '../helpers/test-services.js';

const pgAvailable = await postgresRequired();
const schema = `wacloud_test_export_${process.pid}_${randomBytes(3).toString('hex')}`;
const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
const dir = mkdtempSync(join(tmpdir(), 'wacloud-export-events-'));
const closers: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const close of closers) await close();
  if (pgAvailable) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
});

const at = (day: number, minute = 0) => new Date(Date.UTC(2026, 10, day, 0, minute));
const EVENTS: StoredEvent[] = [
  { kind: 'outbound', messageId: 'wamid.A', recipientId: '15550001111', campaignId: 'spring', at: at(1) },
  {
    kind: 'status',
    messageId: 'wamid.A',
    status: 'delivered',
    at: at(1, 5),
    pricing: { category: 'marketing', type: 'regular', billable: true },
  },
  {
    kind: 'inbound',
    messageId: 'wamid.B',
    recipientId: '15550001111',
    contextMessageId: 'wamid.A',
    text: 'Hi, "quoted", comma\nnew line\ttab \\ back =SUM(A1) 🎉',
    at: at(2),
  },
  { kind: 'opt_out', recipientId: '15550001111', at: at(20), source: 'keyword' },
  { kind: 'conversion', recipientId: '15550001111', value: 12.5, currency: 'EUR', at: at(28) },
];

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

function revive(line: string): StoredEvent {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  return { ...parsed, at: new Date(parsed.at as string) } as unknown as StoredEvent;
}

const stores: [string, () => Promise<EventStore>][] = [
  ['memory', async () => new MemoryEventStore()],
  [
    'sqlite',
    async () => {
      const store = new SqliteEventStore({ filename: join(dir, `${randomBytes(4).toString('hex')}.db`) });
      closers.push(() => store.close());
      return store;
    },
  ],
];
if (pgAvailable) {
  let tables = 0;
  stores.push([
    'postgres',
    async () => new PostgresEventStore({ pool, schema, tableName: `events_${++tables}` }),
  ]);
}

describe.each(stores)('exportEvents on the %s store', (_name, makeStore) => {
  it('streams NDJSON lines of the events in [from, to), oldest first, that read back as the events', async () => {
    const store = await makeStore();
    await store.append([...EVENTS].reverse());
    const lines = await collect(exportEvents(store, { format: 'ndjson', from: at(1, 5), to: at(28) }));
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(lines.map(revive)).toEqual(EVENTS.slice(1, 4));
  });

  it('writes CSV with a header and one exact RFC 4180 row per event (no formula prefix)', async () => {
    const store = await makeStore();
    await store.append(EVENTS);
    const text = (await collect(exportEvents(store, { format: 'csv' }))).join('');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([...EVENT_EXPORT_CSV_COLUMNS]);
    expect(rows).toHaveLength(EVENTS.length);
    expect(rows[1]).toMatchObject({
      kind: 'status',
      at: '2026-11-01T00:05:00.000Z',
      pricingCategory: 'marketing',
      pricingType: 'regular',
      pricingBillable: 'true',
      details: '',
    });
    expect(rows[2]?.text).toBe((EVENTS[2] as { text: string }).text);
    expect(rows[3]?.details).toBe('{"source":"keyword"}');
    expect(rows[4]).toMatchObject({ value: '12.5', currency: 'EUR' });
  });

  it('exports the pseudonyms of a store wrapped in hashRecipients, never the numbers', async () => {
    const key = 'a-secret-key-of-32-bytes-or-so!!';
    const store = hashRecipients(await makeStore(), { key });
    await store.append(EVENTS);
    const text = (await collect(exportEvents(store, { format: 'ndjson' }))).join('');
    expect(text).not.toContain('15550001111');
    expect(text).toContain(hashRecipientId('15550001111', key));
  });
});

describe('exportEvents options', () => {
  it('rejects an unknown format, a bad date and unknown keys with ConfigError', async () => {
    const store = new MemoryEventStore();
    const first = (options: unknown) =>
      exportEvents(store, options as Parameters<typeof exportEvents>[1]).next();
    await expect(first({ format: 'xml' })).rejects.toBeInstanceOf(ConfigError);
    await expect(first({ format: 'csv', from: new Date(Number.NaN) })).rejects.toBeInstanceOf(ConfigError);
    await expect(first({ format: 'csv', since: new Date() })).rejects.toBeInstanceOf(ConfigError);
  });
});
