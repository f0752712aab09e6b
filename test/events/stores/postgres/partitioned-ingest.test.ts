import { describe, expect, it } from 'vitest';
import { toStorableValue } from '../../../../src/events/storable-text.js';
import type { StoredEvent } from '../../../../src/events/stored-event.js';
import { eventKeyHash } from '../../../../src/events/stores/postgres/event-key-hash.js';
import { eventKeyHashSql } from '../../../../src/events/stores/postgres/monthly-partitions.js';
import { PostgresEventStore } from '../../../../src/events/stores/postgres.js';
import { postgresTestSchema } from '../../../helpers/postgres-test-schema.js';
import { describeEventStoreConformance } from '../store-conformance.js';

const { available, schema, pool } = await postgresTestSchema('test_copy', { max: 4 });
let tables = 0;

async function collect(store: PostgresEventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const event of store.scan({})) events.push(event);
  return events;
}

async function count(sql: string): Promise<number> {
  return (await pool.query<{ n: number }>(sql)).rows[0]?.n ?? -1;
}

/** Strings COPY's text format must escape, and those `toEventRow` must make storable first. */
const HOSTILE = [
  'tab\there',
  'line\nbreak',
  'carriage\rreturn',
  'back\\slash \\N \\. \\t',
  '\\',
  'nul\u0000byte',
  'lone \ud800 surrogate',
  'emoji 🎉👍🏽 and ç',
  '\\N',
  '',
];

describe.runIf(available)('PostgreSQL ingest through COPY, monthly partitions (real server)', () => {
  describeEventStoreConformance(
    'PostgresEventStore (every append through COPY)',
    async () => new PostgresEventStore({ pool, schema, tableName: `copy_${++tables}`, copyThreshold: 1 }),
  );

  it('stores hostile strings through COPY exactly as through INSERT (escaped, NUL and lone surrogates replaced)', async () => {
    const events: StoredEvent[] = HOSTILE.flatMap((text, i): StoredEvent[] => [
      {
        kind: 'outbound',
        messageId: `wamid.${text}.${i}`,
        recipientId: `1555${text}`,
        campaignId: text,
        variant: text,
        at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
        metadata: { [text || 'empty']: text, nested: [text] },
      },
      {
        kind: 'inbound',
        messageId: `wamid.in.${text}.${i}`,
        recipientId: '15550001111',
        text,
        buttonPayload: text,
        at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      },
    ]);
    const viaCopy = new PostgresEventStore({ pool, schema, tableName: `copy_${++tables}`, copyThreshold: 1 });
    const viaInsert = new PostgresEventStore({
      pool,
      schema,
      tableName: `copy_${++tables}`,
      copyThreshold: Number.POSITIVE_INFINITY,
    });
    expect(await viaCopy.appendNew(events)).toEqual(events);
    await viaInsert.append(events);
    const expected = events.map((event) => toStorableValue(event));
    expect(await collect(viaCopy)).toEqual(expected);
    expect(await collect(viaInsert)).toEqual(expected);
  });

  it('hashes event keys in Node exactly as PostgreSQL does (COPY-stored events are repeats to the INSERT path)', async () => {
    const keys = HOSTILE.map((text) => toStorableValue(`s\u001fwamid.${text}\u001fread`));
    const { rows } = await pool.query<{ hash: string }>(
      `SELECT ${eventKeyHashSql('k')}::text AS hash FROM unnest($1::text[]) WITH ORDINALITY AS u(k, n) ORDER BY n`,
      [keys],
    );
    expect(rows.map((row) => row.hash.replaceAll('-', ''))).toEqual(keys.map(eventKeyHash));

    const tableName = `copy_${++tables}`;
    const viaCopy = new PostgresEventStore({ pool, schema, tableName, copyThreshold: 1 });
    const viaInsert = new PostgresEventStore({
      pool,
      schema,
      tableName,
      copyThreshold: Number.POSITIVE_INFINITY,
    });
    const events: StoredEvent[] = HOSTILE.map((text, i) => ({
      kind: 'status',
      messageId: `wamid.${text}.${i}`,
      status: 'read',
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    }));
    expect(await viaCopy.appendNew(events)).toHaveLength(events.length);
    expect(await viaInsert.appendNew(events)).toEqual([]);
    expect(await viaCopy.appendNew(events)).toEqual([]);
    expect(await collect(viaInsert)).toHaveLength(events.length);
  });

  it('keeps per-event idempotency through COPY: repeats (another time included) are stored once and not new', async () => {
    const store = new PostgresEventStore({ pool, schema, tableName: `copy_${++tables}`, copyThreshold: 1 });
    const sent = (i: number, at: number): StoredEvent => ({
      kind: 'status',
      messageId: `wamid.HBgL${i}`,
      status: 'delivered',
      at: new Date(at),
    });
    const first = Array.from({ length: 300 }, (_, i) => sent(i, Date.UTC(2026, 2, 31, 23, 59)));
    expect(await store.appendNew(first)).toHaveLength(300);
    // The same statuses a month later, and repeats within the batch: none is new.
    const again = [...first.map((_, i) => sent(i, Date.UTC(2026, 3, 2))), sent(1, 5), sent(1, 6)];
    expect(await store.appendNew(again)).toEqual([]);
    const mixed = [sent(1000, 10), sent(0, 11), sent(1000, 12), sent(1001, 13)];
    expect(await store.appendNew(mixed)).toEqual([mixed[0], mixed[3]]);
    const stored = await collect(store);
    expect(stored).toHaveLength(302);
    expect(stored.filter((event) => event.kind === 'status' && event.messageId === 'wamid.HBgL0')).toEqual([
      first[0],
    ]);
  });

  it('gives COPY-ingested events ids in input order, and the change feed reads them', async () => {
    const store = new PostgresEventStore({ pool, schema, tableName: `copy_${++tables}`, copyThreshold: 1 });
    const start = await store.latestCursor();
    const at = new Date(Date.UTC(2026, 4, 1));
    const events: StoredEvent[] = Array.from({ length: 250 }, (_, i) => ({
      kind: 'opt_in',
      recipientId: `1555${String(249 - i).padStart(7, '0')}`,
      at,
    }));
    await store.append(events);
    expect(await collect(store)).toEqual(events);
    const changes = await store.readSince(start, 1000);
    expect(changes.events).toEqual(events);
  });

  it('creates a partition per month written (and the next one ahead) and drops whole months before a date', async () => {
    const tableName = `copy_${++tables}`;
    const store = new PostgresEventStore({ pool, schema, tableName });
    const months = [0, 1, 2, 5].map((month) => Date.UTC(2025, month, 15));
    const events = months.flatMap((ms, m) =>
      Array.from(
        { length: 3 },
        (_, i): StoredEvent => ({
          kind: 'opt_out',
          recipientId: `r${m}_${i}`,
          at: new Date(ms + i),
        }),
      ),
    );
    await store.append(events);
    const partitions = await pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = $1::regclass ORDER BY 1`,
      [`"${schema}"."${tableName}"`],
    );
    const names = partitions.rows.map((row) => row.name);
    for (const month of ['2025_01', '2025_02', '2025_03', '2025_04', '2025_06', '2025_07']) {
      expect(names).toContain(`${tableName}_p${month}`);
    }
    expect(names).not.toContain(`${tableName}_p2025_05`);

    // 2025-03-10 falls in March: January and February go whole, March stays.
    const dropped = await store.dropPartitionsBefore(new Date(Date.UTC(2025, 2, 10)));
    expect(dropped).toEqual({ partitions: [`${tableName}_p2025_01`, `${tableName}_p2025_02`], events: 6 });
    expect(await collect(store)).toEqual(events.slice(6));
    expect(await count(`SELECT count(*)::int AS n FROM "${schema}"."${tableName}_event_keys"`)).toBe(6);
    // The keys went with the events: appended again, the January events are new (and their month is back).
    expect(await store.appendNew(events.slice(0, 3))).toEqual(events.slice(0, 3));
    expect(await store.dropPartitionsBefore(new Date(Date.UTC(2025, 0, 31)))).toEqual({
      partitions: [],
      events: 0,
    });
  });

  it('writes the first events of a new month while a long read holds the table (the partition is attached, not created under it)', async () => {
    const tableName = `copy_${++tables}`;
    const store = new PostgresEventStore({ pool, schema, tableName });
    const january: StoredEvent = { kind: 'opt_in', recipientId: 'a', at: new Date(Date.UTC(2026, 0, 5)) };
    const august: StoredEvent = { kind: 'opt_in', recipientId: 'b', at: new Date(Date.UTC(2026, 7, 5)) };
    await store.append([january]);
    const reader = await pool.connect();
    try {
      await reader.query('BEGIN');
      await reader.query(`SELECT count(*) FROM "${schema}"."${tableName}"`);
      // With CREATE TABLE … PARTITION OF this would wait for the reader's transaction: a hang, not a pass.
      expect(await store.appendNew([august])).toEqual([august]);
    } finally {
      await reader.query('ROLLBACK');
      reader.release();
    }
    expect(await collect(store)).toEqual([january, august]);
  });

  it('forgets the keys of events deleted row by row (an erasure), so nothing personal stays behind', async () => {
    const tableName = `copy_${++tables}`;
    const store = new PostgresEventStore({ pool, schema, tableName });
    const events: StoredEvent[] = [
      { kind: 'opt_out', recipientId: '15550001111', at: new Date(Date.UTC(2026, 0, 1)) },
      { kind: 'opt_out', recipientId: '15550002222', at: new Date(Date.UTC(2026, 0, 1)) },
    ];
    await store.append(events);
    await pool.query(`DELETE FROM "${schema}"."${tableName}" WHERE recipient_id = '15550001111'`);
    expect(await count(`SELECT count(*)::int AS n FROM "${schema}"."${tableName}_event_keys"`)).toBe(1);
    // The erased event's key is gone (stored again as new), the other one's stays.
    expect(await store.appendNew(events)).toEqual([events[0]]);
  });
});
