import type { CampaignSummary, CampaignSummaryRange } from '../../campaign-summary.js';
import { type SqlDialect, SqlParams } from './sql-params.js';

/** The tables {@link campaignSummariesSql} reads (quoted names). */
export interface CampaignSummaryTables {
  readonly dialect: SqlDialect;
  /** The events table. */
  readonly table: string;
  /** The status rollup table (one row per message id, with its send columns). */
  readonly rollupTable: string;
}

/** One row of {@link campaignSummariesSql}, as either driver returns it. */
export interface CampaignSummaryRow {
  campaign_id: string;
  sent: number | string;
  rejected: number | string;
  delivered: number | string;
  read_count: number | string;
  failed: number | string;
  first_at: Date | number | string;
  last_at: Date | number | string;
}

/**
 * Per campaign, the counts of {@link CampaignSummary} for the sends in the range, in two `GROUP BY`s
 * added together: the status rollup's rows sent in the range (its send columns, by the send-time index:
 * sent, delivered, read, failed) and the `send_failed` events in the range (rejected: few rows, by
 * their partial index, see `sendFailedIndexSql`). A
 * message is delivered when its highest status rank is 1 or more (read 2), failed when a failure was
 * reported and it never reached delivered. First and last send cover both.
 */
export function campaignSummariesSql(
  tables: CampaignSummaryTables,
  range: CampaignSummaryRange,
): { sql: string; values: unknown[] } {
  const params = new SqlParams(tables.dialect);
  const sends = ['r.campaign_id IS NOT NULL'];
  if (range.from !== undefined) sends.push(`r.sent_at >= ${params.addInstant(range.from)}`);
  if (range.to !== undefined) sends.push(`r.sent_at < ${params.addInstant(range.to)}`);
  // Spelled as the partial index's predicate (kind = 'send_failed'), so both dialects use that index.
  const rejects = ["kind = 'send_failed'", 'campaign_id IS NOT NULL'];
  if (range.from !== undefined) rejects.push(`at >= ${params.addInstant(range.from)}`);
  if (range.to !== undefined) rejects.push(`at < ${params.addInstant(range.to)}`);
  const count = (condition: string) => `count(*) FILTER (WHERE ${condition})`;
  const sql = `SELECT campaign_id, sum(sent) AS sent, sum(rejected) AS rejected, sum(delivered) AS delivered,
      sum(read_count) AS read_count, sum(failed) AS failed, min(first_at) AS first_at, max(last_at) AS last_at
    FROM (
      SELECT r.campaign_id AS campaign_id, count(*) AS sent, 0 AS rejected,
        ${count('r.max_rank >= 1')} AS delivered,
        ${count('r.max_rank >= 2')} AS read_count,
        ${count('r.failed_seen = 1 AND coalesce(r.max_rank, 0) < 1')} AS failed,
        min(r.sent_at) AS first_at, max(r.sent_at) AS last_at
      FROM ${tables.rollupTable} r
      WHERE ${sends.join(' AND ')}
      GROUP BY r.campaign_id
      UNION ALL
      SELECT campaign_id, 0, count(*), 0, 0, 0, min(at), max(at)
      FROM ${tables.table}
      WHERE ${rejects.join(' AND ')}
      GROUP BY campaign_id
    ) AS per_source
    GROUP BY campaign_id`;
  return { sql, values: params.values };
}

/** A row of {@link campaignSummariesSql} as a {@link CampaignSummary}. */
export function toCampaignSummary(row: CampaignSummaryRow): CampaignSummary {
  const instant = (value: Date | number | string) =>
    value instanceof Date ? value : new Date(Number(value));
  return {
    campaignId: row.campaign_id,
    sent: Number(row.sent),
    rejected: Number(row.rejected),
    delivered: Number(row.delivered),
    read: Number(row.read_count),
    failed: Number(row.failed),
    firstSendAt: instant(row.first_at),
    lastSendAt: instant(row.last_at),
  };
}
