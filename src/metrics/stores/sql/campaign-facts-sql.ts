import { CampaignFactsBuilder } from '../../campaign-facts-builder.js';
import type { MetricsQuery } from '../../campaign-metrics.js';
import type { CampaignFacts } from '../../message-facts.js';
import type { OutboundEvent, SendFailedEvent, StatusEvent } from '../../stored-event.js';
import { ENGAGEMENT_KINDS_SQL } from './engagement-kinds.js';
import { fromEventRow, type StoredEventRow } from './event-row.js';
import { type SqlDialect, SqlParams } from './sql-params.js';

/** Runs one SELECT and resolves its rows (each store adapts its driver to this). */
export type SqlSelect = (sql: string, values: unknown[]) => Promise<StoredEventRow[]>;

/** Runs one SELECT and resolves its rows as arrays of column values, in select-list order. */
export type SqlSelectArrays = (sql: string, values: unknown[]) => Promise<unknown[][]>;

/** How a store reads its table: dialect, quoted table name, and the column list that rebuilds events. */
export interface CampaignFactsSource {
  readonly dialect: SqlDialect;
  readonly table: string;
  /** Select list (aliased `e`) that {@link fromEventRow} turns back into events. */
  readonly eventColumns: string;
  readonly select: SqlSelect;
  /** Like `select`, but rows come back as arrays (cheaper for the one-row-per-message query). */
  readonly selectArrays: SqlSelectArrays;
}

const OPTED_OUT_ERROR = 131050;
const RANK_STATUSES = ['sent', 'delivered', 'read'] as const;

/**
 * One campaign message with its statuses folded in SQL (one row per message instead of one per status):
 * message id, recipient id, send time (epoch ms), variant, segment, then the aggregates in
 * {@link AGGREGATE_NAMES} order.
 */
type MessageStatusRow = unknown[];

/** The folded status columns, in the order they follow the send's five columns. */
const AGGREGATE_NAMES = [
  'max_rank',
  'failed_seen',
  'min_error',
  'opt_out_error',
  'billable_seen',
  'category_sent',
  'category_later',
] as const;
const FOLDED_AT = 5;

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
 * selects the campaign's sends, folds every message's statuses into one row (highest state, lowest
 * failure code, billable pricing and its category) and picks out only the engagement events that can
 * be attributed to the campaign (by message id, reply context, or recipient at or after the first send).
 * Attribution, opt-out detection and block inference then run in the shared {@link CampaignFactsBuilder},
 * so the facts are exactly those the memory store's fold produces.
 */
export async function loadCampaignFacts(
  source: CampaignFactsSource,
  query: MetricsQuery,
): Promise<CampaignFacts> {
  const builder = new CampaignFactsBuilder(query);
  const q = builder.query;
  const { dialect, table } = source;

  const sends = (params: SqlParams): string => {
    const conditions = [`kind = 'outbound'`, `campaign_id = ${params.add(q.campaignId)}`];
    if (Number.isFinite(q.fromMs)) conditions.push(`at >= ${params.addInstant(q.fromMs)}`);
    if (Number.isFinite(q.toMs)) conditions.push(`at < ${params.addInstant(q.toMs)}`);
    return `sends AS MATERIALIZED (SELECT message_id, recipient_id, recipient_key, at, variant, segment
      FROM ${table} WHERE ${conditions.join(' AND ')})`;
  };
  const isTrue = dialect === 'postgres' ? 'true' : '1';
  const collate = dialect === 'postgres' ? ' COLLATE "C"' : '';
  const atMs = (column: string) =>
    dialect === 'postgres' ? `floor(extract(epoch FROM ${column}) * 1000)::float8` : column;
  const billable = `st.status IN ('sent', 'delivered', 'read', 'played')
    AND (st.pricing_billable = ${isTrue} OR st.pricing_type = 'regular')`;

  // Refused sends first: the fold needs every send before any other event.
  const failedParams = new SqlParams(dialect);
  const failedConditions = [`e.kind = 'send_failed'`, `e.campaign_id = ${failedParams.add(q.campaignId)}`];
  if (Number.isFinite(q.fromMs)) failedConditions.push(`e.at >= ${failedParams.addInstant(q.fromMs)}`);
  if (Number.isFinite(q.toMs)) failedConditions.push(`e.at < ${failedParams.addInstant(q.toMs)}`);
  const failedRows = await source.select(
    `SELECT ${source.eventColumns} FROM ${table} e WHERE ${failedConditions.join(' AND ')} ORDER BY e.at, e.id`,
    failedParams.values,
  );

  const aggregates: [(typeof AGGREGATE_NAMES)[number], string][] = [
    [
      'max_rank',
      `max(CASE st.status WHEN 'sent' THEN 0 WHEN 'delivered' THEN 1 WHEN 'read' THEN 2 WHEN 'played' THEN 2 END)`,
    ],
    ['failed_seen', `max(CASE WHEN st.status = 'failed' THEN 1 ELSE 0 END)`],
    ['min_error', `min(CASE WHEN st.status = 'failed' THEN st.error_code END)`],
    [
      'opt_out_error',
      `max(CASE WHEN st.status = 'failed' AND st.error_code = ${OPTED_OUT_ERROR} THEN 1 ELSE 0 END)`,
    ],
    ['billable_seen', `max(CASE WHEN ${billable} THEN 1 ELSE 0 END)`],
    [
      'category_sent',
      `min(CASE WHEN ${billable} AND st.status = 'sent' THEN st.pricing_category END${collate})`,
    ],
    [
      'category_later',
      `min(CASE WHEN ${billable} AND st.status <> 'sent' THEN st.pricing_category END${collate})`,
    ],
  ];
  const messageParams = new SqlParams(dialect);
  const messageConditions = [`o.kind = 'outbound'`, `o.campaign_id = ${messageParams.add(q.campaignId)}`];
  if (Number.isFinite(q.fromMs)) messageConditions.push(`o.at >= ${messageParams.addInstant(q.fromMs)}`);
  if (Number.isFinite(q.toMs)) messageConditions.push(`o.at < ${messageParams.addInstant(q.toMs)}`);
  // Sends come back in the fold's own order (time, then id) so it need not sort them again.
  const outboundColumns = `o.message_id, o.recipient_id, ${atMs('o.at')} AS at, o.variant, o.segment`;
  let messageRows: MessageStatusRow[];
  if (dialect === 'postgres') {
    // One row per message: the campaign's sends hash-joined with their statuses, grouped by primary key.
    messageRows = await source.selectArrays(
      `SELECT ${outboundColumns}, ${aggregates.map(([name, sql]) => `${sql} AS ${name}`).join(', ')}
      FROM ${table} o LEFT JOIN ${table} st ON st.message_id = o.message_id AND st.kind = 'status'
      WHERE ${messageConditions.join(' AND ')}
      GROUP BY o.id
      ORDER BY o.at, o.message_id`,
      messageParams.values,
    );
  } else {
    // SQLite: one index probe per message, every aggregate packed into one JSON array (a correlated
    // subquery per column would probe seven times; a join + GROUP BY needs a temporary b-tree).
    messageRows = await source.selectArrays(
      `SELECT ${outboundColumns},
        (SELECT json_array(${aggregates.map(([, sql]) => sql).join(', ')})
         FROM ${table} st WHERE st.message_id = o.message_id AND st.kind = 'status') AS folded
      FROM ${table} o WHERE ${messageConditions.join(' AND ')}
      ORDER BY o.at, o.message_id`,
      messageParams.values,
    );
  }

  // SQLite plans the membership test below as one index probe per send. For a campaign that is a good
  // share of the table, scanning the (partial) engagement index once is several times faster; for one
  // that is most of it, skipping the test altogether is faster still (the fold ignores other campaigns'
  // events). PostgreSQL's planner makes that choice itself from its statistics.
  let plan: 'probe' | 'scan' | 'all' = 'probe';
  if (dialect === 'sqlite' && messageRows.length > 0) {
    const [size] = await source.select(`SELECT max(id) AS n FROM ${table}`, []);
    const rows = Number(size?.n ?? 0);
    if (messageRows.length * 4 >= rows) plan = 'all';
    else if (messageRows.length * 16 >= rows) plan = 'scan';
  }
  const probe = (column: string) => (plan === 'scan' ? `+${column}` : column);
  const engagementColumns = ENGAGEMENT_COLUMNS.map((column) => {
    if (column === 'at') return `${atMs('e.at')} AS at`;
    if (column === 'extra' && dialect === 'postgres') return 'e.extra::text AS extra';
    return `e.${column}`;
  }).join(', ');
  const engagementParams = new SqlParams(dialect);
  // Sent now, so the database selects the engagement while the sends are folded below.
  const engagement =
    plan === 'all'
      ? source.selectArrays(
          `SELECT ${engagementColumns} FROM ${table} e WHERE e.kind IN ${ENGAGEMENT_KINDS_SQL}`,
          [],
        )
      : source.selectArrays(
          `WITH ${sends(engagementParams)}
          SELECT ${engagementColumns} FROM ${table} e
          WHERE e.kind IN ${ENGAGEMENT_KINDS_SQL} AND (
            ${probe('e.message_id')} IN (SELECT message_id FROM sends)
            OR ${probe('e.context_message_id')} IN (SELECT message_id FROM sends)
            OR (${probe('e.recipient_key')} IN (SELECT recipient_key FROM sends)
              AND ${probe('e.at')} >= (SELECT min(at) FROM sends))
          )`,
          engagementParams.values,
        );
  engagement.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled

  // The builder copies what it keeps out of each event, so one scratch event serves every send.
  const outbound: OutboundEvent = {
    kind: 'outbound',
    messageId: '',
    recipientId: '',
    at: SYNTHETIC_AT,
    campaignId: q.campaignId,
    variant: undefined,
    segment: undefined,
  } as unknown as OutboundEvent;
  for (const row of messageRows) {
    outbound.messageId = row[0] as string;
    outbound.recipientId = row[1] as string;
    outbound.at = new Date(Number(row[2]));
    (outbound as { variant: unknown }).variant = row[3] ?? undefined;
    (outbound as { segment: unknown }).segment = row[4] ?? undefined;
    builder.addSend(outbound);
  }
  for (const row of failedRows) builder.addSend(fromEventRow(row) as SendFailedEvent);

  const statuses = new FoldedStatuses((status) => builder.addEvent(status));
  if (dialect === 'postgres') {
    for (const row of messageRows) statuses.emit(row[0] as string, row, FOLDED_AT);
  } else {
    for (const row of messageRows) {
      statuses.emit(row[0] as string, JSON.parse(String(row[FOLDED_AT])) as unknown[], 0);
    }
  }

  const engagementRows = await engagement;
  for (const values of engagementRows) {
    const row: StoredEventRow = {};
    for (let i = 0; i < ENGAGEMENT_COLUMNS.length; i++) row[ENGAGEMENT_COLUMNS[i]!] = values[i];
    builder.addEvent(fromEventRow(row));
  }

  if (q.blockInferenceAfterMs !== undefined) {
    const priorParams = new SqlParams(dialect);
    const priorRows = await source.select(
      `WITH ${sends(priorParams)}
      SELECT o.recipient_key, ${atMs('min(o.at)')} AS at FROM ${table} o
      WHERE o.kind = 'outbound' AND o.recipient_key IN (SELECT recipient_key FROM sends)
        AND EXISTS (SELECT 1 FROM ${table} st WHERE st.kind = 'status' AND st.message_id = o.message_id
          AND st.status IN ('delivered', 'read', 'played'))
      GROUP BY o.recipient_key`,
      priorParams.values,
    );
    for (const row of priorRows)
      builder.addPriorDelivery(String(row.recipient_key), new Date(Number(row.at)));
  }
  return builder.build();
}

function toNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/**
 * Emits the fewest status events that fold to the same facts as a message's real statuses: its
 * highest state, its lowest failure code (plus 131050 when that also occurred), and its billable
 * pricing with the category the fold would pick. The builder reads each event and keeps none, so a
 * few scratch events (one per shape) are reused instead of allocating several per message.
 */
class FoldedStatuses {
  readonly #emit: (status: StatusEvent) => void;
  readonly #ranked = status('sent');
  readonly #failed = status('failed');
  readonly #priced = status('sent');
  readonly #pricing: { billable: true; category: string | undefined } = {
    billable: true,
    category: undefined,
  };

  constructor(emit: (status: StatusEvent) => void) {
    this.#emit = emit;
    (this.#failed as { errorCode: number | undefined }).errorCode = undefined;
    this.#priced.pricing = this.#pricing as StatusEvent['pricing'];
  }

  /** Emits the statuses of `messageId` from its seven folded columns, starting at `folded[at]`. */
  emit(messageId: string, folded: unknown[], at: number): void {
    const rank = toNumber(folded[at]);
    if (rank !== null) {
      const ranked = this.#ranked;
      ranked.messageId = messageId;
      ranked.status = RANK_STATUSES[rank] ?? 'sent';
      this.#emit(ranked);
    }
    if (toNumber(folded[at + 1]) === 1) {
      const failed = this.#failed as { messageId: string; errorCode: number | undefined } & StatusEvent;
      failed.messageId = messageId;
      const minError = toNumber(folded[at + 2]);
      failed.errorCode = minError ?? undefined;
      this.#emit(failed);
      if (toNumber(folded[at + 3]) === 1 && minError !== OPTED_OUT_ERROR) {
        failed.errorCode = OPTED_OUT_ERROR;
        this.#emit(failed);
      }
    }
    if (toNumber(folded[at + 4]) === 1) {
      const later = (folded[at + 6] ?? null) as string | null;
      const priced = this.#priced;
      priced.messageId = messageId;
      priced.status = later !== null ? 'delivered' : 'sent';
      this.#pricing.category = (later ?? folded[at + 5] ?? undefined) as string | undefined;
      this.#emit(priced);
    }
  }
}

/** The fold never reads a status's time, so the synthetic ones share one. */
const SYNTHETIC_AT = new Date(0);

function status(value: string): StatusEvent {
  return { kind: 'status', messageId: '', status: value, at: SYNTHETIC_AT };
}
