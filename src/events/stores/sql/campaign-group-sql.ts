import type { MetricsGroupBy } from '../../../metrics/metrics-types.js';
import type { CampaignFactsSource } from './campaign-facts-source.js';
import { type SqlDialect, SqlParams } from './sql-params.js';

/** The SQL of the send row's value that decides its group (`o` the send), or undefined without groups. */
export function groupColumnSql(dialect: SqlDialect, groupBy: MetricsGroupBy | undefined): string | undefined {
  switch (groupBy) {
    case 'variant':
      return 'o.variant';
    case 'segment':
      return 'o.segment';
    case 'template':
      return dialect === 'postgres'
        ? `o.extra ->> 'templateName'`
        : `json_extract(o.extra, '$.templateName')`;
    case 'day':
      // The quarter hour of the send: every instant in one is on the same day in any zone.
      return dialect === 'postgres' ? 'floor(extract(epoch FROM o.at) / 900)' : 'o.at / 900000';
    default:
      return undefined;
  }
}

/**
 * About how many of the store's events name the campaign (read from the campaign index alone), enough
 * for SQLite's choice of {@link engagementPlan}; PostgreSQL's planner chooses itself (0, no query).
 */
export async function campaignSizeEstimate(source: CampaignFactsSource, campaignId: string): Promise<number> {
  if (source.dialect === 'postgres') return 0;
  const params = new SqlParams(source.dialect);
  const [row] = await source.selectArrays(
    `SELECT count(*) FROM ${source.table} WHERE campaign_id = ${params.add(campaignId)}`,
    params.values,
  );
  return Number(row?.[0] ?? 0);
}
