import type { ResolvedMetricsQuery } from '../../../metrics/metrics-query.js';
import type { CampaignFactsSource } from './campaign-facts-source.js';
import {
  campaignSendConditions,
  type EngagementPlan,
  engagementEventsSql,
  epochMsSql,
  rollupSendConditions,
} from './campaign-facts-sql.js';
import { groupableFromRollup, groupColumnSql } from './campaign-group-sql.js';
import { engagementByJoinSql } from './engagement-by-join-sql.js';
import { FIRST_SEND_SQL } from './first-send-second.js';
import { longPayloadSql, optOutCandidateSql, shortRowSql } from './opt-out-candidates-index.js';
import { SqlParams } from './sql-params.js';
import { packedStatusRollupParts } from './status-rollup.js';

/**
 * A row of {@link selectAttributedCampaign}, as its first value (`tag`) says; every row has the columns
 * named by the constants below (null where the tag has none):
 * - {@link STATE_ROW}: the campaign's messages of one folded state, group and engagement, counted;
 * - {@link CURRENCY_ROW}: the revenue of the converted, delivered messages of one group whose values came in
 *   several currencies, in one currency (a state row gives the single currency of the others);
 * - {@link CAMPAIGN_CONVERSION_ROW}: a conversion credited to the campaign only;
 * - {@link FALLBACK_ROW}: the events hold something only the per-message fold attributes (a Meta click
 *   with a click id, a conversion naming a discount code): the caller takes that fold instead;
 * - {@link EARLY_INBOUND_ROW}: a reply (its opt-out key) credited by its context that was stamped before
 *   the campaign's first send, so {@link selectOptOutCandidates} did not classify it.
 */
export type AttributedRow = unknown[];
export const STATE_ROW = 0;
export const CURRENCY_ROW = 1;
export const CAMPAIGN_CONVERSION_ROW = 2;
export const FALLBACK_ROW = 3;
export const EARLY_INBOUND_ROW = 4;
/** The group value, then the packed status rollup (3 values). */
export const GROUP_AT = 1;
export const ROLLUP_AT = 2;
/** Engagement flags (0/1): proved, clicked, replied, opted out, blocked, converted, several currencies. */
export const PROVED_AT = 5;
export const CLICKED_AT = 6;
export const REPLIED_AT = 7;
export const OPTED_OUT_AT = 8;
export const BLOCKED_AT = 9;
export const CONVERTED_AT = 10;
export const CURRENCIES_AT = 11;
/** The earliest send (ms; a campaign conversion's time), the message count, the sums of clicks and revenue micros. */
export const FIRST_AT = 12;
export const COUNT_AT = 13;
export const CLICKS_AT = 14;
export const MICROS_AT = 15;
/** A campaign conversion's value (where state rows have their revenue). */
export const VALUE_AT = 15;
/** The earliest opt-out (ms); then the currency as recorded ('' for none) or a reply's opt-out key. */
export const OPT_OUT_TIME_AT = 16;
export const TEXT_AT = 17;

/** `opt_out` sources that record the user acting on the message (the fold's USER_ACTION_OPT_OUT_SOURCES). */
const USER_ACTION_SOURCES_SQL = "('user_preferences', 'keyword', 'quick_reply')";
/** The key of an inbound row's opt-out test: its button payload, else its text (`p`/`t` prefixed). */
function optOutKeySql(alias: string): string {
  return `CASE WHEN ${alias}.button_payload IS NOT NULL THEN 'p' || ${alias}.button_payload
    WHEN ${alias}.message_text IS NOT NULL THEN 't' || ${alias}.message_text END`;
}

/** SQL for the start of the second of the query's first send, read from the table (no `sends` CTE). */
function firstSendSecondOfTable(
  source: CampaignFactsSource,
  params: SqlParams,
  q: ResolvedMetricsQuery,
): string {
  const first = `(${firstSendOfTableSql(source, params, q)})`;
  return source.dialect === 'postgres' ? `date_trunc('second', ${first})` : `(${first} / 1000 * 1000)`;
}

/** The query's first send time (`at`), from the table's campaign index (one probe). */
function firstSendOfTableSql(
  source: CampaignFactsSource,
  params: SqlParams,
  q: ResolvedMetricsQuery,
): string {
  return `SELECT min(o.at) AS at FROM ${source.table} o WHERE ${campaignSendConditions(params, q, 'o').join(' AND ')}`;
}

/**
 * The opt-out keys (see `optOutKeySql`) of the replies from the query's first send on that may be opt-outs:
 * the caller tells which are (`isOptOutInbound`), and {@link selectAttributedCampaign} takes that list.
 * Distinct keys only: a campaign's replies repeat a few payloads and short texts. Two branches, each
 * answered by a partial index of the schema (see opt-out-candidates-index.ts): the short payloads and texts
 * from the covering index alone, the rare long payloads from the table.
 */
export async function selectOptOutCandidates(
  source: CampaignFactsSource,
  q: ResolvedMetricsQuery,
): Promise<string[]> {
  const params = new SqlParams(source.dialect);
  // Text order is parameter order (SQLite numbers `?` by position): each branch adds its own.
  const branch = (rows: string) =>
    `SELECT ${optOutKeySql('e')} AS k FROM ${source.table} e
    WHERE e.kind = 'inbound' AND ${rows} AND e.at >= ${firstSendSecondOfTable(source, params, q)}`;
  const rows = await source.selectArrays(
    `${branch(`${optOutCandidateSql('e')} AND ${shortRowSql('e')}`)}
    UNION
    ${branch(longPayloadSql('e'))}`,
    params.values,
  );
  return rows.map((row) => String(row[0]));
}

/**
 * Whether a send `s` of {@link sendsSql} is failed by its statuses (a `failed` seen, not delivered), or
 * delivered, read from its packed rollup (`flags`: rank + 1 in bits 0-1, failed in bit 2; null without
 * a rollup row: neither).
 */
const FAILED_SQL = 'coalesce(s.flags & 7, 0) IN (4, 5)';
const DELIVERED_SQL = 'coalesce(s.flags & 3, 0) >= 2';

/**
 * The query's sends (message id, recipient key, time in ms, group, then the packed status rollup): from
 * the status rollup alone (its send columns: one index range of the campaign's rows), or for the
 * template grouping, which the rollup does not hold, the outbound events joined with it.
 */
function sendsSql(source: CampaignFactsSource, q: ResolvedMetricsQuery, params: SqlParams): string {
  const { dialect } = source;
  const pg = dialect === 'postgres';
  const rollup = groupableFromRollup(q.groupBy);
  const group = groupColumnSql(dialect, q.groupBy, rollup ? 'rollup' : 'outbound');
  const grp = group === undefined ? (pg ? 'NULL::text' : 'NULL') : pg ? `(${group})::text` : group;
  const [flags, minError, category] = packedStatusRollupParts('r');
  const [send, at] = rollup ? ['r', 'r.sent_at'] : ['o', 'o.at'];
  const from = rollup
    ? `FROM ${source.rollupTable} r WHERE ${rollupSendConditions(params, q).join(' AND ')}`
    : `FROM ${source.table} o LEFT JOIN ${source.rollupTable} r ON r.message_id = o.message_id
    WHERE ${campaignSendConditions(params, q, 'o').join(' AND ')}`;
  return `SELECT ${send}.message_id, ${send}.recipient_key, ${epochMsSql(dialect, at)} AS at_ms,
      ${grp} AS grp, ${flags} AS flags, ${minError} AS min_error, ${category} AS category
    ${from}`;
}

/**
 * The query's first send time (`at`), as the `sends` of {@link sendsSql} would give it, read from the
 * table's campaign index (one probe) rather than from a pass over those sends.
 */
function firstSendSql(source: CampaignFactsSource, q: ResolvedMetricsQuery, params: SqlParams): string {
  if (groupableFromRollup(q.groupBy)) {
    return `SELECT min(r.sent_at) AS at FROM ${source.rollupTable} r WHERE ${rollupSendConditions(params, q).join(' AND ')}`;
  }
  return firstSendOfTableSql(source, params, q);
}

/**
 * One statement that attributes the campaign's engagement in the database, as `CampaignFactsBuilder`
 * does, and returns a few rows (see {@link AttributedRow}):
 * - each engagement event goes to the message it names (`messageId`, or `contextMessageId` of a reply),
 *   else to the latest message of the campaign to its recipient sent before the end of its second, not
 *   failed (a `failed` status, no delivery, no action naming it), within the attribution window unless a
 *   campaign-scoped click or link-token conversion; Meta's clicks and 131050 opt-outs are not credited;
 * - per message: clicks, replied, opted out, blocked, converted, revenue (conversion values rounded to
 *   micro-units each, as the fold does), proof of delivery (a click, a reply, a Stop, a user's opt-out);
 * - counted by folded state (the status rollup, packed), group (`q.groupBy`) and those flags, with the sums.
 * `optOutKeys` are the opt-out keys of the replies that are opt-outs (from {@link selectOptOutCandidates}).
 */
export async function selectAttributedCampaign(
  source: CampaignFactsSource,
  q: ResolvedMetricsQuery,
  plan: EngagementPlan,
  optOutKeys: readonly string[],
): Promise<AttributedRow[]> {
  const { dialect } = source;
  const pg = dialect === 'postgres';
  const params = new SqlParams(dialect);
  const float = (sql: string) => (pg ? `(${sql})::float8` : sql);
  const nul = (type: 'text' | 'float8' | 'int') => (pg ? `NULL::${type}` : 'NULL');
  const json = (field: string) =>
    pg ? `(e.extra::jsonb ->> '${field}')` : `json_extract(e.extra, '$.${field}')`;
  // Text order is parameter order (SQLite numbers `?` by position): each CTE is written in turn.
  const sends = `sends AS MATERIALIZED (${sendsSql(source, q, params)})`;
  const firstSend = `first_send AS MATERIALIZED (SELECT at, ${epochMsSql(dialect, 'at')} AS at_ms
    FROM (${firstSendSql(source, q, params)}) f)`;
  const events = pg
    ? engagementByJoinSql(source)
    : engagementEventsSql(source, plan, true).replaceAll(FIRST_SEND_SQL, '(SELECT at FROM first_send)');
  const engagement = `engagement AS MATERIALIZED (${events})`;
  const campaign = () => params.add(q.campaignId);
  const isStop = `e.kind = 'inbound' AND ${params.inList(optOutKeySql('e'), optOutKeys)}`;
  // Each event's fields, once: JSON fields read out, its opt-out test, whether it names a message. A
  // conversion naming no message may come from two branches of the engagement query: a row equal in every
  // column is the same event (the same key), so DISTINCT counts it once, as the fold's key set does.
  const fields = `fields AS MATERIALIZED (SELECT e.kind, e.at, e.recipient_id, e.recipient_key, e.campaign_id,
      e.conversion_value, e.currency,
      CASE WHEN e.kind = 'inbound' THEN e.context_message_id ELSE e.message_id END AS named,
      ${json('source')} AS source, ${json('messageType')} AS message_type, ${json('token')} AS token,
      ${json('code')} AS code, ${json('clickId')} AS click_id,
      CASE WHEN ${isStop} THEN 1 ELSE 0 END AS stop,
      CASE WHEN e.kind = 'inbound' AND ${optOutCandidateSql('e')} THEN ${optOutKeySql('e')} END AS stop_key
    FROM (SELECT * FROM engagement WHERE kind <> 'conversion'
      UNION ALL SELECT DISTINCT * FROM engagement WHERE kind = 'conversion') e)`;
  const ofCampaign = () => `(campaign_id IS NULL OR campaign_id = ${campaign()})`;
  const tokenRule = 'token IS NOT NULL AND recipient_id IS NOT NULL AND campaign_id IS NOT NULL';
  const userAction = `(stop = 1 OR coalesce(message_type, '') <> 'system')`;
  // What each creditable event does to the message it goes to (the fold's #credit), and how it finds it.
  const act = `act AS MATERIALIZED (SELECT row_number() OVER () AS ev, kind, at, recipient_key, named, currency,
      conversion_value, stop_key,
      CASE
        WHEN kind = 'inbound' THEN named IS NULL AND recipient_key IS NOT NULL
        WHEN kind = 'click' THEN named IS NULL AND recipient_id IS NOT NULL AND ${ofCampaign()}
        WHEN kind = 'conversion' THEN named IS NULL AND recipient_id IS NOT NULL AND ${ofCampaign()}
          AND (${tokenRule} OR code IS NULL)
        ELSE named IS NULL AND recipient_key IS NOT NULL END AS loose,
      CASE WHEN (kind = 'click' AND campaign_id IS NOT NULL) OR (kind = 'conversion' AND ${tokenRule})
        THEN 0 ELSE 1 END AS windowed,
      CASE WHEN kind = 'conversion' AND named IS NULL AND campaign_id = ${campaign()} AND code IS NULL
        AND recipient_id IS NULL THEN 1 ELSE 0 END AS campaign_only,
      CASE WHEN kind = 'click' THEN 1 ELSE 0 END AS click,
      CASE WHEN kind = 'inbound' AND stop = 0 AND coalesce(message_type, '') <> 'system' THEN 1 ELSE 0 END AS reply,
      CASE WHEN (kind = 'inbound' AND stop = 1) OR kind = 'opt_out' THEN 1 ELSE 0 END AS opt_out,
      CASE WHEN kind = 'block' THEN 1 ELSE 0 END AS block,
      CASE WHEN kind = 'conversion' THEN 1 ELSE 0 END AS conv,
      CASE WHEN kind = 'click' OR (kind = 'inbound' AND ${userAction})
        OR (kind = 'opt_out' AND source IN ${USER_ACTION_SOURCES_SQL}) THEN 1 ELSE 0 END AS proves,
      CASE WHEN kind = 'conversion' AND conversion_value IS NOT NULL
        THEN floor(conversion_value * 1000000 + 0.5) END AS micros
    FROM fields
    WHERE NOT (kind = 'click' AND coalesce(source, '') = 'meta')
      AND NOT (kind = 'opt_out' AND coalesce(source, '') = 'error_131050'))`;
  // The messages an action naming them proves delivered: never "failed" when the others are attributed.
  const proof = `proof AS MATERIALIZED (SELECT DISTINCT named AS message_id FROM act WHERE named IS NOT NULL AND proves = 1)`;
  const windowMs = pg ? `${params.add(q.attributionWindowMs)}::float8` : params.add(q.attributionWindowMs);
  // Events naming only their recipient get the latest eligible message by (send time, id), as the fold
  // sorts them: one pass over the recipients' sends and those events sorted together (an event sorts at
  // the end of its second, before a send at that instant), each event taking the running maximum of
  // `latest` (send time, zero-padded, then id) of the sends before it: linear, where a join would pair
  // every event with every message to its recipient. The window is checked on the message found (the
  // latest: if it is out of the window, every earlier one is too).
  const latest = pg
    ? `(lpad(s.at_ms::bigint::text, 15, '0') || s.message_id) COLLATE "C"`
    : `substr('000000000000000' || s.at_ms, -15) || s.message_id`;
  const foundAt = pg ? 'substr(found, 1, 15)::float8' : 'CAST(substr(found, 1, 15) AS INTEGER)';
  const loose = `loose AS MATERIALIZED (SELECT ev, recipient_key, at, windowed FROM act WHERE loose)`;
  const stream = `stream AS (SELECT s.recipient_key, s.at_ms AS t, 1 AS side, ${latest} AS latest,
        ${nul('int')} AS ev, ${nul('int')} AS windowed, ${nul('float8')} AS at
      FROM sends s
      WHERE s.recipient_key IN (SELECT recipient_key FROM loose)
        AND NOT (${FAILED_SQL} AND s.message_id NOT IN (SELECT message_id FROM proof))
      UNION ALL
      SELECT recipient_key, floor(at / 1000) * 1000 + 1000, 0, ${nul('text')}, ev, windowed, at FROM loose)`;
  const ordered = `ordered AS (SELECT ev, side, windowed, at, max(latest) OVER (PARTITION BY recipient_key
        ORDER BY t, side ROWS UNBOUNDED PRECEDING) AS found
      FROM stream)`;
  const hits = `hits AS (SELECT ev, substr(found, 16) AS message_id FROM ordered
      WHERE side = 0 AND found IS NOT NULL AND (windowed = 0 OR at - ${foundAt} <= ${windowMs}))`;
  const credit = 'click, reply, opt_out, block, conv, proves, micros, currency, at, stop_key';
  const credits = `credits AS MATERIALIZED (SELECT named AS message_id, ${credit} FROM act WHERE named IS NOT NULL
      UNION ALL
      SELECT h.message_id, ${credit.replaceAll(/(\w+)/g, 'a.$1')} FROM hits h JOIN act a ON a.ev = h.ev)`;
  // A converted message's valued conversions are almost always in one currency (recorded as given: the
  // caller folds case and blanks, '' standing for none): the main count keeps it; the rare message with
  // several gets its sums by currency from a branch of its own.
  const valuedCurrency = `CASE WHEN conv = 1 AND micros IS NOT NULL THEN coalesce(currency, '') END`;
  const perMessage = `per_message AS MATERIALIZED (SELECT message_id, sum(click) AS clicks, max(reply) AS replied,
      min(CASE WHEN opt_out = 1 THEN at END) AS opt_out_at, max(block) AS blocked, max(conv) AS conv,
      max(proves) AS proved, sum(CASE WHEN conv = 1 THEN micros END) AS micros,
      min(${valuedCurrency}) AS currency, CASE WHEN min(${valuedCurrency}) < max(${valuedCurrency}) THEN 1 ELSE 0 END AS currencies
    FROM credits GROUP BY message_id)`;
  const flagOf = (sql: string) => `CASE WHEN ${sql} THEN 1 ELSE 0 END`;
  // Every send with its engagement. PostgreSQL: one pass, every send left-joined with the engaged
  // messages (hashed; an unengaged send counts zeros, and no revenue sum: 0, not null), where an anti-join
  // would read the sends once more. SQLite: the engaged ones joined with their sends read again from the
  // rollup by primary key (the same query as `sends`, not materialized: from the materialized rows SQLite
  // would first build an index of every send; the template grouping's sends, a join SQLite would loop
  // over, are read from those rows), then the others already counted by state and group (`n` messages a
  // row), so the final count sorts few rows.
  const engagedSends = !pg && groupableFromRollup(q.groupBy) ? `(${sendsSql(source, q, params)})` : 'sends';
  const msgs = pg
    ? `msgs AS (SELECT s.grp, s.flags, s.min_error, s.category, s.at_ms, 1 AS n, coalesce(m.proved, 0) AS proved,
        coalesce(m.clicks, 0) AS clicks, coalesce(m.replied, 0) AS replied, m.opt_out_at,
        coalesce(m.blocked, 0) AS blocked, coalesce(m.conv, 0) AS conv,
        CASE WHEN m.message_id IS NULL THEN 0 ELSE m.micros END AS micros, m.currency,
        coalesce(m.currencies, 0) AS currencies
      FROM sends s LEFT JOIN per_message m ON m.message_id = s.message_id)`
    : `msgs AS (SELECT s.grp, s.flags, s.min_error, s.category, s.at_ms, 1 AS n, m.proved, m.clicks,
        m.replied, m.opt_out_at, m.blocked, m.conv, m.micros, m.currency, m.currencies
      FROM per_message m JOIN ${engagedSends} s ON s.message_id = m.message_id
      UNION ALL
      SELECT grp, flags, min_error, category, min(at_ms), count(*), 0, 0, 0, ${nul('float8')}, 0, 0, 0,
        ${nul('text')}, 0
      FROM sends WHERE message_id NOT IN (SELECT message_id FROM per_message)
      GROUP BY grp, flags, min_error, category)`;
  const ctes = [
    sends,
    firstSend,
    engagement,
    fields,
    act,
    proof,
    loose,
    stream,
    ordered,
    hits,
    credits,
    perMessage,
    msgs,
  ];
  const firstSecond = '(SELECT floor(at_ms / 1000) * 1000 FROM first_send)';
  const nulls = (types: ('text' | 'float8' | 'int')[]) => types.map(nul).join(', ');
  const keys = `m.grp, m.flags, m.min_error, m.category, m.proved, ${flagOf('m.clicks > 0')}, m.replied,
      ${flagOf('m.opt_out_at IS NOT NULL')}, m.blocked, m.conv, m.currency, m.currencies`;
  const sql = `WITH ${ctes.join(',\n    ')}
    SELECT ${STATE_ROW} AS tag, ${keys.replace('m.currency,', '')}, min(m.at_ms), ${float('sum(m.n)')},
      ${float('sum(m.clicks)')}, ${float('sum(m.micros)')}, ${float('min(m.opt_out_at)')}, m.currency
    FROM msgs m
    GROUP BY ${keys}
    UNION ALL
    SELECT ${CURRENCY_ROW}, s.grp, ${nulls(['int', 'int', 'text', 'int', 'int', 'int', 'int', 'int', 'int', 'int'])},
      ${nulls(['float8', 'float8', 'float8'])}, ${float('sum(c.micros)')}, ${nul('float8')}, c.currency
    FROM per_message m JOIN credits c ON c.message_id = m.message_id JOIN sends s ON s.message_id = m.message_id
    WHERE m.currencies = 1 AND c.conv = 1 AND c.micros IS NOT NULL AND (${DELIVERED_SQL} OR m.proved = 1)
    GROUP BY s.grp, c.currency
    UNION ALL
    SELECT ${CAMPAIGN_CONVERSION_ROW}, ${nulls(['text', 'int', 'int', 'text', 'int', 'int', 'int', 'int', 'int', 'int', 'int'])},
      a.at, ${nulls(['float8', 'float8'])}, a.conversion_value, ${nul('float8')}, a.currency
    FROM act a WHERE a.campaign_only = 1 AND a.at >= ${firstSecond}
    UNION ALL
    SELECT ${FALLBACK_ROW}, ${nulls(['text', 'int', 'int', 'text', 'int', 'int', 'int', 'int', 'int', 'int', 'int'])},
      ${nulls(['float8', 'float8', 'float8', 'float8', 'float8', 'text'])}
    WHERE EXISTS (SELECT 1 FROM fields WHERE (kind = 'click' AND source = 'meta' AND click_id IS NOT NULL)
      OR (kind = 'conversion' AND named IS NULL AND code IS NOT NULL AND ${ofCampaign()} AND NOT (${tokenRule})))
    UNION ALL
    SELECT DISTINCT ${EARLY_INBOUND_ROW}, ${nulls(['text', 'int', 'int', 'text', 'int', 'int', 'int', 'int', 'int', 'int', 'int'])},
      ${nulls(['float8', 'float8', 'float8', 'float8', 'float8'])}, c.stop_key
    FROM per_message m JOIN credits c ON c.message_id = m.message_id
    WHERE c.stop_key IS NOT NULL AND c.at < ${firstSecond}
      AND m.message_id IN (SELECT message_id FROM sends)`;
  return source.selectArrays(sql, params.values);
}
