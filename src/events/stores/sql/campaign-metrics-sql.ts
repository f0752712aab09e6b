import { CampaignFactsBuilder } from '../../../metrics/campaign-facts-builder.js';
import type { MessageFacts } from '../../../metrics/message-facts.js';
import { FactsSummary } from '../../../metrics/metrics-from-facts.js';
import type { ResolvedMetricsQuery } from '../../../metrics/metrics-query.js';
import type { CampaignMetrics, MetricsGroupBy, MetricsQuery } from '../../../metrics/metrics-types.js';
import { emptyStatusSummary } from '../../../metrics/status-fold.js';
import { ISSUED_CODE_METADATA_KEY } from '../../issued-code.js';
import type { CampaignFactsSource } from './campaign-facts-source.js';
import {
  addCampaignSends,
  addRefusedSends,
  campaignSendConditions,
  engagementPlan,
  epochMsSql,
  loadCampaignFacts,
  selectEngagementEvents,
} from './campaign-facts-sql.js';
import { engagedMessages } from './engaged-messages.js';
import { campaignIdentityLinks } from './identity-links-facts.js';
import { addIssuedCodes } from './issued-codes-sql.js';
import { summarizeCampaign, summarizeOptions } from './metrics-for-query.js';
import type { SqlDialect } from './sql-params.js';
import { SqlParams } from './sql-params.js';
import { packedStatusRollupSql, readPackedStatusRollup } from './status-rollup.js';

/**
 * The groupings counted in SQL: their key is a function of columns of the send row (or, for `day`, of
 * the quarter hour it was sent in: UTC offsets are whole quarter hours). `hour`, `weekday` and `country`
 * read the recipient's number, one key per person: those queries take the per-message fold.
 */
const PUSHED_GROUPINGS: ReadonlySet<MetricsGroupBy> = new Set(['variant', 'segment', 'day', 'template']);

/** The SQL of the send row's value that decides its group (`o` the send), or undefined without groups. */
function groupColumnSql(dialect: SqlDialect, groupBy: MetricsGroupBy | undefined): string | undefined {
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

/** Why a query takes the per-message fold instead (see docs/metrics.md), or undefined when it is pushed down. */
export function perMessageFoldReason(q: ResolvedMetricsQuery, linked: boolean): string | undefined {
  if (linked) return 'identity links';
  if (q.blockInferenceAfterMs !== undefined) return 'block inference';
  if (q.groupBy !== undefined && !PUSHED_GROUPINGS.has(q.groupBy)) return `groupBy ${q.groupBy}`;
  return undefined;
}

/** One row of the count by state: the packed rollup (3 values), the count, the earliest send (ms), the group value. */
type StateCountRow = unknown[];
const COUNT_AT = 3;
const FIRST_AT = 4;
const GROUP_AT = 5;

/**
 * Counts the query's sends in SQL by folded state (the status rollup: highest state, failure, lowest
 * error code, billable and its category) and group: one small row per combination, with the earliest
 * send of each.
 */
function countByState(source: CampaignFactsSource, q: ResolvedMetricsQuery): Promise<StateCountRow[]> {
  const { dialect } = source;
  const params = new SqlParams(dialect);
  const conditions = campaignSendConditions(params, q, 'o');
  const group = groupColumnSql(dialect, q.groupBy);
  return source.selectArrays(
    `SELECT ${packedStatusRollupSql('r')}, count(*), ${epochMsSql(dialect, 'min(o.at)')}${group ? `, ${group}` : ''}
    FROM ${source.table} o LEFT JOIN ${source.rollupTable} r ON r.message_id = o.message_id
    WHERE ${conditions.join(' AND ')}
    GROUP BY 1, 2, 3${group ? ', 6' : ''}`,
    params.values,
  );
}

/**
 * The facts of a message of each row's state and group to which nothing but its statuses is attributed:
 * folded by the shared builder itself (one made-up message per row), so they are exactly the facts the
 * per-message fold gives such a message.
 */
function stateFacts(
  query: MetricsQuery,
  rows: readonly StateCountRow[],
  needsTemplate: boolean,
): MessageFacts[] {
  const builder = new CampaignFactsBuilder(query);
  const summary = emptyStatusSummary();
  const groupBy = builder.query.groupBy;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const id = String(i);
    const value = row[GROUP_AT] === null || row[GROUP_AT] === undefined ? undefined : String(row[GROUP_AT]);
    builder.addSendRow(
      id,
      '',
      Number(row[FIRST_AT]),
      groupBy === 'variant' ? value : undefined,
      groupBy === 'segment' ? value : undefined,
      needsTemplate ? value : undefined,
    );
    if (readPackedStatusRollup(row, 0, summary)) builder.addStatusSummary(id, summary);
  }
  const facts = builder.build().messages;
  const byRow: MessageFacts[] = new Array(rows.length);
  for (const message of facts) byRow[Number(message.messageId)] = message;
  return byRow;
}

/**
 * Computes one campaign's metrics with the counting done where the data is, at a cost that follows the
 * campaign's engagement rather than its size:
 * - SQL counts the sends by folded state and group (one `GROUP BY` over the sends joined with their status
 *   rollups): what every message counts as when nothing but its statuses concerns it;
 * - the engagement events that can concern the campaign are selected (as for the per-message fold), and
 *   only the messages they can be attributed to (by id, reply context, recipient, discount code, plus the
 *   campaign's first send, which dates campaign-only conversions) are folded per message by the shared
 *   {@link CampaignFactsBuilder}, with those events;
 * - the summary adds the counts by state, then replaces each folded message's state-only facts by its
 *   folded facts (the proof of delivery moving it between states, its replies, clicks, conversions…).
 * The numbers are the per-message fold's to the last digit. Identity links, block inference and the
 * groupings by recipient (`hour`, `weekday`, `country`) take the per-message fold
 * ({@link loadCampaignFacts}).
 */
export async function loadCampaignMetrics(
  source: CampaignFactsSource,
  query: MetricsQuery,
): Promise<CampaignMetrics> {
  const builder = new CampaignFactsBuilder(query);
  const q = builder.query;
  const links = await campaignIdentityLinks(source, q.campaignId);
  if (perMessageFoldReason(q, links !== undefined) !== undefined) {
    return summarizeCampaign(await loadCampaignFacts(source, query), query);
  }
  // Sends first (refused ones, then accepted ones): the fold needs every send before any other event.
  await addRefusedSends(source, builder);
  const counted = countByState(source, q);
  // PostgreSQL: queued now, so the server selects the engagement while the counts are read.
  let engagement = source.dialect === 'postgres' ? selectEngagementEvents(source, q, 'probe') : undefined;
  engagement?.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  const rows = await counted;
  let messageCount = 0;
  let firstSendMs = Number.POSITIVE_INFINITY;
  for (const row of rows) {
    messageCount += Number(row[COUNT_AT]);
    firstSendMs = Math.min(firstSendMs, Number(row[FIRST_AT]));
  }
  engagement ??= selectEngagementEvents(source, q, await engagementPlan(source, messageCount));
  const events = await engagement;

  // The messages the events can be credited to, each folded twice: with the events, and (the facts the
  // counts by state gave it) without.
  const plain = new CampaignFactsBuilder(query);
  if (messageCount > 0) {
    const engaged = engagedMessages(events, q.campaignId);
    const { dialect } = source;
    // One branch per way in, each driven by its own index (message id, recipient, campaign and time).
    const branches = [(params: SqlParams) => `o.at < ${params.addInstant(firstSendMs + 1)}`];
    const ids = [...engaged.messageIds];
    if (ids.length > 0) branches.push((params) => params.inList('o.message_id', ids));
    const keys = [...engaged.recipientKeys];
    if (keys.length > 0) branches.push((params) => params.inList('o.recipient_key', keys));
    const codes = [...engaged.codes];
    if (codes.length > 0) {
      const code =
        dialect === 'postgres'
          ? `o.extra #>> '{metadata,${ISSUED_CODE_METADATA_KEY}}'`
          : `json_extract(o.extra, '$.metadata.${ISSUED_CODE_METADATA_KEY}')`;
      branches.push((params) => params.inList(code, codes));
    }
    await addCampaignSends(source, [builder, plain], branches);
  }
  for (const event of events) builder.addEvent(event);
  await addIssuedCodes(source, builder);
  const folded = builder.build();

  const summary = new FactsSummary(summarizeOptions(query));
  const states = stateFacts(query, rows, q.groupBy === 'template');
  for (let i = 0; i < rows.length; i++) summary.addMessages(states[i]!, Number(rows[i]![COUNT_AT]));
  for (const message of folded.messages) summary.addMessage(message);
  for (const message of plain.build().messages) summary.addMessage(message, -1);
  for (const rejection of folded.rejections) summary.addRejection(rejection);
  for (const conversion of folded.campaignConversions ?? []) summary.addCampaignConversion(conversion);
  return summary.metrics();
}
