import { describe, expect, it } from 'vitest';
import type { EventFilter } from '../../../../src/events/event-store.js';
import type { StoredEvent } from '../../../../src/events/stored-event.js';
import { postgresStatements } from '../../../../src/events/stores/postgres/statements.js';
import { PostgresEventStore } from '../../../../src/events/stores/postgres.js';
import type { StoredEventRow } from '../../../../src/events/stores/sql/event-row.js';
import { type KeysetScanSource, keysetScan } from '../../../../src/events/stores/sql/keyset-scan.js';
import { SqliteEventStore } from '../../../../src/events/stores/sqlite.js';
import { postgresTestSchema } from '../../../helpers/postgres-test-schema.js';

/** A store under test, and the keyset scan over its table with a given page size. */
interface ScanTarget {
  append(events: StoredEvent[]): Promise<void>;
  source(pageSize: number, onPage: () => void): KeysetScanSource;
}

async function collect(source: KeysetScanSource, filter: EventFilter = {}): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const event of keysetScan(source, filter)) events.push(event);
  return events;
}

const at = (ms: number) => new Date(Date.UTC(2026, 2, 1) + ms);
const optIn = (recipientId: string, ms: number): StoredEvent => ({ kind: 'opt_in', recipientId, at: at(ms) });
const optOut = (recipientId: string, ms: number): StoredEvent => ({
  kind: 'opt_out',
  recipientId,
  at: at(ms),
});

function describeKeysetScan(name: string, makeTarget: () => Promise<ScanTarget>): void {
  describe(`keysetScan: ${name}`, () => {
    it('pages through a run of equal timestamps across page boundaries: each row once, in append order', async () => {
      const target = await makeTarget();
      // Appended out of time order; seven share one instant, so page ends fall inside that run.
      const tied = Array.from({ length: 7 }, (_, i) => optIn(`tied${i}`, 5000));
      const events = [optIn('late', 9000), ...tied.slice(0, 4), optIn('early', 1000), ...tied.slice(4)];
      await target.append(events);
      let pages = 0;
      const scanned = await collect(
        target.source(3, () => pages++),
        {},
      );
      expect(scanned).toEqual([optIn('early', 1000), ...tied, optIn('late', 9000)]);
      // 9 rows at 3 a page: 3 full pages, then an empty one that ends the scan.
      expect(pages).toBe(4);
    });

    it('keeps the filter on every page and stops at the first short page', async () => {
      const target = await makeTarget();
      const wanted = Array.from({ length: 5 }, (_, i) => optIn(`w${i}`, 2000));
      const others = Array.from({ length: 5 }, (_, i) => optOut(`o${i}`, 2000));
      await target.append([
        ...others.slice(0, 2),
        ...wanted.slice(0, 3),
        ...others.slice(2),
        ...wanted.slice(3),
      ]);
      let pages = 0;
      const scanned = await collect(
        target.source(2, () => pages++),
        { kinds: ['opt_in'] },
      );
      expect(scanned).toEqual(wanted);
      expect(pages).toBe(3);
    });
  });
}

describeKeysetScan('sqlite', async () => {
  const store = new SqliteEventStore({ filename: ':memory:' });
  return {
    append: (events) => store.append(events),
    source: (pageSize, onPage) => ({
      dialect: 'sqlite',
      table: 'wacloud_events',
      eventColumns: 'e.*',
      pageSize,
      select: async (sql, values) => {
        onPage();
        return store.database.prepare(sql).all(...values) as StoredEventRow[];
      },
    }),
  };
});

const { available: postgresUp, schema, pool } = await postgresTestSchema('test_keyset');
let tables = 0;
describe.runIf(postgresUp)('PostgreSQL', () => {
  describeKeysetScan('postgres', async () => {
    const tableName = `events_${++tables}`;
    const store = new PostgresEventStore({ pool, schema, tableName });
    const statements = postgresStatements(schema, tableName);
    return {
      append: (events) => store.append(events),
      source: (pageSize, onPage) => ({
        dialect: 'postgres',
        table: statements.table,
        eventColumns: statements.eventColumns,
        pageSize,
        select: async (sql, values) => {
          onPage();
          return (await pool.query(sql, values)).rows;
        },
      }),
    };
  });
  describeKeysetScan('postgres (rows read as arrays)', async () => {
    const tableName = `events_${++tables}`;
    const store = new PostgresEventStore({ pool, schema, tableName });
    const statements = postgresStatements(schema, tableName);
    return {
      append: (events) => store.append(events),
      source: (pageSize, onPage) => ({
        dialect: 'postgres',
        table: statements.table,
        eventColumns: statements.eventColumns,
        pageSize,
        select: () => Promise.reject(new Error('rows are read as arrays')),
        selectArrays: async (sql, values) => {
          onPage();
          return (await pool.query<unknown[]>({ text: sql, values, rowMode: 'array' })).rows;
        },
      }),
    };
  });
});
