import { ConfigError } from '../../../errors/index.js';
import type { EventChanges, EventCursor } from '../../event-changes.js';
import type { StoredEvent } from '../../stored-event.js';
import { EVENT_COLUMNS, fromEventRow, fromEventValues, type StoredEventRow } from './event-row.js';
import { type SqlDialect, SqlParams } from './sql-params.js';

/**
 * How long an id skipped in the feed is looked for again. PostgreSQL hands out identity values when a
 * row is inserted, not when its transaction commits, so a reader may see id 12 before id 11 commits:
 * the feed remembers 11 as a hole and asks for it on every read until it shows up or this long passes.
 * Holes that never fill are normal (a rolled-back insert, or `ON CONFLICT DO NOTHING` on a repeat,
 * still uses up its id); a transaction that commits later than this after inserting would be missed.
 */
export const CHANGE_FEED_HOLE_GRACE_MS = 10_000;

/** A gap wider than this (a purge, a bulk rollback) is not tracked id by id. */
const MAX_TRACKED_GAP = 10_000;

/** PostgreSQL: a fresh cursor starts this many ids before the newest, to cover inserts not yet committed. */
const LATEST_OVERLAP = 1000;

/** The decoded form of a SQL store's {@link EventCursor}. */
interface SqlCursor {
  /** Every id up to this one was read, except `holes`. */
  after: number;
  /** Ids at or below `after` not seen yet. */
  holes: number[];
  /** When each hole was first noticed (epoch ms), parallel to `holes`. */
  seen: number[];
}

/** What the feed needs from a SQL store. */
export interface SqlChangeSource {
  readonly dialect: SqlDialect;
  /** The quoted events table. */
  readonly table: string;
  /** The select list that reads an event row of table alias `e` (as the store's scans read it). */
  readonly columns: string;
  /** Runs a query and returns its rows. */
  select(sql: string, values: unknown[]): Promise<StoredEventRow[]>;
  /**
   * Runs a query and returns its rows as arrays, when the store can (cheaper to read than objects);
   * given only when `columns` lists `id` then every column of {@link EVENT_COLUMNS}, in that order.
   */
  selectArrays?(sql: string, values: unknown[]): Promise<unknown[][]>;
}

/** The feed's rows, as objects or arrays: the id and the event of each. */
interface FeedRows {
  readonly length: number;
  id(i: number): number;
  event(i: number): StoredEvent;
}

async function selectFeedRows(source: SqlChangeSource, sql: string, values: unknown[]): Promise<FeedRows> {
  if (source.selectArrays !== undefined) {
    const rows = await source.selectArrays(sql, values);
    return {
      length: rows.length,
      id: (i) => Number(rows[i]![0]),
      event: (i) => fromEventValues(rows[i]!, 1),
    };
  }
  const rows = await source.select(sql, values);
  return { length: rows.length, id: (i) => Number(rows[i]!.id), event: (i) => fromEventRow(rows[i]!) };
}

function decode(cursor: EventCursor | undefined): SqlCursor {
  if (cursor === undefined) return { after: 0, holes: [], seen: [] };
  try {
    const value = JSON.parse(cursor) as { a?: unknown; h?: unknown; t?: unknown };
    const { a, h, t } = value;
    if (
      Number.isSafeInteger(a) &&
      Array.isArray(h) &&
      Array.isArray(t) &&
      h.length === t.length &&
      h.every(Number.isSafeInteger) &&
      t.every(Number.isFinite)
    ) {
      return { after: a as number, holes: h as number[], seen: t as number[] };
    }
  } catch {
    // reported below
  }
  throw new ConfigError('readSince: not a cursor of this store');
}

function encode(cursor: SqlCursor): EventCursor {
  return JSON.stringify({ a: cursor.after, h: cursor.holes, t: cursor.seen });
}

/**
 * The SQL stores' `readSince`: up to `limit` rows after the cursor's id, plus the holes it still waits
 * for that have filled, in id order. Reads cost what was appended since (an index range on the primary
 * key, and one lookup per hole), not the table size.
 */
export async function readSinceSql(
  source: SqlChangeSource,
  cursor: EventCursor | undefined,
  limit: number,
  nowMs = Date.now(),
): Promise<EventChanges> {
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new ConfigError('readSince: limit must be a positive integer');
  const from = decode(cursor);
  const holes: number[] = [];
  const seen: number[] = [];
  from.holes.forEach((id, i) => {
    if (nowMs - from.seen[i]! < CHANGE_FEED_HOLE_GRACE_MS) {
      holes.push(id);
      seen.push(from.seen[i]!);
    }
  });
  const params = new SqlParams(source.dialect);
  // Two index lookups, not one `id > a OR id IN holes`: with the OR the planner either walks the key
  // index from the start filtering every row (a backlog makes that a scan of the table) or sorts the
  // whole backlog before the LIMIT; apart, each part reads only its own rows. (Parameters are added
  // in the order they appear: SQLite's are positional.)
  let wanted: string | undefined;
  if (holes.length > 0) {
    wanted =
      source.dialect === 'postgres'
        ? `e.id = ANY(${params.add(holes)}::bigint[])`
        : `e.id IN (SELECT value FROM json_each(${params.add(JSON.stringify(holes))}))`;
  }
  const range = `SELECT ${source.columns} FROM ${source.table} e WHERE e.id > ${params.add(from.after)} ORDER BY e.id LIMIT ${params.add(limit)}`;
  const sql =
    wanted === undefined
      ? range
      : `SELECT * FROM (SELECT * FROM (SELECT ${source.columns} FROM ${source.table} e WHERE ${wanted}) AS h
      UNION ALL SELECT * FROM (${range}) AS r) AS f ORDER BY CAST(f.id AS bigint)`;
  const found = await selectFeedRows(source, sql, params.values);
  // Holes come first (their ids are lower); rows beyond `limit` are read next time (a hole stays one).
  const count = Math.min(found.length, limit);
  let newRows = 0;
  for (let i = 0; i < found.length; i++) if (found.id(i) > from.after) newRows++;
  const more = found.length > limit || newRows === limit;
  const filled = new Set<number>();
  let last = from.after;
  for (let i = 0; i < count; i++) {
    const id = found.id(i);
    if (id <= from.after) {
      filled.add(id);
      continue;
    }
    if (id - last > 1 && id - last <= MAX_TRACKED_GAP) {
      for (let missing = last + 1; missing < id; missing++) {
        holes.push(missing);
        seen.push(nowMs);
      }
    }
    last = id;
  }
  const next: SqlCursor = { after: last, holes: [], seen: [] };
  holes.forEach((id, i) => {
    if (!filled.has(id)) {
      next.holes.push(id);
      next.seen.push(seen[i]!);
    }
  });
  const events: StoredEvent[] = new Array(count);
  for (let i = 0; i < count; i++) events[i] = found.event(i);
  return { events, cursor: encode(next), more };
}

/**
 * A cursor at the newest row now stored. On PostgreSQL it starts {@link LATEST_OVERLAP} ids earlier, so
 * rows inserted by transactions still open are read when they commit (a repeat is folded away).
 */
export async function latestCursorSql(source: SqlChangeSource): Promise<EventCursor> {
  const [row] = await source.select(`SELECT max(id) AS id FROM ${source.table}`, []);
  const max = row?.id === null || row?.id === undefined ? 0 : Number(row.id);
  const after = source.dialect === 'postgres' ? Math.max(0, max - LATEST_OVERLAP) : max;
  return encode({ after, holes: [], seen: [] });
}
