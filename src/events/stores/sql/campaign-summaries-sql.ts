import type { CampaignSummary, CampaignSummaryRange } from '../../campaign-summary.js';
import { eventFilterConditions } from './event-filter-sql.js';
import { type SqlDialect, SqlParams } from './sql-params.js';

/** The tables {@link campaignSummariesSql} reads (quoted names). */
export interface CampaignSummaryTables {
  readonly dialect: SqlDialect;
  /** The events table. */
  readonly table: string;
  /** The status rollup table (one row per message id). */
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
 * One `GROUP BY` over the sends in the range (`outbound`, `send_failed`) joined to the status rollup:
 * per campaign, the counts of {@link CampaignSummary}. A message is delivered when its highest status
 * rank is 1 or more (read 2), failed when a failure was reported and it never reached delivered.
 */
export function campaignSummariesSql(
  tables: CampaignSummaryTables,
  range: CampaignSummaryRange,
): { sql: string; values: unknown[] } {
  const params = new SqlParams(tables.dialect);
  const filter = { kinds: ['outbound', 'send_failed'] as const, ...range };
  // The filter's columns (kind, at, campaign_id) are the events table's alone: no alias needed.
  const where = eventFilterConditions(filter, params);
  where.push('e.campaign_id IS NOT NULL');
  const count = (condition: string) => `sum(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;
  const sql = `SELECT e.campaign_id AS campaign_id,
      ${count("e.kind = 'outbound'")} AS sent,
      ${count("e.kind = 'send_failed'")} AS rejected,
      ${count('r.max_rank >= 1')} AS delivered,
      ${count('r.max_rank >= 2')} AS read_count,
      ${count('r.failed_seen = 1 AND coalesce(r.max_rank, 0) < 1')} AS failed,
      min(e.at) AS first_at, max(e.at) AS last_at
    FROM ${tables.table} e
    LEFT JOIN ${tables.rollupTable} r ON e.kind = 'outbound' AND r.message_id = e.message_id
    WHERE ${where.join(' AND ')}
    GROUP BY e.campaign_id`;
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
