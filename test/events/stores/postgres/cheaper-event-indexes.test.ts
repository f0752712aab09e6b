import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../../src/events/stored-event.js';
import { PostgresEventStore } from '../../../../src/events/stores/postgres.js';
import { POSTGRES_SCHEMA_VERSION } from '../../../../src/events/stores/sql/postgres-schema.js';
import { postgresTestSchema } from '../../../helpers/postgres-test-schema.js';
import { preSendColumnsTable } from './pre-send-columns-table.js';

const { available, schema, pool } = await postgresTestSchema('test_idx6', { max: 4 });
let tables = 0;

/** A version-5 table (as the previous release leaves it) holding `events`. */
function version5Table(tableName: string, events: readonly StoredEvent[]): Promise<void> {
  return preSendColumnsTable(pool, schema, tableName, 5, events);
}

/** The definitions of the table's message and recipient indexes, on the table and on each partition. */
async function indexDefinitions(tableName: string): Promise<string[]> {
  const { rows } = await pool.query<{ def: string }>(
    `SELECT regexp_replace(indexdef, '^.* USING ', 'USING ') AS def FROM pg_indexes
     WHERE schemaname = $1 AND tablename LIKE $2 AND (indexname LIKE '%message%' OR indexname LIKE '%recipient%')
       AND indexname NOT LIKE '%context%' AND indexname NOT LIKE '%message_text%'
     ORDER BY 1`,
    [schema, `${tableName}%`],
  );
  return [...new Set(rows.map((row) => row.def))];
}

async function collect(store: PostgresEventStore, filter: Parameters<PostgresEventStore['scan']>[0]) {
  const events: StoredEvent[] = [];
  for await (const event of store.scan(filter)) events.push(event);
  return events;
}

const events: StoredEvent[] = Array.from({ length: 120 }, (_, i): StoredEvent[] => {
  const at = new Date(Date.UTC(2026, i % 2 === 0 ? 1 : 2, 10, 0, 0, i));
  const messageId = `wamid.HBgL${String(i).padStart(4, '0')}`;
  return [
    {
      kind: 'outbound',
      messageId,
      recipientId: `9055500${String(i % 40).padStart(4, '0')}`,
      campaignId: 'c',
      at,
    },
    { kind: 'status', messageId, status: 'delivered', at: new Date(at.getTime() + 1000) },
  ];
}).flat();

describe.runIf(available)(
  'PostgreSQL schema version 6: cheaper message and recipient indexes (real server)',
  () => {
    it('migrates a populated version-5 table: hash message index and partial recipient index on every partition, every event found by message and recipient', async () => {
      const tableName = `idx_${++tables}`;
      await version5Table(tableName, events);
      expect(await indexDefinitions(tableName)).toEqual([
        'USING btree (message_id)',
        'USING btree (recipient_key, at)',
      ]);

      const store = new PostgresEventStore({ pool, schema, tableName });
      await store.migrate();
      expect(await indexDefinitions(tableName)).toEqual([
        'USING btree (recipient_key, at) WHERE (recipient_key IS NOT NULL)',
        'USING hash (message_id)',
      ]);
      const { rows } = await pool.query<{ version: number }>(
        `SELECT version FROM "${schema}".wacloud_schema_version WHERE table_name = $1`,
        [tableName],
      );
      expect(rows).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);

      const target = events[7] as StoredEvent & { messageId: string };
      expect(await collect(store, { messageIds: [target.messageId] })).toEqual(
        events.filter((event) => 'messageId' in event && event.messageId === target.messageId),
      );
      const recipient = '90555000007';
      expect(await collect(store, { recipientIds: [recipient] })).toEqual(
        events.filter((event) => 'recipientId' in event && event.recipientId === recipient),
      );
      // Repeats are still repeats after the migration, and new events are stored.
      const next: StoredEvent = {
        kind: 'status',
        messageId: target.messageId,
        status: 'read',
        at: new Date(),
      };
      expect(await store.appendNew([...events.slice(0, 10), next])).toEqual([next]);
    });

    it('lets the planner answer recipient and message look-ups from the new indexes', async () => {
      const tableName = `idx_${++tables}`;
      await version5Table(tableName, events);
      await new PostgresEventStore({ pool, schema, tableName }).migrate();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL enable_seqscan = off');
        const plan = async (where: string, values: unknown[]) =>
          (await client.query(`EXPLAIN SELECT * FROM "${schema}"."${tableName}" WHERE ${where}`, values)).rows
            .map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN'])
            .join('\n');
        expect(await plan('recipient_key = $1', ['90555000007'])).toMatch(/recipient_key_at_idx/);
        expect(await plan('recipient_key = ANY($1)', [['90555000007', '90555000008']])).toMatch(
          /recipient_key_at_idx/,
        );
        expect(await plan('message_id = $1', ['wamid.HBgL0007'])).toMatch(/message_id_idx/);
        expect(await plan('message_id = ANY($1)', [['wamid.HBgL0007', 'wamid.HBgL0008']])).toMatch(
          /message_id_idx/,
        );
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
    });

    it('migrates an empty version-5 table, and partitions created afterwards get the new indexes', async () => {
      const tableName = `idx_${++tables}`;
      await version5Table(tableName, []);
      const store = new PostgresEventStore({ pool, schema, tableName });
      await store.append(events);
      expect(await indexDefinitions(tableName)).toEqual([
        'USING btree (recipient_key, at) WHERE (recipient_key IS NOT NULL)',
        'USING hash (message_id)',
      ]);
      expect(await collect(store, {})).toHaveLength(events.length);
    });
  },
);
