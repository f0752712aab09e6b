/**
 * Schema step 10 of the PostgreSQL events table: a partial index of the `held_out` events by campaign
 * and `(at, id)`. The holdout lift pages through a campaign's `held_out` events in `(at, id)` order for
 * every campaign's metrics (`computeCampaignMetrics`); for a campaign without a holdout, the common case,
 * the planner had no index that finds none quickly and scanned the whole table (a parallel sequential
 * scan of every partition: 0.1–0.2 s of server CPU at the metrics-sql bench's 1M events, ten times that
 * at 10M). The index holds only `held_out` rows, so appends of other events do not touch it.
 * The holdout reads `kind = ANY($n)` with `['held_out']`: PostgreSQL plans it with the value, and
 * proves the index's predicate from a one-element array.
 */
export function heldOutIndexStatement(table: string, name: string): string {
  return `CREATE INDEX "${heldOutIndexName(name)}" ON ${table} (campaign_id, at, id) WHERE kind = 'held_out'`;
}

/** The index's name (unquoted), for tests and docs. */
export function heldOutIndexName(name: string): string {
  return `${name}_held_out_idx`;
}
