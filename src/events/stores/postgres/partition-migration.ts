import type pg from 'pg';
import { eventIndexStatements } from '../sql/event-indexes.js';
import { EVENT_COLUMNS } from '../sql/event-row.js';
import {
  createMonthPartitions,
  eventKeyHashSql,
  eventKeysTableName,
  monthOf,
  type PartitionedTable,
} from './monthly-partitions.js';

/** The indexes and constraints of the unpartitioned (version 1–3) events table, dropped before it is copied. */
function unpartitionedIndexNames(name: string): string[] {
  return eventIndexStatements('t', name).map((sql) => /INDEX "([^"]+)"/.exec(sql)?.[1] as string);
}

/**
 * Schema step 4: turns the events table into one partitioned by month of `at`, runs inside the
 * migration's transaction. PostgreSQL requires every unique constraint of a partitioned table to include
 * the partition key, but an event's identity (`event_key`) does not include its time (a second
 * `delivered` at another time is a repeat), so the keys (hashed, see `eventKeyHashSql`) move to their own table `<name>_event_keys`,
 * which every write inserts into first (the events whose key was new are then stored). A row trigger
 * deletes an event's key with the event, so whoever deletes events (an erasure, a purge) lets the key go.
 *
 * Ids are kept, and the new id sequence continues after the old one, so change-feed cursors stay valid.
 * The rows are copied (one `INSERT … SELECT`): on a large table this takes a while under the migration's
 * lock, so run `store.migrate()` from a deploy step rather than on the first webhook.
 */
export async function partitionEventsTable(client: pg.ClientBase, table: PartitionedTable): Promise<void> {
  const { schema, name } = table;
  const q = (n: string) => `"${schema}"."${n}"`;
  const events = q(name);
  const legacy = q(`${name}_unpartitioned`);
  const keys = q(eventKeysTableName(name));
  const sequence = q(`${name}_id_seq`);
  const columns = EVENT_COLUMNS.join(', ');

  // Where the old identity sequence stopped (ids handed out by rolled-back inserts included).
  const { rows: stops } = await client.query<{ last: string | null }>(
    `SELECT greatest((SELECT max(id) FROM ${events}),
       (SELECT last_value FROM pg_sequences WHERE schemaname = $1 AND sequencename = $2 AND last_value IS NOT NULL))::text AS last`,
    [schema, `${name}_id_seq`],
  );
  const lastId = Number(stops[0]?.last ?? 0);
  const { rows: months } = await client.query<{ ms: string }>(
    `SELECT DISTINCT (extract(epoch FROM date_trunc('month', at, 'UTC')) * 1000)::bigint::text AS ms FROM ${events}`,
  );

  for (const index of unpartitionedIndexNames(name)) await client.query(`DROP INDEX ${q(index)}`);
  await client.query(`ALTER TABLE ${events} DROP CONSTRAINT "${name}_event_key_key"`);
  await client.query(`ALTER TABLE ${events} DROP CONSTRAINT "${name}_pkey"`);
  await client.query(`ALTER TABLE ${events} ALTER COLUMN id DROP IDENTITY`);
  await client.query(`ALTER TABLE ${events} RENAME TO "${name}_unpartitioned"`);

  await client.query(`CREATE SEQUENCE ${sequence} AS bigint`);
  if (lastId > 0) await client.query('SELECT setval($1::regclass, $2)', [sequence, lastId]);
  await client.query(`CREATE TABLE ${events} (
    id bigint NOT NULL DEFAULT nextval('${sequence}'),
    event_key text COLLATE "C" NOT NULL,
    kind text NOT NULL,
    at timestamptz NOT NULL,
    recipient_key text COLLATE "C",
    message_id text COLLATE "C",
    recipient_id text,
    campaign_id text COLLATE "C",
    variant text,
    segment text,
    status text,
    error_code integer,
    context_message_id text COLLATE "C",
    button_payload text,
    message_text text,
    conversion_value double precision,
    currency text,
    pricing_category text,
    pricing_type text,
    pricing_billable boolean,
    extra jsonb,
    CONSTRAINT "${name}_pkey" PRIMARY KEY (id, at)
  ) PARTITION BY RANGE (at)`);
  await client.query(`ALTER SEQUENCE ${sequence} OWNED BY ${events}.id`);
  for (const statement of eventIndexStatements(events, name)) await client.query(statement);
  await client.query(`CREATE TABLE ${keys} (key_hash uuid PRIMARY KEY)`);
  await client.query(`CREATE FUNCTION ${q(`${name}_forget_key`)}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN DELETE FROM ${keys} WHERE key_hash = ${eventKeyHashSql('OLD.event_key')}; RETURN NULL; END $$`);
  await client.query(`CREATE TRIGGER "${name}_forget_key" AFTER DELETE ON ${events}
    FOR EACH ROW EXECUTE FUNCTION ${q(`${name}_forget_key`)}()`);

  const now = Date.now();
  await createMonthPartitions(client, table, [...months.map((row) => monthOf(Number(row.ms))), monthOf(now)]);
  await client.query(`INSERT INTO ${events} (id, ${columns}) SELECT id, ${columns} FROM ${legacy}`);
  await client.query(
    `INSERT INTO ${keys} (key_hash) SELECT ${eventKeyHashSql('event_key')} FROM ${legacy} ORDER BY 1`,
  );
  await client.query(`DROP TABLE ${legacy}`);
}
