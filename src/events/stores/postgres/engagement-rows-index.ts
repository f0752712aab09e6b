import { ENGAGEMENT_KINDS_SQL } from '../sql/engagement-kinds.js';

/*
 * Schema step 10 of the PostgreSQL events table: a campaign's engagement rows read from an index alone.
 * The attribution statement reads every engagement event that can concern the campaign; those rows are
 * spread over the whole table (a reply comes hours after its send, between other events), so the
 * bitmap scan of the engagement index read nearly every heap page (24k of 27k pages for 60k rows at the
 * metrics-sql bench's 1M events). A covering partial index holds the columns attribution reads, so the
 * scan reads its own pages (1.2k) instead, once autovacuum has marked the table's pages all-visible.
 *
 * A B-tree entry holds at most about 2.7 kB, and an insert whose entry is larger fails: the covering
 * index only takes rows whose covered values are small ({@link coveredEngagementRowSql}); the rare
 * others have an index of their own by time, read from the table. The predicates are shared by the
 * indexes and the query, spelled identically, so the planner proves that the query's rows are the
 * index's.
 *
 * The same step adds a partial index of the `held_out` events by campaign and time (the holdout lift
 * pages through them, in `(at, id)` order, for every campaign's metrics): a campaign without a holdout,
 * the common case, was a scan of the whole table to find none.
 */

/** The columns of an engagement row the attribution statement reads, besides `at` (the index key). */
const COVERED_ENGAGEMENT_COLUMNS = [
  'kind',
  'message_id',
  'context_message_id',
  'recipient_key',
  'recipient_id',
  'campaign_id',
  'conversion_value',
  'currency',
  'button_payload',
  'message_text',
  'extra',
] as const;

/** Text columns of {@link COVERED_ENGAGEMENT_COLUMNS}, whose bytes count against the entry's size. */
const TEXT_COLUMNS = [
  'message_id',
  'context_message_id',
  'recipient_key',
  'recipient_id',
  'campaign_id',
  'currency',
  'button_payload',
  'message_text',
];

/**
 * Bytes of the covered values a row may have to be in the covering index: with `at`, the value, `kind`
 * and the tuple's headers and padding (under 200 bytes), an entry stays well under the B-tree's limit.
 * `extra` counts four times its text: jsonb's binary form of small scalars (4-byte entries, aligned
 * numerics) can take up to about four times their JSON text.
 */
const MAX_COVERED_BYTES = 2000;

/** `alias.column`, or the bare column for an index's predicate. */
function column(alias: string, name: string): string {
  return alias === '' ? name : `${alias}.${name}`;
}

/** The byte count that {@link MAX_COVERED_BYTES} bounds, of a row aliased `alias` ('' in an index). */
function coveredBytesSql(alias: string): string {
  const texts = TEXT_COLUMNS.map((name) => `coalesce(octet_length(${column(alias, name)}), 0)`);
  return `${texts.join(' + ')} + 4 * coalesce(octet_length((${column(alias, 'extra')})::text), 0)`;
}

/**
 * 1 when a row's values are small enough for the covering index, else null. Tested with `IS [NOT] NULL`
 * rather than compared: the planner has no statistics of the expression and guesses a third of the rows
 * for a comparison (which made it sort the campaign's sends for merge joins), but 99.5% for `IS NOT NULL`.
 */
function smallRowSql(alias: string): string {
  return `(CASE WHEN ${coveredBytesSql(alias)} <= ${MAX_COVERED_BYTES} THEN 1 END)`;
}

/** Whether an engagement row is in the covering index (its values small enough for an index entry). */
export function coveredEngagementRowSql(alias: string): string {
  return `${smallRowSql(alias)} IS NOT NULL`;
}

/** The engagement rows {@link coveredEngagementRowSql} leaves out (found by the long rows' index). */
export function uncoveredEngagementRowSql(alias: string): string {
  return `${smallRowSql(alias)} IS NULL`;
}

/** The index names the step creates (unquoted), for tests and docs. */
export function engagementRowsIndexNames(name: string): [string, string, string] {
  return [`${name}_engagement_cover_idx`, `${name}_engagement_long_idx`, `${name}_held_out_idx`];
}

/**
 * The step's three partial indexes on the events `table` (quoted) named after `name` (unquoted): the
 * small engagement rows by time with the columns attribution reads, the others by time, and the
 * `held_out` events by campaign and `(at, id)`. PostgreSQL builds each on every partition.
 */
export function engagementRowsIndexStatements(table: string, name: string): string[] {
  const [cover, long, heldOut] = engagementRowsIndexNames(name);
  const engagement = `kind IN ${ENGAGEMENT_KINDS_SQL}`;
  return [
    `CREATE INDEX "${cover}" ON ${table} (at) INCLUDE (${COVERED_ENGAGEMENT_COLUMNS.join(', ')})
      WHERE ${engagement} AND ${coveredEngagementRowSql('')}`,
    `CREATE INDEX "${long}" ON ${table} (at) WHERE ${engagement} AND ${uncoveredEngagementRowSql('')}`,
    `CREATE INDEX "${heldOut}" ON ${table} (campaign_id, at, id) WHERE kind = 'held_out'`,
  ];
}
