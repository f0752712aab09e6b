import type { EventStore } from '../../src/events/event-store.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { PostgresEventStore } from '../../src/events/stores/postgres.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { postgresTestSchema } from './postgres-test-schema.js';

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
  const { available, schema, pool } = await postgresTestSchema(label);
  if (!available) return cases;
  let tables = 0;
  cases.push({
    name: 'PostgreSQL',
    make: async () => new PostgresEventStore({ pool, schema, tableName: `events_${tables++}` }),
  });
  return cases;
}
