import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../../../src/events/event-store.js';
import type { StoredEvent } from '../../../../src/events/stored-event.js';
import { PostgresEventStore } from '../../../../src/events/stores/postgres.js';
import { SqliteEventStore } from '../../../../src/events/stores/sqlite.js';
import { postgresTestSchema } from '../../../helpers/postgres-test-schema.js';

/*
 * The SQL change feed with holes to look for again: the holes that filled and the rows after the cursor
 * come back in id order (numeric, past 9 and 99), never more than `limit` at a time, and paging on
 * reads every row once. The cursors are written by hand (the format is the store's own) to make holes
 * on SQLite too, where a write never leaves one.
 */

const AT = new Date(Date.UTC(2026, 4, 1, 9));

function outbound(i: number): StoredEvent {
  return { kind: 'outbound', messageId: `w${i}`, recipientId: `1555${i}`, at: AT, campaignId: 'c' };
}

/** A cursor after id `after` still waiting for `holes` (noticed now). */
function cursorWith(after: number, holes: number[]): string {
  return JSON.stringify({ a: after, h: holes, t: holes.map(() => Date.now()) });
}

async function readAll(store: EventStore, cursor: string, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let at = cursor;
  for (;;) {
    const changes = await store.readSince!(at, limit);
    expect(changes.events.length).toBeLessThanOrEqual(limit);
    pages.push(changes.events.map((e) => (e.kind === 'outbound' ? e.messageId : '?')));
    at = changes.cursor;
    if (!changes.more) return pages;
  }
}

async function checkHoles(store: EventStore): Promise<void> {
  await store.append(Array.from({ length: 120 }, (_, i) => outbound(i + 1)));
  // After id 100, still waiting for 3, 12 and 99: those three, then 101..120, in numeric id order.
  const pages = await readAll(store, cursorWith(100, [3, 12, 99]), 8);
  const ids = pages.flat();
  const expected = ['w3', 'w12', 'w99', ...Array.from({ length: 20 }, (_, i) => `w${101 + i}`)];
  expect(ids).toEqual(expected);
  expect(pages[0]).toEqual(['w3', 'w12', 'w99', 'w101', 'w102', 'w103', 'w104', 'w105']);
  // More filled holes than the limit: the rest stay holes and come on the next read.
  const small = await readAll(store, cursorWith(118, [1, 2, 3, 4, 5]), 3);
  expect(small.flat()).toEqual(['w1', 'w2', 'w3', 'w4', 'w5', 'w119', 'w120']);
}

const { available: pgUp, schema, pool } = await postgresTestSchema('feed');

describe('the SQL change feed with holes', () => {
  it('on SQLite', async () => {
    const store = new SqliteEventStore({ filename: ':memory:' });
    await checkHoles(store);
    await store.close();
  });

  it.runIf(pgUp)('on PostgreSQL', async () => {
    await checkHoles(new PostgresEventStore({ pool, schema, tableName: 'events_feed' }));
  });
});
