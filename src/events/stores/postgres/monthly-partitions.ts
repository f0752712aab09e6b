import type pg from 'pg';
import { statusRollupTableName } from '../sql/status-rollup.js';
import { withClientTransaction } from './transaction.js';

/*
 * The PostgreSQL events table is partitioned by calendar month (UTC) of the event time `at`: one
 * partition `<table>_pYYYY_MM` per month, created before the first event of that month is written (and
 * the month after it with it, ahead), dropped whole by `dropPartitionsBefore`.
 */

/** Where a partitioned events table lives: the names {@link monthlyPartitions} derives the rest from. */
export interface PartitionedTable {
  /** The schema (a checked identifier, unquoted). */
  readonly schema: string;
  /** The events table (a checked identifier, unquoted). */
  readonly name: string;
}

/** What `PostgresEventStore.dropPartitionsBefore` removed. */
export interface DroppedPartitions {
  /** The partitions dropped (unquoted names), oldest first. */
  readonly partitions: string[];
  /** The events they held. */
  readonly events: number;
}

const PARTITION_NAME = /_p(\d{4})_(\d{2})$/;

/** The month (`YYYY_MM`, UTC) holding the instant `ms` (epoch milliseconds). */
export function monthOf(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCFullYear().toString().padStart(4, '0')}_${(date.getUTCMonth() + 1).toString().padStart(2, '0')}`;
}

/** The month (`YYYY_MM`) of a partition's name (one {@link PARTITION_NAME} matches). */
function monthOfPartition(name: string): string {
  const match = PARTITION_NAME.exec(name) as RegExpExecArray;
  return `${match[1]}_${match[2]}`;
}

/** The first instant of `month` (`YYYY_MM`) and of the month after it, as epoch milliseconds. */
function monthBounds(month: string): [number, number] {
  const [year, monthNumber] = month.split('_').map(Number) as [number, number];
  return [Date.UTC(year, monthNumber - 1, 1), Date.UTC(year, monthNumber, 1)];
}

/** The month after `month`. */
function nextMonth(month: string): string {
  return monthOf(monthBounds(month)[1]);
}

function quoted(table: PartitionedTable, name: string = table.name): string {
  return `"${table.schema}"."${name}"`;
}

/** The name of the partition of `month`. */
export function partitionName(table: PartitionedTable, month: string): string {
  return `${table.name}_p${month}`;
}

/** The idempotency-key table of an events table: one row per stored event, its {@link eventKeyHashSql} (see the v4 schema step). */
export function eventKeysTableName(name: string): string {
  return `${name}_event_keys`;
}

/**
 * The idempotency key stored for the `event_key` expression `text`: the first 128 bits of its SHA-256,
 * as a uuid. A quarter of the size of the key itself (Meta's message ids are ~60 characters), so the key
 * table's index has a quarter of the pages for random inserts to touch; collisions are out of reach
 * (2^64 work even for someone choosing the keys).
 */
export function eventKeyHashSql(text: string): string {
  return `encode(substring(sha256(convert_to(${text}, 'UTF8')) FROM 1 FOR 16), 'hex')::uuid`;
}

/**
 * Triggers that keep the key table in step with the events: when an event's `event_key` is rewritten (an
 * erasure replaces the keys of a person's events) the old key's hash goes and the new one's comes, and
 * a TRUNCATE of the events empties the keys too (else events stored again would be taken for repeats).
 */
export function rekeyTriggerStatements(table: PartitionedTable): string[] {
  const keys = quoted(table, eventKeysTableName(table.name));
  const fn = quoted(table, `${table.name}_rekey`);
  const truncate = quoted(table, `${table.name}_truncate_keys`);
  return [
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM ${keys} WHERE key_hash = ${eventKeyHashSql('OLD.event_key')};
      INSERT INTO ${keys} (key_hash) VALUES (${eventKeyHashSql('NEW.event_key')}) ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$`,
    `CREATE TRIGGER "${table.name}_rekey" AFTER UPDATE OF event_key ON ${quoted(table)}
    FOR EACH ROW WHEN (OLD.event_key IS DISTINCT FROM NEW.event_key) EXECUTE FUNCTION ${fn}()`,
    `CREATE FUNCTION ${truncate}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN TRUNCATE ${keys}; RETURN NULL; END $$`,
    `CREATE TRIGGER "${table.name}_truncate_keys" AFTER TRUNCATE ON ${quoted(table)}
    FOR EACH STATEMENT EXECUTE FUNCTION ${truncate}()`,
  ];
}

/** Takes the advisory lock that serialises partition changes of the table (until the transaction ends). */
function lockPartitions(client: pg.ClientBase, table: PartitionedTable): Promise<unknown> {
  return client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
    `wacloud:partitions:${table.schema}.${table.name}`,
  ]);
}

/**
 * Creates the partitions of `months` (`YYYY_MM`) that are missing, each with the month after it, inside
 * the caller's transaction, under an advisory lock on the table so processes racing to create the same
 * month do it once.
 */
export async function createMonthPartitions(
  client: pg.ClientBase,
  table: PartitionedTable,
  months: Iterable<string>,
): Promise<void> {
  const wanted = new Set<string>();
  for (const month of months) wanted.add(month).add(nextMonth(month));
  await lockPartitions(client, table);
  const existing = new Set(await listPartitions(client, table));
  for (const month of [...wanted].sort()) {
    const name = partitionName(table, month);
    if (existing.has(name)) continue;
    const [from, to] = monthBounds(month).map((ms) => new Date(ms).toISOString());
    // Created apart, then attached: ATTACH takes a lock on the events table that lets writers and
    // readers carry on (CREATE … PARTITION OF would wait for every open scan, and stall every write
    // queued behind it). The new table is empty, so checking its bound is instant.
    await client.query(
      `CREATE TABLE ${quoted(table, name)} (LIKE ${quoted(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
    );
    await client.query(
      `ALTER TABLE ${quoted(table)} ATTACH PARTITION ${quoted(table, name)} FOR VALUES FROM ('${from}') TO ('${to}')`,
    );
  }
}

/** The partitions of the table, by name. */
async function listPartitions(db: pg.ClientBase | pg.Pool, table: PartitionedTable): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = $1::regclass`,
    [quoted(table)],
  );
  return rows.map((row) => row.name);
}

/**
 * Remembers which month partitions exist, so a write creates one only for a month it has not seen
 * (a round trip per new month, not per write).
 */
export class MonthPartitions {
  readonly #table: PartitionedTable;
  readonly #known = new Set<string>();

  constructor(table: PartitionedTable) {
    this.#table = table;
  }

  /** Makes sure the partitions of the months of the events' times exist (invalid times are skipped). */
  async ensure(pool: pg.Pool, events: readonly { at: unknown }[]): Promise<void> {
    const missing = new Set<string>();
    // Most events of an append fall in one month: a range check instead of a month name per event.
    let from = 0;
    let to = -1;
    for (const event of events) {
      const ms = event.at instanceof Date ? event.at.getTime() : Number.NaN;
      if (Number.isNaN(ms) || (ms >= from && ms < to)) continue;
      const month = monthOf(ms);
      [from, to] = monthBounds(month);
      if (!this.#known.has(month)) missing.add(month);
    }
    if (missing.size === 0) return;
    const client = await pool.connect();
    try {
      await withClientTransaction(client, () => createMonthPartitions(client, this.#table, missing));
    } finally {
      client.release();
    }
    for (const month of missing) this.#known.add(month).add(nextMonth(month));
  }

  /** Forgets what it knew (after a write found a partition missing: another process dropped it). */
  forget(): void {
    this.#known.clear();
  }
}

/** Whether `error` is PostgreSQL's "no partition of relation … found for row" (SQLSTATE 23514). */
export function isMissingPartition(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '23514' && typeof message === 'string' && message.includes('no partition');
}

/**
 * Drops every month partition of the events table that ends at or before `before` (whole months only:
 * the month `before` falls in stays), with the idempotency keys of its events, in one transaction.
 * Cheaper than deleting the rows by far (no dead tuples, no vacuum), so a retention purge calls this
 * first and deletes row by row only what is left before `before`. Status rollup and identity rows are
 * left to the caller.
 *
 * @example
 * ```ts
 * const { partitions, events } = await dropPartitionsBefore(pool, { schema: 'public', name: 'wacloud_events' }, cutoff);
 * ```
 */
export async function dropPartitionsBefore(
  pool: pg.Pool,
  table: PartitionedTable,
  before: Date,
): Promise<DroppedPartitions> {
  const limit = before.getTime();
  if (Number.isNaN(limit)) throw new TypeError('dropPartitionsBefore: `before` must be a valid Date');
  const client = await pool.connect();
  try {
    return await withClientTransaction(client, async () => {
      await lockPartitions(client, table);
      const doomed = (await listPartitions(client, table))
        .filter((name) => {
          const month = PARTITION_NAME.test(name) ? monthOfPartition(name) : undefined;
          return month !== undefined && monthBounds(month)[1] <= limit;
        })
        .sort();
      let events = 0;
      const keys = quoted(table, eventKeysTableName(table.name));
      for (const name of doomed) {
        const partition = quoted(table, name);
        // Detached first, so no writer can add rows to it between the key deletion and the drop.
        await client.query(`ALTER TABLE ${quoted(table)} DETACH PARTITION ${partition}`);
        const deleted = await client.query(
          `DELETE FROM ${keys} k USING ${partition} p WHERE k.key_hash = ${eventKeyHashSql('p.event_key')}`,
        );
        events += deleted.rowCount ?? 0;
        await client.query(`DROP TABLE ${partition}`);
        // The rollup rows stay (statuses), but their sends are gone: the campaign summary must not count them.
        const [from, to] = monthBounds(monthOfPartition(name));
        await client.query(
          `UPDATE ${quoted(table, statusRollupTableName(table.name))} SET campaign_id = NULL, sent_at = NULL,
             recipient_key = NULL, variant = NULL, segment = NULL
           WHERE campaign_id IS NOT NULL AND sent_at >= $1 AND sent_at < $2`,
          [new Date(from), new Date(to)],
        );
      }
      return { partitions: doomed, events };
    });
  } finally {
    client.release();
  }
}
