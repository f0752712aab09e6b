import { CampaignFactsBuilder } from '../../../metrics/campaign-facts-builder.js';
import type { CampaignFacts } from '../../../metrics/message-facts.js';
import type { ResolvedMetricsQuery } from '../../../metrics/metrics-query.js';
import type { MetricsQuery } from '../../../metrics/metrics-types.js';
import { emptyStatusSummary } from '../../../metrics/status-fold.js';
import { resolveIdentities } from '../../identity-links.js';
import type { StoredEvent } from '../../stored-event.js';
import type { CampaignFactsSource } from './campaign-facts-source.js';
import { ENGAGEMENT_KINDS_SQL } from './engagement-kinds.js';
import { fromEventRow, type StoredEventRow } from './event-row.js';
import { firstSendSecondSql } from './first-send-second.js';
import { campaignIdentityLinks, linkedRecipientsSql } from './identity-links-facts.js';
import { addIssuedCodes, looseConversionsSql } from './issued-codes-sql.js';
import { type SqlDialect, SqlParams } from './sql-params.js';
import { packedStatusRollupSql, readPackedStatusRollup } from './status-rollup.js';

/**
 * One campaign message joined with its status rollup: message id, recipient id, send time (epoch ms),
 * variant, segment, then the rollup as {@link packedStatusRollupSql} packs it.
 */
type MessageStatusRow = unknown[];

/** Where the rollup columns start in a {@link MessageStatusRow}. */
const FOLDED_AT = 5;
/** Where the outbound's template name and record time zone are, when the grouping needs them. */
const LABELS_AT = FOLDED_AT + 3;

/** A nullable text column's value as an optional field. */
function optionalText(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

/**
 * The columns of an engagement event that attribution reads (who, when, which message or campaign, the
 * reply's text and payload, the conversion's value and currency, and `extra` for fields such as the
 * inbound `messageType`): fewer columns to copy out of the database than the whole row.
 */
const ENGAGEMENT_COLUMNS = [
  'kind',
  'at',
  'message_id',
  'recipient_id',
  'campaign_id',
  'context_message_id',
  'button_payload',
  'message_text',
  'conversion_value',
  'currency',
  'extra',
] as const;

/** The conditions picking the query's sends (`kind = 'outbound'`, campaign, range) from rows aliased `alias`. */
export function campaignSendConditions(params: SqlParams, q: ResolvedMetricsQuery, alias: string): string[] {
  const conditions = [`${alias}.kind = 'outbound'`, `${alias}.campaign_id = ${params.add(q.campaignId)}`];
  if (Number.isFinite(q.fromMs)) conditions.push(`${alias}.at >= ${params.addInstant(q.fromMs)}`);
  if (Number.isFinite(q.toMs)) conditions.push(`${alias}.at < ${params.addInstant(q.toMs)}`);
  return conditions;
}

/**
 * The conditions that pick the query's sends among the status rollup rows aliased `r` (their send
 * columns, v8/v6): campaign and send time, as {@link campaignSendConditions} picks the outbound events.
 */
export function rollupSendConditions(params: SqlParams, q: ResolvedMetricsQuery): string[] {
  const conditions = [`r.campaign_id = ${params.add(q.campaignId)}`];
  if (Number.isFinite(q.fromMs)) conditions.push(`r.sent_at >= ${params.addInstant(q.fromMs)}`);
  if (Number.isFinite(q.toMs)) conditions.push(`r.sent_at < ${params.addInstant(q.toMs)}`);
  return conditions;
}

/**
 * `column` (an instant) as epoch milliseconds, a JavaScript number, in either dialect. PostgreSQL: the
 * instant cut to its millisecond, then `date_part` (float8, where `extract` computes in numeric, several
 * times slower over a campaign's rows): that is an exact whole number of microseconds divided by 10^6,
 * within a millionth of a millisecond of the whole milliseconds after `* 1000`, so `round` gives exactly
 * `floor(extract(epoch …) * 1000)`.
 */
export function epochMsSql(dialect: SqlDialect, column: string): string {
  return dialect === 'postgres'
    ? `round(date_part('epoch', date_trunc('milliseconds', ${column})) * 1000)`
    : column;
}

/** The `sends` CTE the engagement queries read (the query's sends: id, recipient, time, variant, segment). */
export function sendsCte(table: string, params: SqlParams, q: ResolvedMetricsQuery): string {
  return `sends AS MATERIALIZED (SELECT message_id, recipient_id, recipient_key, at, variant, segment
      FROM ${table} o WHERE ${campaignSendConditions(params, q, 'o').join(' AND ')})`;
}

/** Adds the campaign's refused sends (`send_failed`, in the query's range) to `builder`, first of all. */
export async function addRefusedSends(
  source: CampaignFactsSource,
  builder: CampaignFactsBuilder,
): Promise<void> {
  const q = builder.query;
  const params = new SqlParams(source.dialect);
  const conditions = [`e.kind = 'send_failed'`, `e.campaign_id = ${params.add(q.campaignId)}`];
  if (Number.isFinite(q.fromMs)) conditions.push(`e.at >= ${params.addInstant(q.fromMs)}`);
  if (Number.isFinite(q.toMs)) conditions.push(`e.at < ${params.addInstant(q.toMs)}`);
  const rows = await source.select(
    `SELECT ${source.eventColumns} FROM ${source.table} e WHERE ${conditions.join(' AND ')} ORDER BY e.at, e.id`,
    params.values,
  );
  for (const row of rows) {
    const event = fromEventRow(row);
    if (event.kind === 'send_failed') builder.addSend(event);
  }
}

/**
 * How to select the engagement events: `probe` tests membership in the campaign's sends by index probes,
 * `scan` makes SQLite scan the (partial) engagement index once instead, `all` reads every engagement event
 * (the fold ignores other campaigns').
 */
export type EngagementPlan = 'probe' | 'scan' | 'all';

/**
 * The plan for a campaign of `messageCount` sends: SQLite plans the membership test as one index probe
 * per send. For a campaign that is a good share of the table, scanning the (partial) engagement index
 * once is several times faster; for one that is most of it, skipping the test altogether is faster still.
 * PostgreSQL's planner makes that choice itself from its statistics (always `probe`).
 */
export async function engagementPlan(
  source: CampaignFactsSource,
  messageCount: number,
): Promise<EngagementPlan> {
  if (source.dialect === 'postgres' || messageCount === 0) return 'probe';
  const [size] = await source.select(`SELECT max(id) AS n FROM ${source.table}`, []);
  const rows = Number(size?.n ?? 0);
  if (messageCount * 4 >= rows) return 'all';
  if (messageCount * 16 >= rows) return 'scan';
  return 'probe';
}

/**
 * Only the engagement events that can concern the campaign: by message id, reply context, or
 * recipient at or after the first send; then (a branch of its own, so the first keeps its index
 * plan) Meta's click webhooks, which name neither message nor recipient: the fold matches them to a
 * message by click id; then the conversions naming no message. Rebuilt as events (with the columns
 * attribution reads only).
 */
export async function selectEngagementEvents(
  source: CampaignFactsSource,
  q: ResolvedMetricsQuery,
  plan: EngagementPlan,
): Promise<StoredEvent[]> {
  const params = new SqlParams(source.dialect);
  const select = engagementEventsSql(source, plan);
  const sql = plan === 'all' ? select : `WITH ${sendsCte(source.table, params, q)}\n${select}`;
  return engagementEventsFromRows(await source.selectArrays(sql, params.values));
}

/** The engagement select list ({@link ENGAGEMENT_COLUMNS} in order, `at` as epoch ms, `extra` as text). */
export function engagementColumnsSql(dialect: SqlDialect): string {
  return ENGAGEMENT_COLUMNS.map((column) => {
    if (column === 'at') return `${epochMsSql(dialect, 'e.at')} AS at`;
    if (column === 'extra' && dialect === 'postgres') return 'e.extra::text AS extra';
    return `e.${column}`;
  }).join(', ');
}

/**
 * The engagement query of {@link selectEngagementEvents} (its columns {@link engagementColumnsSql}): a
 * statement that reads the query's sends from a CTE named `sends` (message_id, recipient_key, at), except
 * for the plan `all`; `withRecipientKey` adds the event's `recipient_key` after them.
 */
export function engagementEventsSql(
  source: CampaignFactsSource,
  plan: EngagementPlan,
  withRecipientKey = false,
): string {
  const { dialect, table } = source;
  const engagementColumns = `${engagementColumnsSql(dialect)}${withRecipientKey ? ', e.recipient_key' : ''}`;
  if (plan === 'all') {
    return `SELECT ${engagementColumns} FROM ${table} e WHERE e.kind IN ${ENGAGEMENT_KINDS_SQL}`;
  }
  const probe = (column: string) => (plan === 'scan' ? `+${column}` : column);
  return `SELECT ${engagementColumns} FROM ${table} e
      WHERE e.kind IN ${ENGAGEMENT_KINDS_SQL} AND (
        ${probe('e.message_id')} IN (SELECT message_id FROM sends)
        OR ${probe('e.context_message_id')} IN (SELECT message_id FROM sends)
        OR (${probe('e.recipient_key')} IN (SELECT recipient_key FROM sends)
          AND ${probe('e.at')} >= ${firstSendSecondSql(dialect)})${linkedRecipientsSql(source, probe)}
      )
      UNION ALL
      SELECT ${engagementColumns} FROM ${table} e
      WHERE e.kind = 'click' AND e.message_id IS NULL AND e.recipient_id IS NULL
        AND e.at >= ${firstSendSecondSql(dialect)}
      UNION ALL
      ${looseConversionsSql(table, engagementColumns, firstSendSecondSql(dialect))}`;
}

/** Rebuilds events from rows of {@link engagementColumnsSql}'s columns, starting at `at` of each row. */
export function engagementEventsFromRows(rows: readonly unknown[][], at = 0): StoredEvent[] {
  const events: StoredEvent[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) events[r] = engagementEventFromRow(rows[r]!, at);
  return events;
}

/** Rebuilds one event from a row of {@link engagementColumnsSql}'s columns, starting at `at`. */
export function engagementEventFromRow(values: readonly unknown[], at = 0): StoredEvent {
  const row: StoredEventRow = {};
  for (let i = 0; i < ENGAGEMENT_COLUMNS.length; i++) row[ENGAGEMENT_COLUMNS[i]!] = values[at + i];
  return fromEventRow(row);
}

/**
 * Adds the query's sends to each of `builders`, each with its status rollup, in the fold's own order
 * (time, then id): all of them, or those picked by any of `branches` (conditions on the send aliased
 * `o`, each a `UNION ALL` branch of its own so each can use its own index; a send two branches pick
 * comes twice, which the builders ignore). Resolves how many rows were read.
 */
export function addCampaignSends(
  source: CampaignFactsSource,
  builders: readonly CampaignFactsBuilder[],
  branches?: readonly ((params: SqlParams) => string)[],
): Promise<number> {
  const { dialect, table } = source;
  const q = builders[0]!.query;
  // addStatusSummary reads the summary during the call and keeps nothing of it: one serves every row.
  const summary = emptyStatusSummary();
  const params = new SqlParams(dialect);
  // The template name and the recipient's record time zone live in `extra`: read only for the groupings
  // that use them, so the others keep reading the sends from a covering index.
  const withLabels = q.groupBy === 'template' || q.groupBy === 'hour' || q.groupBy === 'weekday';
  const labels = !withLabels
    ? ''
    : dialect === 'postgres'
      ? `, o.extra ->> 'templateName', CASE WHEN jsonb_typeof(o.extra #> '{metadata,timeZone}') = 'string'
          THEN o.extra #>> '{metadata,timeZone}' END`
      : `, json_extract(o.extra, '$.templateName'), json_extract(o.extra, '$.metadata.timeZone')`;
  const select = (narrow?: (params: SqlParams) => string) => {
    const conditions = campaignSendConditions(params, q, 'o');
    if (narrow) conditions.push(`(${narrow(params)})`);
    return `SELECT o.message_id, o.recipient_id, ${epochMsSql(dialect, 'o.at')} AS at, o.variant, o.segment,
      ${packedStatusRollupSql('r')}${labels}
    FROM ${table} o LEFT JOIN ${source.rollupTable} r ON r.message_id = o.message_id
    WHERE ${conditions.join(' AND ')}`;
  };
  // One row per message: the send joined with its status rollup (kept up to date on append), in the
  // fold's own order (time, then id) so it need not sort them again; folded as the rows stream in.
  const sql =
    branches === undefined
      ? `${select()} ORDER BY o.at, o.message_id`
      : `${branches.map((branch) => select(branch)).join(' UNION ALL ')} ORDER BY 3, 1`;
  return source.eachArray(sql, params.values, (row: MessageStatusRow) => {
    const messageId = String(row[0]);
    const rolled = readPackedStatusRollup(row, FOLDED_AT, summary);
    for (const builder of builders) {
      builder.addSendRow(
        messageId,
        String(row[1]),
        Number(row[2]),
        optionalText(row[3]),
        optionalText(row[4]),
        withLabels ? optionalText(row[LABELS_AT]) : undefined,
        withLabels ? optionalText(row[LABELS_AT + 1]) : undefined,
      );
      if (rolled) builder.addStatusSummary(messageId, summary);
    }
  });
}

/**
 * Block inference's input: for each of the campaign's recipients, their earliest delivered message of
 * any campaign.
 */
export async function addPriorDeliveries(
  source: CampaignFactsSource,
  builder: CampaignFactsBuilder,
): Promise<void> {
  const { dialect, table } = source;
  const params = new SqlParams(dialect);
  const rows = await source.select(
    `WITH ${sendsCte(table, params, builder.query)}
    SELECT o.recipient_key, ${epochMsSql(dialect, 'min(o.at)')} AS at FROM ${table} o
    WHERE o.kind = 'outbound' AND o.recipient_key IN (SELECT recipient_key FROM sends)
      AND EXISTS (SELECT 1 FROM ${source.rollupTable} r WHERE r.message_id = o.message_id AND r.max_rank >= 1)
    GROUP BY o.recipient_key`,
    params.values,
  );
  for (const row of rows) builder.addPriorDelivery(String(row.recipient_key), new Date(Number(row.at)));
}

/**
 * Folds one campaign's events into {@link CampaignFacts} with the database doing the heavy part: it
 * selects the campaign's sends joined with their status rollups (highest state, lowest failure code,
 * billable pricing and its category, kept up to date on append) and picks out only the engagement events
 * that can be attributed to the campaign (by message id, reply context, or recipient at or after the
 * first send).
 * Attribution, opt-out detection and block inference then run in the shared {@link CampaignFactsBuilder},
 * so the facts are exactly those the memory store's fold produces.
 */
export async function loadCampaignFacts(
  source: CampaignFactsSource,
  query: MetricsQuery,
): Promise<CampaignFacts> {
  // Each person counted once under their canonical id, however many ids Meta reported for them.
  const links = await campaignIdentityLinks(source, query.campaignId);
  const builder = resolveIdentities(new CampaignFactsBuilder(query), links);
  const q = builder.query;

  // Sends first (refused ones, then accepted ones): the fold needs every send before any other event.
  await addRefusedSends(source, builder);
  const messagesFolded = addCampaignSends(source, [builder]);
  // PostgreSQL: queued now, so the server selects the engagement while the sends are folded.
  let engagement = source.dialect === 'postgres' ? selectEngagementEvents(source, q, 'probe') : undefined;
  engagement?.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  const messageCount = await messagesFolded;
  engagement ??= selectEngagementEvents(source, q, await engagementPlan(source, messageCount));
  for (const event of await engagement) builder.addEvent(event);
  await addIssuedCodes(source, builder);
  if (q.blockInferenceAfterMs !== undefined) await addPriorDeliveries(source, builder);
  return builder.build();
}
