import { ConfigError } from '../../../errors/index.js';
import {
  type ErasurePlan,
  type ErasureSummary,
  erasureKeyId,
  messageIdsOf,
  missingErasureKey,
  type PurgeSummary,
  planErasure,
  RETAINED_KINDS,
  tombstoneOf,
} from '../../erasure.js';
import type { StoredEvent } from '../../stored-event.js';
import { EVENT_COLUMNS, fromEventRow, type StoredEventRow, toEventRow } from './event-row.js';
import { type SqlDialect, SqlParams } from './sql-params.js';

/*
 * Erasure and retention in both SQL dialects, written as generators of steps (a select or a write) so
 * one procedure serves a synchronous driver (SQLite: inside `db.transaction`) and an asynchronous one
 * (PostgreSQL: on one client between BEGIN and COMMIT). Either way an erasure is all or nothing.
 */

/** The tombstone table's name for the event table `name`. */
export function tombstoneTableName(name: string): string {
  return `${name}_tombstones`;
}

/** `CREATE TABLE` of the tombstone table (quoted name): one row per erased id, its keyed hash only. */
export function createTombstonesSql(table: string, dialect: SqlDialect): string {
  const text = dialect === 'postgres' ? 'text COLLATE "C"' : 'TEXT';
  const instant = dialect === 'postgres' ? 'timestamptz' : 'INTEGER';
  return `CREATE TABLE ${table} (
    tombstone ${text} PRIMARY KEY,
    key_id ${text} NOT NULL,
    erased_at ${instant} NOT NULL
  )`;
}

/** One statement to run: SQL with its dialect's placeholders, and the values. */
export interface SqlStatement {
  readonly sql: string;
  readonly values: unknown[];
}

/** What the erasure and purge SQL need to know about a store's tables. */
export interface SqlPrivacyTables {
  readonly dialect: SqlDialect;
  /** The quoted events table (aliased `e` in selects). */
  readonly table: string;
  /** Select list (alias `e`) that `fromEventRow` reads, including `id`. */
  readonly eventColumns: string;
  readonly rollupTable: string;
  readonly identityTable: string;
  readonly tombstoneTable: string;
}

/** One step of a procedure: a select (answered with its rows) or a write (answered with the rows changed). */
export type SqlStep =
  | { readonly kind: 'select'; readonly statement: SqlStatement }
  | { readonly kind: 'run'; readonly statement: SqlStatement };

/** A procedure: yields steps, gets each one's answer back, returns its result. */
export type SqlProcedure<T> = Generator<SqlStep, T, StoredEventRow[] | number>;

function* select(statement: SqlStatement): Generator<SqlStep, StoredEventRow[], StoredEventRow[] | number> {
  return (yield { kind: 'select', statement }) as StoredEventRow[];
}

function* run(statement: SqlStatement): Generator<SqlStep, number, StoredEventRow[] | number> {
  return (yield { kind: 'run', statement }) as number;
}

/** Runs a procedure synchronously (SQLite): `execute` answers each step. */
export function driveSync<T>(
  procedure: SqlProcedure<T>,
  execute: (step: SqlStep) => StoredEventRow[] | number,
): T {
  let next = procedure.next();
  while (!next.done) next = procedure.next(execute(next.value));
  return next.value;
}

/** Runs a procedure asynchronously (PostgreSQL): `execute` answers each step. */
export async function driveAsync<T>(
  procedure: SqlProcedure<T>,
  execute: (step: SqlStep) => Promise<StoredEventRow[] | number>,
): Promise<T> {
  let next = procedure.next();
  while (!next.done) next = procedure.next(await execute(next.value));
  return next.value;
}

/** Columns an erasure may change; `kind`, `at`, campaign, variant, segment, status and pricing never do. */
const ERASED_COLUMNS = [
  'event_key',
  'recipient_key',
  'message_id',
  'recipient_id',
  'context_message_id',
  'button_payload',
  'message_text',
  'extra',
] as const;
const ERASED_INDEXES = ERASED_COLUMNS.map((column) => EVENT_COLUMNS.indexOf(column));
const RECIPIENT_KEY_AT = EVENT_COLUMNS.indexOf('recipient_key');
/** At most this many ids per `IN` list. */
const CHUNK = 500;

interface Candidate {
  id: unknown;
  event: StoredEvent;
}

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(values.slice(i, i + CHUNK));
  return out;
}

/** Throws when the store holds tombstones written under another key (they would no longer match). */
export function* assertSameErasureKey(
  tables: SqlPrivacyTables,
  key: string | Uint8Array,
): SqlProcedure<void> {
  const params = new SqlParams(tables.dialect);
  const sql = `SELECT key_id FROM ${tables.tombstoneTable} WHERE key_id <> ${params.add(erasureKeyId(key))} LIMIT 1`;
  const rows = yield* select({ sql, values: params.values });
  if (rows.length > 0) {
    throw new ConfigError(
      'erasureKey: this store holds tombstones written with another key; erased people would no longer be recognised. Use the original key.',
      { option: 'erasureKey' },
    );
  }
}

/**
 * Whether a tombstone of `recipientId` is stored. Without a key: false while the store holds no
 * tombstone at all, else a `ConfigError` (someone erased with a key this store was not given).
 */
export function* isErasedSql(
  tables: SqlPrivacyTables,
  key: string | Uint8Array | undefined,
  recipientId: string,
  owner: string,
): SqlProcedure<boolean> {
  const params = new SqlParams(tables.dialect);
  if (key === undefined) {
    const any = yield* select({ sql: `SELECT 1 AS found FROM ${tables.tombstoneTable} LIMIT 1`, values: [] });
    if (any.length > 0) throw missingErasureKey(owner);
    return false;
  }
  const sql = `SELECT 1 AS found FROM ${tables.tombstoneTable} WHERE tombstone = ${params.add(tombstoneOf(recipientId, key))}`;
  return (yield* select({ sql, values: params.values })).length > 0;
}

function* selectCandidates(tables: SqlPrivacyTables, ids: readonly string[]): SqlProcedure<Candidate[]> {
  const byId = new Map<string, Candidate>();
  const add = (rows: StoredEventRow[]) => {
    for (const row of rows) byId.set(String(row.id), { id: row.id, event: fromEventRow(row) });
  };
  for (const chunk of chunks(ids)) {
    const params = new SqlParams(tables.dialect);
    const where = params.inList('e.recipient_key', chunk);
    add(
      yield* select({
        sql: `SELECT ${tables.eventColumns} FROM ${tables.table} e WHERE ${where}`,
        values: params.values,
      }),
    );
  }
  const messageIds = [...messageIdsOf([...byId.values()].map((candidate) => candidate.event))];
  for (const chunk of chunks(messageIds)) {
    const params = new SqlParams(tables.dialect);
    const own = params.inList('e.message_id', chunk);
    const context = params.inList('e.context_message_id', chunk);
    add(
      yield* select({
        sql: `SELECT ${tables.eventColumns} FROM ${tables.table} e WHERE ${own} OR ${context}`,
        values: params.values,
      }),
    );
  }
  return [...byId.values()];
}

function updateStatement(tables: SqlPrivacyTables, id: unknown, after: StoredEvent): SqlStatement {
  const params = new SqlParams(tables.dialect);
  const row = toEventRow(after);
  const sets = ERASED_COLUMNS.map((column, i) => {
    const placeholder = params.add(row[ERASED_INDEXES[i] as number]);
    return `${column} = ${column === 'extra' && tables.dialect === 'postgres' ? `${placeholder}::jsonb` : placeholder}`;
  });
  const where = tables.dialect === 'postgres' ? `${params.add(String(id))}::bigint` : params.add(id);
  return { sql: `UPDATE ${tables.table} SET ${sets.join(', ')} WHERE id = ${where}`, values: params.values };
}

function deleteStatement(tables: SqlPrivacyTables, id: unknown): SqlStatement {
  const params = new SqlParams(tables.dialect);
  const where = tables.dialect === 'postgres' ? `${params.add(String(id))}::bigint` : params.add(id);
  return { sql: `DELETE FROM ${tables.table} WHERE id = ${where}`, values: params.values };
}

/**
 * The writes of an erasure plan: deletions first (so no rewritten key collides), then rewrites, rollup
 * keys and recipient keys, links, tombstones.
 */
function erasureWrites(
  tables: SqlPrivacyTables,
  plan: ErasurePlan<Candidate>,
  ids: readonly string[],
  key: string | Uint8Array,
  now: Date,
): { rewrites: SqlStatement[]; deletes: SqlStatement[]; tombstones: SqlStatement[]; other: SqlStatement[] } {
  const deletes: SqlStatement[] = [];
  const rewrites: SqlStatement[] = [];
  for (const { before, after } of plan.changes) {
    if (after === undefined) deletes.push(deleteStatement(tables, before.id));
    else rewrites.push(updateStatement(tables, before.id, after));
  }
  const other: SqlStatement[] = [];
  for (const [old, fresh] of plan.messageIds) {
    const params = new SqlParams(tables.dialect);
    other.push({
      sql: `UPDATE ${tables.rollupTable} SET message_id = ${params.add(fresh)} WHERE message_id = ${params.add(old)}`,
      values: params.values,
    });
  }
  // The rollup holds a campaign send's recipient key as its outbound does: rewritten the same way (after
  // its row moved to the anonymous message id above).
  for (const { after } of plan.changes) {
    if (after?.kind !== 'outbound') continue;
    const row = toEventRow(after);
    const params = new SqlParams(tables.dialect);
    other.push({
      sql: `UPDATE ${tables.rollupTable} SET recipient_key = ${params.add(row[RECIPIENT_KEY_AT])}
        WHERE message_id = ${params.add(after.messageId)} AND campaign_id IS NOT NULL`,
      values: params.values,
    });
  }
  for (const chunk of chunks(ids)) {
    const params = new SqlParams(tables.dialect);
    other.push({
      sql: `DELETE FROM ${tables.identityTable} WHERE ${params.inList('id_key', chunk)} OR ${params.inList('linked_key', chunk)}`,
      values: params.values,
    });
  }
  const keyId = erasureKeyId(key);
  const tombstones = ids.map((id) => {
    const params = new SqlParams(tables.dialect);
    return {
      sql: `INSERT INTO ${tables.tombstoneTable} (tombstone, key_id, erased_at)
        VALUES (${params.add(tombstoneOf(id, key))}, ${params.add(keyId)}, ${params.addInstant(now)})
        ON CONFLICT (tombstone) DO NOTHING`,
      values: params.values,
    };
  });
  return { rewrites, deletes, tombstones, other };
}

/**
 * Erases a person (`ids`: every id of theirs, normalized) inside the caller's transaction: reads their
 * events and the events about their messages, rewrites them as `planErasure` decides, moves the status
 * rollup to the anonymous message ids, removes their identity links and writes a tombstone per id.
 */
export function* erasureProcedure(
  tables: SqlPrivacyTables,
  ids: readonly string[],
  key: string | Uint8Array,
  now: Date,
): SqlProcedure<ErasureSummary> {
  yield* assertSameErasureKey(tables, key);
  const candidates = yield* selectCandidates(tables, ids);
  const plan = planErasure(candidates, (candidate) => candidate.event, new Set(ids));
  const writes = erasureWrites(tables, plan, ids, key, now);
  for (const statement of writes.deletes) yield* run(statement);
  for (const statement of writes.rewrites) yield* run(statement);
  for (const statement of writes.other) yield* run(statement);
  let tombstones = 0;
  for (const statement of writes.tombstones) tombstones += yield* run(statement);
  return {
    ids: ids.length,
    eventsRewritten: writes.rewrites.length,
    eventsDeleted: writes.deletes.length,
    tombstones,
  };
}

/**
 * Removes the events with `at < before` except the retained kinds (the consent record), and the status
 * rollup rows of the messages whose send is removed, inside the caller's transaction.
 */
export function* purgeProcedure(tables: SqlPrivacyTables, before: Date): SqlProcedure<PurgeSummary> {
  const kept = RETAINED_KINDS.map((kind) => `'${kind}'`).join(', ');
  const counts = new SqlParams(tables.dialect);
  const rows = yield* select({
    sql: `SELECT kind, count(*) AS n FROM ${tables.table}
      WHERE at < ${counts.addInstant(before)} AND kind NOT IN (${kept}) GROUP BY kind`,
    values: counts.values,
  });
  const rollup = new SqlParams(tables.dialect);
  yield* run({
    sql: `DELETE FROM ${tables.rollupTable} WHERE message_id IN (
      SELECT message_id FROM ${tables.table} WHERE kind = 'outbound' AND at < ${rollup.addInstant(before)})`,
    values: rollup.values,
  });
  const remove = new SqlParams(tables.dialect);
  const deleted = yield* run({
    sql: `DELETE FROM ${tables.table} WHERE at < ${remove.addInstant(before)} AND kind NOT IN (${kept})`,
    values: remove.values,
  });
  const summary: PurgeSummary = { deleted, byKind: {} };
  for (const row of rows) summary.byKind[row.kind as StoredEvent['kind']] = Number(row.n);
  return summary;
}
