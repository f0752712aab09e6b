import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventFilter, EventStore } from '../../src/events/event-store.js';
import { IdentityLinks } from '../../src/events/identity-links.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import { PostgresEventStore } from '../../src/events/stores/postgres.js';
import { SqliteEventStore } from '../../src/events/stores/sqlite.js';
import { postgresRequired, TEST_DATABASE_URL } from '../helpers/test-services.js';
import { describeIdentityAttribution } from '../metrics/identity-attribution.js';

describe('IdentityLinks', () => {
  it('names each person by their phone number whatever order the links come in', () => {
    const pairs: Array<[string, string]> = [
      ['US.1', '+1 650 555 1234'],
      ['US.0', 'US.1'],
      ['US.ENT.9', '16505551234'],
    ];
    for (const order of [pairs, [...pairs].reverse(), [pairs[1]!, pairs[2]!, pairs[0]!]]) {
      const links = new IdentityLinks();
      for (const [a, b] of order) links.link(a, b);
      expect(['US.0', 'US.1', 'US.ENT.9', '+16505551234'].map((id) => links.canonical(id))).toEqual(
        Array(4).fill('16505551234'),
      );
      expect(links.aliases('US.0').sort()).toEqual(['16505551234', 'US.0', 'US.1', 'US.ENT.9']);
    }
  });

  it('without a phone number the smallest user id names the person; unknown ids name themselves', () => {
    const links = new IdentityLinks();
    links.link('US.5', 'US.3');
    expect(links.canonical('US.5')).toBe('US.3');
    expect(links.canonical('+44 7700 900001')).toBe('447700900001');
    expect(links.expand(['US.5', 'US.9'])).toEqual(['US.3', 'US.5', 'US.9']);
  });

  it('learns from statuses, replies, preferences and user_changed_user_id; not from sends', () => {
    const links = IdentityLinks.fromEvents([
      {
        kind: 'status',
        messageId: 'm',
        status: 'read',
        at: new Date(1),
        recipientId: '1555',
        userId: 'US.1',
      },
      {
        kind: 'inbound',
        messageId: 'i',
        recipientId: 'US.2',
        userId: 'US.2',
        previousUserId: 'US.1',
        at: new Date(2),
      },
      { kind: 'outbound', messageId: 'o', recipientId: '1777', at: new Date(3) },
    ]);
    expect(links.canonical('US.2')).toBe('1555');
    expect(links.canonical('1777')).toBe('1777');
  });
});

describeIdentityAttribution('memory', async () => new MemoryEventStore());

describeIdentityAttribution('generic scan path', async () => {
  const store = new MemoryEventStore();
  const scanOnly: EventStore = {
    append: (events) => store.append(events),
    scan: (filter: EventFilter) => store.scan(filter),
    identityLinks: (ids) => store.identityLinks(ids),
  };
  return scanOnly;
});

const sqliteStores: SqliteEventStore[] = [];
afterAll(async () => {
  for (const store of sqliteStores) await store.close();
});
describeIdentityAttribution('SQLite', async () => {
  const store = new SqliteEventStore({ filename: ':memory:' });
  sqliteStores.push(store);
  return store;
});

const connectionString = TEST_DATABASE_URL;
const schema = `wacloud_identity_${process.pid}_${randomBytes(3).toString('hex')}`;
const pool = new pg.Pool({ connectionString, max: 4 });
const pgAvailable = await postgresRequired();
let tables = 0;
afterAll(async () => {
  if (pgAvailable) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});
describe.runIf(pgAvailable)('PostgreSQL', () => {
  describeIdentityAttribution(
    'PostgreSQL',
    async () => new PostgresEventStore({ pool, schema, tableName: `events_${++tables}` }),
  );

  it('two processes linking one person at once leave the group whole', async () => {
    const tableName = `events_${++tables}`;
    const a = new PostgresEventStore({ pool, schema, tableName });
    const b = new PostgresEventStore({ pool, schema, tableName });
    await a.migrate();
    const status = (id: string, userId: string) => ({
      kind: 'status' as const,
      messageId: `wamid.${userId}`,
      status: 'read',
      at: new Date(1),
      recipientId: id,
      userId,
    });
    await Promise.all([a.append([status('15550001', 'US.1')]), b.append([status('US.1', 'US.2')])]);
    const links = await a.identityLinks(['US.2']);
    expect(links.aliases('US.2').sort()).toEqual(['15550001', 'US.1', 'US.2']);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}"."${tableName}_identity"`);
    expect(rows[0].n).toBe(6);
  });
});
