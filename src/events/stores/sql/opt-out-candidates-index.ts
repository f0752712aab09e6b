import { MAX_OPT_OUT_TEXT_LENGTH } from '../../../tracking/opt-out-keywords.js';
import type { SqlDialect } from './sql-params.js';

/*
 * The schema step (PostgreSQL v9, SQLite v7) that lets a campaign's opt-out candidates (the distinct
 * payloads and short texts of the replies since its first send, see `selectOptOutCandidates`) be read
 * from an index alone: the replies' time, payload and text, in a partial index of the inbound rows that
 * may be opt-outs. Before, every such reply of the range was read from the table's pages (3.5 s at ten
 * times the bench's data, 149k pages read for 162k replies; 0.2 s from the index). The SQL of the predicates is shared by the indexes and
 * the query, spelled identically, so each planner proves that the query's rows are the index's.
 */

/**
 * Replies longer than this are never opt-outs (`isOptOutText`); SQL's length counts code points, fewer
 * than or as many as JavaScript's UTF-16 units, so the SQL test never drops a candidate.
 */
const MAX_OPT_OUT_TEXT = MAX_OPT_OUT_TEXT_LENGTH;

/** `alias.column`, or the bare column for an index's predicate. */
function column(alias: string, name: string): string {
  return alias === '' ? name : `${alias}.${name}`;
}

/** Whether an inbound row's payload or text may be an opt-out (the rest never are). */
export function optOutCandidateSql(alias: string): string {
  return `(${column(alias, 'button_payload')} IS NOT NULL OR length(${column(alias, 'message_text')}) <= ${MAX_OPT_OUT_TEXT})`;
}

/**
 * Whether a row's payload and text are both short enough to be copied into an index entry (a B-tree
 * entry holds at most about 2.7 kB: 200 characters are at most 800 bytes each). Among the candidates,
 * only a button tap with a long payload or a long text is not ({@link longPayloadSql}): those few are
 * found by an index of their own and read from the table.
 */
export function shortRowSql(alias: string): string {
  const length = (name: string) => `coalesce(length(${column(alias, name)}), 0) <= ${MAX_OPT_OUT_TEXT}`;
  return `${length('button_payload')} AND ${length('message_text')}`;
}

/** The candidates {@link shortRowSql} leaves out: a button tap with a long payload or a long text. */
export function longPayloadSql(alias: string): string {
  const payload = column(alias, 'button_payload');
  return `${payload} IS NOT NULL AND (length(${payload}) > ${MAX_OPT_OUT_TEXT} OR length(${column(alias, 'message_text')}) > ${MAX_OPT_OUT_TEXT})`;
}

/** The index names the step creates (unquoted), for tests and docs. */
export function optOutIndexNames(name: string): [string, string] {
  return [`${name}_optout_idx`, `${name}_optout_long_idx`];
}

/**
 * The step's two partial indexes on the events `table` (quoted) named after `name` (unquoted): the short
 * candidates by time with their payload and text (covering: PostgreSQL's `INCLUDE`, SQLite's trailing
 * key columns with the kind), and the long ones by time. Both hold inbound rows only (a few percent of the events).
 * On PostgreSQL's partitioned table each partition gets its own, as with every index of the table.
 */
export function optOutIndexStatements(dialect: SqlDialect, table: string, name: string): string[] {
  const [short, long] = optOutIndexNames(name);
  // SQLite reads an index alone only when it holds every column the query names, `kind` included.
  const covering =
    dialect === 'postgres'
      ? '(at) INCLUDE (button_payload, message_text)'
      : '(at, button_payload, message_text, kind)';
  return [
    `CREATE INDEX "${short}" ON ${table} ${covering}
      WHERE kind = 'inbound' AND ${optOutCandidateSql('')} AND ${shortRowSql('')}`,
    `CREATE INDEX "${long}" ON ${table} (at) WHERE kind = 'inbound' AND ${longPayloadSql('')}`,
  ];
}
