import { CampaignFactsBuilder } from '../../../metrics/campaign-facts-builder.js';
import type { CampaignFacts } from '../../../metrics/message-facts.js';
import type { MetricsQuery } from '../../../metrics/metrics-types.js';
import { emptyStatusSummary } from '../../../metrics/status-fold.js';
import { resolveIdentities } from '../../identity-links.js';
import type { CampaignFactsSource } from './campaign-facts-source.js';
import { ENGAGEMENT_KINDS_SQL } from './engagement-kinds.js';
import { fromEventRow, type StoredEventRow } from './event-row.js';
import { firstSendSecondSql } from './first-send-second.js';
import { campaignIdentityLinks, linkedRecipientsSql } from './identity-links-facts.js';
import { addIssuedCodes, looseConversionsSql } from './issued-codes-sql.js';
import { SqlParams } from './sql-params.js';
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
  const { dialect, table } = source;

  const sends = (params: SqlParams): string => {
    const conditions = [`kind = 'outbound'`, `campaign_id = ${params.add(q.campaignId)}`];
    if (Number.isFinite(q.fromMs)) conditions.push(`at >= ${params.addInstant(q.fromMs)}`);
    if (Number.isFinite(q.toMs)) conditions.push(`at < ${params.addInstant(q.toMs)}`);
    return `sends AS MATERIALIZED (SELECT message_id, recipient_id, recipient_key, at, variant, segment
      FROM ${table} WHERE ${conditions.join(' AND ')})`;
  };
  const atMs = (column: string) =>
    dialect === 'postgres' ? `floor(extract(epoch FROM ${column}) * 1000)::float8` : column;

  // Sends first (refused ones, then accepted ones): the fold needs every send before any other event.
  const failedParams = new SqlParams(dialect);
  const failedConditions = [`e.kind = 'send_failed'`, `e.campaign_id = ${failedParams.add(q.campaignId)}`];
  if (Number.isFinite(q.fromMs)) failedConditions.push(`e.at >= ${failedParams.addInstant(q.fromMs)}`);
  if (Number.isFinite(q.toMs)) failedConditions.push(`e.at < ${failedParams.addInstant(q.toMs)}`);
  const failedRows = await source.select(
    `SELECT ${source.eventColumns} FROM ${table} e WHERE ${failedConditions.join(' AND ')} ORDER BY e.at, e.id`,
    failedParams.values,
  );

  for (const row of failedRows) {
    const event = fromEventRow(row);
    if (event.kind === 'send_failed') builder.addSend(event);
  }

  const engagementColumns = ENGAGEMENT_COLUMNS.map((column) => {
    if (column === 'at') return `${atMs('e.at')} AS at`;
    if (column === 'extra' && dialect === 'postgres') return 'e.extra::text AS extra';
    return `e.${column}`;
  }).join(', ');
  // Only the engagement events that can concern the campaign: by message id, reply context, or
  // recipient at or after the first send; then (a branch of its own, so the first keeps its index
  // plan) Meta's click webhooks, which name neither message nor recipient: the fold matches them to a
  // message by click id. `all` reads every engagement event instead (the fold ignores
  // other campaigns'), `scan` makes SQLite scan rather than probe (see below).
  const selectEngagement = (plan: 'probe' | 'scan' | 'all') => {
    if (plan === 'all') {
      return source.selectArrays(
        `SELECT ${engagementColumns} FROM ${table} e WHERE e.kind IN ${ENGAGEMENT_KINDS_SQL}`,
        [],
      );
    }
    const probe = (column: string) => (plan === 'scan' ? `+${column}` : column);
    const params = new SqlParams(dialect);
    return source.selectArrays(
      `WITH ${sends(params)}
      SELECT ${engagementColumns} FROM ${table} e
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
      ${looseConversionsSql(table, engagementColumns, firstSendSecondSql(dialect))}`,
      params.values,
    );
  };

  // addStatusSummary reads the summary during the call and keeps nothing of it: one serves every row.
  const summary = emptyStatusSummary();
  const messageParams = new SqlParams(dialect);
  const messageConditions = [`o.kind = 'outbound'`, `o.campaign_id = ${messageParams.add(q.campaignId)}`];
  if (Number.isFinite(q.fromMs)) messageConditions.push(`o.at >= ${messageParams.addInstant(q.fromMs)}`);
  if (Number.isFinite(q.toMs)) messageConditions.push(`o.at < ${messageParams.addInstant(q.toMs)}`);
  // The template name and the recipient's record time zone live in `extra`: read only for the groupings
  // that use them, so the others keep reading the sends from a covering index.
  const withLabels = q.groupBy === 'template' || q.groupBy === 'hour' || q.groupBy === 'weekday';
  const labels = !withLabels
    ? ''
    : dialect === 'postgres'
      ? `, o.extra ->> 'templateName', CASE WHEN jsonb_typeof(o.extra #> '{metadata,timeZone}') = 'string'
          THEN o.extra #>> '{metadata,timeZone}' END`
      : `, json_extract(o.extra, '$.templateName'), json_extract(o.extra, '$.metadata.timeZone')`;
  // One row per message: the send joined with its status rollup (kept up to date on append), in the
  // fold's own order (time, then id) so it need not sort them again; folded as the rows stream in.
  const messagesFolded = source.eachArray(
    `SELECT o.message_id, o.recipient_id, ${atMs('o.at')} AS at, o.variant, o.segment,
      ${packedStatusRollupSql('r')}${labels}
    FROM ${table} o LEFT JOIN ${source.rollupTable} r ON r.message_id = o.message_id
    WHERE ${messageConditions.join(' AND ')}
    ORDER BY o.at, o.message_id`,
    messageParams.values,
    (row: MessageStatusRow) => {
      const messageId = String(row[0]);
      builder.addSendRow(
        messageId,
        String(row[1]),
        Number(row[2]),
        optionalText(row[3]),
        optionalText(row[4]),
        withLabels ? optionalText(row[LABELS_AT]) : undefined,
        withLabels ? optionalText(row[LABELS_AT + 1]) : undefined,
      );
      if (readPackedStatusRollup(row, FOLDED_AT, summary)) builder.addStatusSummary(messageId, summary);
    },
  );
  // PostgreSQL: queued now, so the server selects the engagement while the sends are folded.
  let engagement = dialect === 'postgres' ? selectEngagement('probe') : undefined;
  engagement?.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  const messageCount = await messagesFolded;

  // SQLite plans the membership test as one index probe per send. For a campaign that is a good share
  // of the table, scanning the (partial) engagement index once is several times faster; for one that
  // is most of it, skipping the test altogether is faster still. PostgreSQL's planner makes that choice
  // itself from its statistics.
  if (engagement === undefined) {
    let plan: 'probe' | 'scan' | 'all' = 'probe';
    if (messageCount > 0) {
      const [size] = await source.select(`SELECT max(id) AS n FROM ${table}`, []);
      const rows = Number(size?.n ?? 0);
      if (messageCount * 4 >= rows) plan = 'all';
      else if (messageCount * 16 >= rows) plan = 'scan';
    }
    engagement = selectEngagement(plan);
  }

  const engagementRows = await engagement;
  for (const values of engagementRows) {
    const row: StoredEventRow = {};
    for (let i = 0; i < ENGAGEMENT_COLUMNS.length; i++) row[ENGAGEMENT_COLUMNS[i]!] = values[i];
    builder.addEvent(fromEventRow(row));
  }
  await addIssuedCodes(source, builder);

  if (q.blockInferenceAfterMs !== undefined) {
    const priorParams = new SqlParams(dialect);
    const priorRows = await source.select(
      `WITH ${sends(priorParams)}
      SELECT o.recipient_key, ${atMs('min(o.at)')} AS at FROM ${table} o
      WHERE o.kind = 'outbound' AND o.recipient_key IN (SELECT recipient_key FROM sends)
        AND EXISTS (SELECT 1 FROM ${source.rollupTable} r WHERE r.message_id = o.message_id AND r.max_rank >= 1)
      GROUP BY o.recipient_key`,
      priorParams.values,
    );
    for (const row of priorRows)
      builder.addPriorDelivery(String(row.recipient_key), new Date(Number(row.at)));
  }
  return builder.build();
}
