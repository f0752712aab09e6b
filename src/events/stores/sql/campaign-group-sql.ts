import type { MetricsGroupBy } from '../../../metrics/metrics-types.js';
import type { CampaignFactsSource } from './campaign-facts-source.js';
import { type SqlDialect, SqlParams } from './sql-params.js';

/**
 * The SQL of the send row's value that decides its group, or undefined without groups: of the outbound
 * event aliased `o`, or with `from` 'rollup' of the status rollup row aliased `r` (its send columns;
 * undefined for `template`, which the rollup does not hold: see {@link groupableFromRollup}).
 */
export function groupColumnSql(
  dialect: SqlDialect,
  groupBy: MetricsGroupBy | undefined,
  from: 'outbound' | 'rollup' = 'outbound',
): string | undefined {
  const [alias, at] = from === 'rollup' ? ['r', 'r.sent_at'] : ['o', 'o.at'];
  switch (groupBy) {
    case 'variant':
      return `${alias}.variant`;
    case 'segment':
      return `${alias}.segment`;
    case 'template':
      if (from === 'rollup') return undefined;
      return dialect === 'postgres'
        ? `o.extra ->> 'templateName'`
        : `json_extract(o.extra, '$.templateName')`;
    case 'day':
      // The quarter hour of the send: every instant in one is on the same day in any zone.
      return dialect === 'postgres' ? `floor(extract(epoch FROM ${at}) / 900)` : `${at} / 900000`;
    default:
      return undefined;
  }
}

/** Whether the rollup's send columns hold what the grouping needs (all but the outbound's template). */
export function groupableFromRollup(groupBy: MetricsGroupBy | undefined): boolean {
  return groupBy !== 'template';
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
