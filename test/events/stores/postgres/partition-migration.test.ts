import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../../src/events/stored-event.js';
import { postgresStatements } from '../../../../src/events/stores/postgres/statements.js';
import { PostgresEventStore } from '../../../../src/events/stores/postgres.js';
import { readSinceSql, type SqlChangeSource } from '../../../../src/events/stores/sql/change-feed-sql.js';
import { EVENT_COLUMNS, toEventRow } from '../../../../src/events/stores/sql/event-row.js';
import {
  migratePostgres,
  POSTGRES_SCHEMA_VERSION,
} from '../../../../src/events/stores/sql/postgres-schema.js';
import { backfillStatusRollupSql } from '../../../../src/events/stores/sql/status-rollup.js';
import { postgresTestSchema } from '../../../helpers/postgres-test-schema.js';
import { generateCampaignStream } from '../sql/campaign-stream.js';
import { referenceFacts } from '../sql/reference-facts.js';

const { available, schema, pool } = await postgresTestSchema('test_partmig', { max: 4 });
let tables = 0;

/** A version-3 (unpartitioned) table, as a store of the previous release leaves it, holding `events`. */
async function legacyTable(tableName: string, events: readonly StoredEvent[]): Promise<void> {
  const client = await pool.connect();
  try {
    expect(await migratePostgres(client, schema, tableName, 3)).toBe(0);
    const width = EVENT_COLUMNS.length;
    for (let i = 0; i < events.length; i += 500) {
      const batch = events
        .slice(i, i + 500)
        .map((event) =>
          toEventRow(event).map((value, c) =>
            EVENT_COLUMNS[c] === 'at' ? new Date(value as number) : value,
          ),
        );
      const tuples = batch.map(
        (_, r) => `(${EVENT_COLUMNS.map((__, c) => `$${r * width + c + 1}`).join(', ')})`,
      );
      // Repeats use up identity values, as they did in production: the new sequence must go past them.
      await client.query(
        `INSERT INTO "${schema}"."${tableName}" (${EVENT_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}
         ON CONFLICT (event_key) DO NOTHING`,
        batch.flat(),
      );
    }
    // The rollup as the v3 store kept it on append (built here from the statuses inserted).
    await client.query(
      backfillStatusRollupSql(
        `"${schema}"."${tableName}_status_rollup"`,
        `"${schema}"."${tableName}"`,
        'postgres',
      ),
    );
  } finally {
    client.release();
  }
}

function changeSource(tableName: string): SqlChangeSource {
  const statements = postgresStatements(schema, tableName);
  return {
    dialect: 'postgres',
    table: statements.table,
    columns: statements.eventColumns,
    select: async (sql, values) => (await pool.query(sql, values)).rows,
  };
}

async function collect(store: PostgresEventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const event of store.scan({})) events.push(event);
  return events;
}

async function relationKind(tableName: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ kind: string }>(
    'SELECT relkind::text AS kind FROM pg_class WHERE oid = $1::regclass',
    [`"${schema}"."${tableName}"`],
  );
  return rows[0]?.kind;
}

describe.runIf(available)('PostgreSQL schema v4: the events table partitioned by month (real server)', () => {
  it('migrates a populated version-3 table on open: every event, id and key kept, the change feed continues', async () => {
    const tableName = `events_${++tables}`;
    // A campaign across a month end (with repeats and disorder), plus consent events in an older month.
    const stream = generateCampaignStream({
      messages: 300,
      seed: 7,
      startMs: Date.UTC(2026, 0, 31, 23, 59, 55),
    });
    const older: StoredEvent[] = [
      { kind: 'opt_in', recipientId: '15550001111', at: new Date(Date.UTC(2025, 10, 3)) },
    ];
    const events = [...older, ...stream];
    await legacyTable(tableName, events);
    const source = changeSource(tableName);
    const halfway = await readSinceSql(source, undefined, 400);
    const beforeIds = (
      await pool.query(`SELECT id::text, event_key FROM "${schema}"."${tableName}" ORDER BY id`)
    ).rows;
    const { rows: maxRows } = await pool.query(`SELECT max(id)::int AS id FROM "${schema}"."${tableName}"`);
    const beforeMax = maxRows[0].id as number;

    const store = new PostgresEventStore({ pool, schema, tableName });
    const scanned = await collect(store); // opening (first use) migrates
    expect(await relationKind(tableName)).toBe('p');
    const { rows: versions } = await pool.query(
      `SELECT version FROM "${schema}".wacloud_schema_version WHERE table_name = $1`,
      [tableName],
    );
    expect(versions).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
    expect(scanned).toHaveLength(beforeIds.length);
    const afterIds = (
      await pool.query(`SELECT id::text, event_key FROM "${schema}"."${tableName}" ORDER BY id`)
    ).rows;
    expect(afterIds).toEqual(beforeIds);
    const keys = await pool.query(`SELECT count(*)::int AS n FROM "${schema}"."${tableName}_event_keys"`);
    expect(keys.rows[0].n).toBe(beforeIds.length);
    const partitions = await pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = $1::regclass`,
      [`"${schema}"."${tableName}"`],
    );
    expect(partitions.rows.map((row) => row.name)).toEqual(
      expect.arrayContaining([`${tableName}_p2025_11`, `${tableName}_p2026_01`, `${tableName}_p2026_02`]),
    );
    expect(await store.campaignFacts({ campaignId: 'spring' })).toEqual(
      referenceFacts(events, { campaignId: 'spring' }),
    );

    // A cursor taken before the migration reads on from where it was, then into new appends.
    const rest = await readSinceSql(source, halfway.cursor, 100_000);
    expect(rest.events.length + halfway.events.length).toBe(beforeIds.length);
    const later: StoredEvent = {
      kind: 'opt_out',
      recipientId: '15550001111',
      at: new Date(Date.UTC(2026, 5, 1)),
    };
    expect(await store.appendNew([later, events[0] as StoredEvent])).toEqual([later]);
    const { rows: newest } = await pool.query(
      `SELECT id::int AS id FROM "${schema}"."${tableName}" WHERE at = $1`,
      [later.at],
    );
    expect(newest[0].id).toBeGreaterThan(beforeMax);
    const tail = await readSinceSql(source, rest.cursor, 100);
    expect(tail.events).toEqual([later]);
  });

  it('migrates an empty version-3 table: partitioned, and the first appends are stored once', async () => {
    const tableName = `events_${++tables}`;
    await legacyTable(tableName, []);
    expect(await relationKind(tableName)).toBe('r');
    const store = new PostgresEventStore({ pool, schema, tableName });
    await store.migrate();
    expect(await relationKind(tableName)).toBe('p');
    const event: StoredEvent = { kind: 'opt_in', recipientId: 'r', at: new Date(Date.UTC(2026, 11, 5)) };
    expect(await store.appendNew([event, event])).toEqual([event]);
    expect(await store.appendNew([event])).toEqual([]);
    expect(await collect(store)).toEqual([event]);
  });
});
