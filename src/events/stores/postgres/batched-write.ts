import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import type { StoredEvent } from '../../stored-event.js';
import type { EventRowValues } from '../sql/event-row.js';
import { AppendRows, nextCopyText } from './append-rows.js';
import { isMissingPartition, type MonthPartitions } from './monthly-partitions.js';
import { COPY_STAGE_SQL, createCopyStageSql, type PostgresStatements } from './statements.js';
import { retryDeadlocks, withClientTransaction } from './transaction.js';

/** What {@link writeEvents} did. */
export interface WrittenEvents {
  /** Each given event's key, in input order. */
  readonly keys: string[];
  /** The keys of the rows added (only when asked for: `returnAdded`). */
  readonly added: Set<string>;
  /** How many rows were added. */
  readonly inserted: number;
}

/** How {@link writeEvents} writes. */
export interface WriteOptions {
  /** Rows mapped and sent at a time through COPY (the next chunk is mapped while the server takes this one). */
  readonly batchSize: number;
  /** Appends of at least this many events go through COPY; smaller ones through one INSERT statement. */
  readonly copyThreshold: number;
  /** Whether to return the keys of the events added. */
  readonly returnAdded: boolean;
  /** The month partitions known to exist (created here for new months). */
  readonly partitions: MonthPartitions;
}

/**
 * Stores `events` and folds their statuses into the status rollup, atomically, skipping events already
 * stored (by key, through the idempotency-key table) and repeats within `events`. A small append is one
 * INSERT statement (one round trip, the usual webhook append); a large one is a transaction that COPYs
 * the rows, with their key hashes computed here, into a temporary staging table, then stores those whose
 * key is new and merges the rollups in one statement. The month partitions the events fall in are created first when missing.
 *
 * Concurrent appends of overlapping events can deadlock on a key (each waits for the other's
 * uncommitted copy); PostgreSQL then aborts one of them, which runs again: it rolled back whole, and the
 * writes are idempotent.
 */
export async function writeEvents(
  pool: pg.Pool,
  statements: PostgresStatements,
  events: readonly StoredEvent[],
  options: WriteOptions,
): Promise<WrittenEvents> {
  if (events.length === 0) return { keys: [], added: new Set(), inserted: 0 };
  await options.partitions.ensure(pool, events);
  const copyFrom = events.length >= options.copyThreshold ? await loadCopyFrom() : undefined;
  const write = () =>
    retryDeadlocks(() =>
      copyFrom
        ? copyOnce(pool, statements, events, options, copyFrom)
        : insertOnce(pool, statements, events, options.returnAdded),
    );
  try {
    return await write();
  } catch (error) {
    // Another process dropped a partition this one still thought was there: create it again, once.
    if (!isMissingPartition(error)) throw error;
    options.partitions.forget();
    await options.partitions.ensure(pool, events);
    return write();
  }
}

function written(rows: AppendRows, result: pg.QueryResult, returnAdded: boolean): WrittenEvents {
  const added = new Set<string>();
  if (returnAdded) for (const row of result.rows as { event_key: string }[]) added.add(row.event_key);
  const inserted = returnAdded
    ? result.rows.length
    : ((result.rows[0] as { inserted?: number })?.inserted ?? 0);
  return { keys: rows.keys, added, inserted };
}

/** A small append: one statement (atomic without a transaction block). */
async function insertOnce(
  pool: pg.Pool,
  statements: PostgresStatements,
  events: readonly StoredEvent[],
  returnAdded: boolean,
): Promise<WrittenEvents> {
  const rows = new AppendRows(events);
  const unique: EventRowValues[] = [];
  rows.next(events.length, (_, row) => unique.push(row));
  const batch = JSON.stringify(unique);
  const sql = statements.ingest('json', {
    rollups: rows.hasStatuses ? '$2' : undefined,
    returnKeys: returnAdded,
  });
  const result = await pool.query(sql, rows.hasStatuses ? [batch, rows.rollups()] : [batch]);
  return written(rows, result, returnAdded);
}

/** Connections that have the staging table (it lives as long as the session). */
const STAGED = new WeakSet<pg.ClientBase>();

type CopyFrom = typeof import('pg-copy-streams').from;
let copyFromModule: Promise<CopyFrom | undefined> | undefined;

/**
 * `pg-copy-streams`'s `from`, loaded on the first large append. It is an optional peer: when it is not
 * installed, large appends go through the INSERT statement too (slower, the same result).
 */
function loadCopyFrom(): Promise<CopyFrom | undefined> {
  copyFromModule ??= import('pg-copy-streams').then(
    (module) => module.from ?? (module as unknown as { default?: { from?: CopyFrom } }).default?.from,
    () => undefined,
  );
  return copyFromModule;
}

/**
 * A large append: COPY into the session's staging table, then one statement; in one transaction, so a
 * bad event found while mapping a later chunk (without `validate`) leaves nothing stored.
 */
async function copyOnce(
  pool: pg.Pool,
  statements: PostgresStatements,
  events: readonly StoredEvent[],
  { batchSize, returnAdded }: WriteOptions,
  copyFrom: CopyFrom,
): Promise<WrittenEvents> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    if (!STAGED.has(client)) {
      await client.query(createCopyStageSql());
      STAGED.add(client);
    }
    return await withClientTransaction(client, async () => {
      const rows = new AppendRows(events);
      async function* lines(): AsyncGenerator<string> {
        while (!rows.done) {
          const text = nextCopyText(rows, batchSize);
          if (text !== '') yield text;
        }
      }
      await pipeline(Readable.from(lines()), client.query(copyFrom(COPY_STAGE_SQL)));
      const sql = statements.ingest('stage', {
        rollups: rows.hasStatuses ? '$1' : undefined,
        returnKeys: returnAdded,
      });
      return written(rows, await client.query(sql, rows.hasStatuses ? [rows.rollups()] : []), returnAdded);
    });
  } catch (error) {
    // An interrupted COPY can leave the session in a state not worth reusing: the pool drops it.
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(broken);
  }
}
