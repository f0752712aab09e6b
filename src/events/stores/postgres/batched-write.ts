import type pg from 'pg';
import type { StatusSummary } from '../../../metrics/status-fold.js';
import type { StoredEvent } from '../../stored-event.js';
import { toEventRow } from '../sql/event-row.js';
import { foldStatusRollups, statusRollupValues } from '../sql/status-rollup.js';
import type { PostgresStatements } from './statements.js';
import { retryDeadlocks, withTransaction } from './transaction.js';

/** What {@link writeEvents} did. */
export interface WrittenEvents {
  /** Each given event's key, in input order. */
  readonly keys: string[];
  /** The keys of the rows added (only when asked for: `returnAdded`). */
  readonly added: Set<string>;
  /** How many rows were added. */
  readonly inserted: number;
}

/**
 * Inserts `events` in multi-row statements of `batchSize` rows and folds their statuses into the status
 * rollup, atomically: one statement when they fit one batch (the usual webhook append, one round trip),
 * else one transaction. Events already stored are skipped.
 *
 * Concurrent appends of overlapping events can deadlock on the unique key (each waits for the other's
 * uncommitted copy); PostgreSQL then aborts one of them, which runs again: it rolled back whole, and the
 * inserts are idempotent.
 */
export function writeEvents(
  pool: pg.Pool,
  statements: PostgresStatements,
  events: readonly StoredEvent[],
  options: { batchSize: number; returnAdded: boolean },
): Promise<WrittenEvents> {
  if (events.length === 0) return Promise.resolve({ keys: [], added: new Set(), inserted: 0 });
  return retryDeadlocks(() => writeOnce(pool, statements, events, options));
}

/** The rows of events, a batch at a time, as the JSON parameters of the insert and the rollup merge. */
class BatchPayloads {
  readonly keys: string[] = [];
  readonly #rollups = new Map<string, StatusSummary>();
  readonly #events: readonly StoredEvent[];
  readonly #batchSize: number;

  constructor(events: readonly StoredEvent[], batchSize: number) {
    this.#events = events;
    this.#batchSize = batchSize;
  }

  get batchCount(): number {
    return Math.ceil(this.#events.length / this.#batchSize);
  }

  get hasStatuses(): boolean {
    return this.#rollups.size > 0;
  }

  /** Batch `index` as a JSON array of rows (its statuses are folded into the rollups on the way). */
  events(index: number): string {
    const size = this.#batchSize;
    const rows = this.#events.slice(index * size, (index + 1) * size).map(toEventRow);
    for (const row of rows) this.keys.push(row[0] as string);
    foldStatusRollups(rows, this.#rollups);
    return JSON.stringify(rows);
  }

  /** Every batch's status rollups so far, as one JSON array. */
  rollups(): string {
    return JSON.stringify(
      [...this.#rollups].map(([messageId, rollup]) => statusRollupValues(messageId, rollup)),
    );
  }
}

async function writeOnce(
  pool: pg.Pool,
  statements: PostgresStatements,
  events: readonly StoredEvent[],
  { batchSize, returnAdded }: { batchSize: number; returnAdded: boolean },
): Promise<WrittenEvents> {
  const payloads = new BatchPayloads(events, batchSize);
  const added = new Set<string>();
  const first = payloads.events(0);
  const insertSql = returnAdded ? `${statements.insertEvents} RETURNING event_key` : statements.insertEvents;

  if (payloads.batchCount === 1) {
    if (!payloads.hasStatuses) {
      const result = await pool.query<{ event_key: string }>(insertSql, [first]);
      for (const row of result.rows) added.add(row.event_key);
      return { keys: payloads.keys, added, inserted: result.rowCount ?? 0 };
    }
    // One statement stores the events and merges their statuses into the rollup: atomic without a
    // transaction block.
    const result = await pool.query<{ event_key: string; inserted: number }>(
      `WITH inserted AS (${statements.insertEvents} RETURNING event_key),
        merged AS (${statements.upsertRollups('$2')})
      ${returnAdded ? 'SELECT event_key FROM inserted' : 'SELECT count(*)::int AS inserted FROM inserted'}`,
      [first, payloads.rollups()],
    );
    if (returnAdded) for (const row of result.rows) added.add(row.event_key);
    const inserted = returnAdded ? result.rows.length : (result.rows[0]?.inserted ?? 0);
    return { keys: payloads.keys, added, inserted };
  }

  // Several batches: all or nothing, their status rollup too; without `validate`, a bad event found
  // while mapping a later batch rolls the earlier ones back.
  return withTransaction(pool, async (client) => {
    let inserted = 0;
    let pending = client.query<{ event_key: string }>(insertSql, [first]);
    for (let batch = 1; batch <= payloads.batchCount; batch++) {
      // Map the next batch while the server inserts this one.
      let next: string | undefined;
      try {
        next = batch < payloads.batchCount ? payloads.events(batch) : undefined;
      } finally {
        const result = await pending;
        for (const row of result.rows) added.add(row.event_key);
        inserted += result.rowCount ?? 0;
      }
      if (next !== undefined) pending = client.query<{ event_key: string }>(insertSql, [next]);
    }
    if (payloads.hasStatuses) await client.query(statements.upsertRollups('$1'), [payloads.rollups()]);
    return { keys: payloads.keys, added, inserted };
  });
}
