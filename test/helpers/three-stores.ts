import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import type { EventStore } from '../../src/events/event-store.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { PostgresEventStore } from '../../src/events/stores/postgres.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { postgresRequired, TEST_DATABASE_URL } from './test-services.js';

/** One store to run a test against: its name, and a maker of a fresh, empty one. */
export interface StoreCase {
  name: string;
  make: () => Promise<EventStore & { close?: () => Promise<void> }>;
}

/**
 * Memory, SQLite and (when the server runs; with `CI=true` it must) PostgreSQL stores, each `make()` a
 * fresh one. PostgreSQL tables go in a schema of their own, named after `label`, dropped after the file.
 */
export async function threeStores(label: string): Promise<StoreCase[]> {
  const cases: StoreCase[] = [
    { name: 'memory', make: async () => new MemoryEventStore() },
    { name: 'SQLite', make: async () => new SqliteEventStore({ filename: ':memory:' }) },
  ];
  if (!(await postgresRequired())) return cases;
  const schema = `wacloud_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
  let tables = 0;
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
  cases.push({
    name: 'PostgreSQL',
    make: async () => new PostgresEventStore({ pool, schema, tableName: `events_${tables++}` }),
  });
  return cases;
}
