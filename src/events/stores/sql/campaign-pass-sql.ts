import type { ResolvedMetricsQuery } from '../../../metrics/metrics-query.js';
import { ISSUED_CODE_METADATA_KEY } from '../../issued-code.js';
import type { StoredEvent } from '../../stored-event.js';
import type { CampaignFactsSource } from './campaign-facts-source.js';
import {
  campaignSendConditions,
  type EngagementPlan,
  engagementEventFromRow,
  engagementEventsSql,
  epochMsSql,
} from './campaign-facts-sql.js';
import { FIRST_SEND_SQL } from './first-send-second.js';
import { SqlParams } from './sql-params.js';
import { packedStatusRollupParts } from './status-rollup.js';

/**
 * A row of the one-pass statement, as its first value (`tag`) says:
 * - {@link GROUP_ROW}: sends no engagement event can concern, counted by folded state and group:
 *   `[tag, group, -, first send ms, …, count (at {@link COUNT_AT}), flags, min error, category]`;
 * - {@link SEND_ROW}: a send an engagement event may concern, one per message:
 *   `[tag, message id, recipient id, at ms, variant, segment, label, label, …, flags, min error, category]`;
 * - {@link EVENT_ROW}: an engagement event (its columns as `engagementColumnsSql` lists them, its time in the
 *   fourth value and its message id in the third).
 */
export type CampaignPassRow = unknown[];
export const GROUP_ROW = 0;
export const SEND_ROW = 1;
export const EVENT_ROW = 2;
/** Where the count of a group row is. */
export const COUNT_AT = 9;
/** Where the packed status rollup (3 values) of group and send rows starts. */
export const ROLLUP_AT = 12;

/** What {@link selectCampaignPass} read: group rows, send rows in the fold's order, engagement events. */
export interface CampaignPass {
  readonly groups: CampaignPassRow[];
  readonly sends: CampaignPassRow[];
  readonly events: StoredEvent[];
}

/** Byte order of two ids, as the stores' "C"/BINARY collations sort them. */
function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** The SQL of the send row's value that decides its group (`o` the send), or undefined without groups. */
export type GroupColumnSql = string | undefined;

/**
 * One statement that reads the campaign's sends (joined with their status rollups) once and returns:
 * the engagement events that can concern the campaign, each send those events can be credited to (by
 * message id, reply context, recipient naming no message, discount code, or sent at the campaign's first
 * instant: taken wide, since a message picked in vain is folded for nothing, never counted wrong), and every other send only as counts by folded state
 * and group. The sends come in the fold's order (time, then id).
 */
export async function selectCampaignPass(
  source: CampaignFactsSource,
  q: ResolvedMetricsQuery,
  plan: EngagementPlan,
  group: GroupColumnSql,
  withLabels: boolean,
): Promise<CampaignPass> {
  const { dialect, table } = source;
  const pg = dialect === 'postgres';
  const params = new SqlParams(dialect);
  const text = (sql: string) => (pg ? `(${sql})::text` : sql);
  const nul = (type: 'text' | 'float8' | 'int') => (pg ? `NULL::${type}` : 'NULL');
  const codeOf = (alias: string) =>
    pg
      ? `${alias}.extra #>> '{metadata,${ISSUED_CODE_METADATA_KEY}}'`
      : `json_extract(${alias}.extra, '$.metadata.${ISSUED_CODE_METADATA_KEY}')`;
  const conversionCode = pg ? `(e.extra::jsonb ->> 'code')` : `json_extract(e.extra, '$.code')`;
  const anyLooseCode = `EXISTS (SELECT 1 FROM ${table} c WHERE c.kind = 'conversion' AND c.message_id IS NULL
      AND ${pg ? `c.extra ? 'code'` : `json_extract(c.extra, '$.code') IS NOT NULL`})`;
  const labels = !withLabels
    ? `${nul('text')} AS label1, ${nul('text')} AS label2`
    : pg
      ? `o.extra ->> 'templateName' AS label1, CASE WHEN jsonb_typeof(o.extra #> '{metadata,timeZone}') = 'string'
          THEN o.extra #>> '{metadata,timeZone}' END AS label2`
      : `json_extract(o.extra, '$.templateName') AS label1, json_extract(o.extra, '$.metadata.timeZone') AS label2`;
  const [flags, minError, category] = packedStatusRollupParts('r');
  const looseCode = (alias: string) => `CASE WHEN ${anyLooseCode} THEN ${codeOf(alias)} END`;
  // Whether the send aliased `alias` is one the engagement events can be credited to.
  const touchedOf = (alias: string, code: string) => `coalesce(${alias}.message_id IN (SELECT id FROM named)
      OR ${alias}.recipient_key IN (SELECT recipient_key FROM keyed)
      OR ${alias}.at = (SELECT at FROM first_send)
      OR ${code} IN (SELECT ${conversionCode.replaceAll('e.', '')} FROM engagement
        WHERE kind = 'conversion' AND message_id IS NULL AND extra IS NOT NULL), false)`;
  // The plan `all` reads the engagement without the sends: they are then read once, marked as they are read.
  const markAsRead = plan === 'all';
  const sends =
    () => `sends AS MATERIALIZED (SELECT o.message_id, o.recipient_id, o.recipient_key, o.at, o.variant, o.segment,
      ${group ? text(group) : nul('text')} AS grp, ${labels},
      ${markAsRead ? `${touchedOf('o', looseCode('o'))} AS touched` : `${looseCode('o')} AS code`},
      ${flags} AS flags, ${minError} AS min_error, ${category} AS category
    FROM ${table} o LEFT JOIN ${source.rollupTable} r ON r.message_id = o.message_id
    WHERE ${campaignSendConditions(params, q, 'o').join(' AND ')})`;
  // The first send computed once (the engagement query reads it in several places).
  const firstSend = () =>
    markAsRead
      ? `first_send AS MATERIALIZED (SELECT o.at FROM ${table} o
          WHERE ${campaignSendConditions(params, q, 'o').join(' AND ')} ORDER BY o.at LIMIT 1)`
      : `first_send AS MATERIALIZED (SELECT min(at) AS at FROM sends)`;
  const engagement = `engagement AS MATERIALIZED (${engagementEventsSql(source, plan, true).replaceAll(
    FIRST_SEND_SQL,
    '(SELECT at FROM first_send)',
  )})`;
  // What the events name: message ids (their own or the replied-to one), and the recipients of those
  // naming no message (any of their messages may get them).
  const named = `named AS MATERIALIZED (SELECT message_id AS id FROM engagement WHERE message_id IS NOT NULL
      UNION SELECT context_message_id FROM engagement WHERE context_message_id IS NOT NULL)`;
  const keyed = `keyed AS MATERIALIZED (SELECT DISTINCT recipient_key FROM engagement WHERE recipient_key IS NOT NULL
      AND CASE WHEN kind = 'inbound' THEN context_message_id IS NULL ELSE message_id IS NULL END)`;
  // SQLite: each send's mark computed once (materialized) rather than in both branches; PostgreSQL
  // probes its hashed subplans cheaply and would spill the second copy of the sends to disk.
  const flaggedOnce = !pg && !markAsRead;
  // The CTEs in text order (SQLite numbers its parameters by position).
  const ctes = markAsRead
    ? [engagement, firstSend(), named, keyed, sends()]
    : [sends(), firstSend(), engagement, named, keyed];
  if (flaggedOnce)
    ctes.push(`flagged AS MATERIALIZED (SELECT s.*, ${touchedOf('s', 's.code')} AS touched FROM sends s)`);
  const from = flaggedOnce ? 'flagged s' : 'sends s';
  const touched = flaggedOnce || markAsRead ? 's.touched' : touchedOf('s', 's.code');
  const atMs = (column: string) => epochMsSql(dialect, column);
  const sql = `WITH ${ctes.join(',\n    ')}
    SELECT ${GROUP_ROW} AS tag, s.grp AS c1, ${nul('text')} AS c2, ${atMs('min(s.at)')} AS c3,
      ${nul('text')}, ${nul('text')}, ${nul('text')}, ${nul('text')}, ${nul('text')},
      ${pg ? 'count(*)::float8' : 'count(*)'}, ${nul('text')}, ${nul('text')},
      s.flags, s.min_error, s.category
    FROM ${from} WHERE NOT ${touched}
    GROUP BY s.flags, s.min_error, s.category, s.grp
    UNION ALL
    SELECT ${SEND_ROW}, s.message_id, s.recipient_id, ${atMs('s.at')}, s.variant, s.segment, s.label1, s.label2,
      ${nul('text')}, ${nul('float8')}, ${nul('text')}, ${nul('text')}, s.flags, s.min_error, s.category
    FROM ${from} WHERE ${touched}
    UNION ALL
    SELECT ${EVENT_ROW}, kind, message_id, at, recipient_id, campaign_id, context_message_id, button_payload,
      message_text, conversion_value, currency, extra, ${nul('int')}, ${nul('int')}, ${nul('text')}
    FROM engagement`;
  const groups: CampaignPassRow[] = [];
  const sent: CampaignPassRow[] = [];
  const events: StoredEvent[] = [];
  for (const r of await source.selectArrays(sql, params.values)) {
    const tag = Number(r[0]);
    if (tag === GROUP_ROW) groups.push(r);
    else if (tag === SEND_ROW) sent.push(r);
    // The event's columns in engagementColumnsSql's order (its time sits in the `at` column of every row).
    else
      events.push(
        engagementEventFromRow([r[1], r[3], r[2], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11]]),
      );
  }
  // The fold's order (time, then id), sorted here rather than by the database with every other row.
  sent.sort((a, b) => Number(a[3]) - Number(b[3]) || compareIds(String(a[1]), String(b[1])));
  return { groups, sends: sent, events };
}
