import type { EventFilter } from '../../event-store.js';
import type { StoredEvent } from '../../stored-event.js';
import { eventFilterConditions } from './event-filter-sql.js';
import { EVENT_COLUMNS, fromEventRow, fromEventValues, type StoredEventRow } from './event-row.js';
import { type SqlDialect, SqlParams } from './sql-params.js';

/** How a SQL store's events table is paged through by {@link keysetScan}. */
export interface KeysetScanSource {
  readonly dialect: SqlDialect;
  /** The quoted events table, aliased `e` in the statement. */
  readonly table: string;
  /** Select list (table aliased `e`) that {@link fromEventRow} turns back into events; includes `id`. */
  readonly eventColumns: string;
  /** Rows per page (one SELECT each). */
  readonly pageSize: number;
  /** Runs one SELECT and resolves its rows. */
  readonly select: (sql: string, values: unknown[]) => Promise<StoredEventRow[]>;
  /**
   * Runs one SELECT and resolves its rows as arrays, when the store can (cheaper to read than objects);
   * given only when `eventColumns` lists `id` then every column of `EVENT_COLUMNS`, in that order.
   */
  readonly selectArrays?: (sql: string, values: unknown[]) => Promise<unknown[][]>;
}

/** Where `at` is in a row read as an array (the id, then `EVENT_COLUMNS`). */
const AT_VALUE = 1 + EVENT_COLUMNS.indexOf('at');

/** Where the last page ended: the `(at, id)` of its last row (`at` in epoch ms). */
interface PageEnd {
  readonly at: number;
  readonly id: unknown;
}

/**
 * Streams the events matching `filter` in ascending `at`, ties in append order (the row id), a page at a
 * time: keyset pagination on `(at, id)`, each page starting strictly after the last row of the one
 * before, so the table stays usable while the caller iterates and no row is skipped or repeated when
 * many events share one instant. Not a snapshot: an event appended meanwhile may appear if it sorts
 * after the current page.
 */
export async function* keysetScan(source: KeysetScanSource, filter: EventFilter): AsyncIterable<StoredEvent> {
  const { dialect, pageSize } = source;
  let after: PageEnd | undefined;
  for (;;) {
    const params = new SqlParams(dialect);
    const conditions = eventFilterConditions(filter, params);
    if (after !== undefined) {
      // In placeholder order: SQLite's `?` are positional.
      const at = params.addInstant(after.at);
      const id = dialect === 'postgres' ? `${params.add(after.id)}::bigint` : params.add(after.id);
      conditions.push(`(e.at, e.id) > (${at}, ${id})`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const sql = `SELECT ${source.eventColumns} FROM ${source.table} e ${where} ORDER BY e.at, e.id LIMIT ${pageSize}`;
    if (source.selectArrays !== undefined) {
      const rows = await source.selectArrays(sql, params.values);
      for (const row of rows) yield fromEventValues(row, 1);
      const last = rows.at(-1);
      if (rows.length < pageSize || last === undefined) return;
      after = { at: Number(last[AT_VALUE]), id: last[0] };
      continue;
    }
    const rows = await source.select(sql, params.values);
    for (const row of rows) yield fromEventRow(row);
    const last = rows.at(-1);
    if (rows.length < pageSize || last === undefined) return;
    after = { at: Number(last.at), id: last.id };
  }
}
