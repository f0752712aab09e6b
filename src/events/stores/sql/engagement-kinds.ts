/**
 * The kinds attributed to campaign messages (replies, clicks, opt-outs, blocks, conversions), as the SQL
 * list that both the partial index and the metrics query spell identically, so the planner uses the index.
 */
export const ENGAGEMENT_KINDS_SQL = "('inbound', 'click', 'opt_out', 'block', 'conversion')";
