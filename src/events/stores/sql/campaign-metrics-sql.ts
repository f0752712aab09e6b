import { CampaignFactsBuilder } from '../../../metrics/campaign-facts-builder.js';
import type { MessageFacts } from '../../../metrics/message-facts.js';
import { FactsSummary } from '../../../metrics/metrics-from-facts.js';
import { type ResolvedMetricsQuery, resolveMetricsQuery } from '../../../metrics/metrics-query.js';
import type { CampaignMetrics, MetricsGroupBy, MetricsQuery } from '../../../metrics/metrics-types.js';
import { emptyStatusSummary } from '../../../metrics/status-fold.js';
import { loadAttributedMetrics } from './campaign-attributed-metrics.js';
import type { CampaignFactsSource } from './campaign-facts-source.js';
import { addRefusedSends, engagementPlan, loadCampaignFacts } from './campaign-facts-sql.js';
import { campaignSizeEstimate, groupColumnSql } from './campaign-group-sql.js';
import { COUNT_AT as PASS_COUNT_AT, ROLLUP_AT, selectCampaignPass } from './campaign-pass-sql.js';
import { campaignIdentityLinks } from './identity-links-facts.js';
import { addIssuedCodes } from './issued-codes-sql.js';
import { summarizeCampaign, summarizeOptions } from './metrics-for-query.js';
import { readPackedStatusRollup } from './status-rollup.js';

/**
 * The groupings counted in SQL: their key is a function of columns of the send row (or, for `day`, of
 * the quarter hour it was sent in: UTC offsets are whole quarter hours). `hour`, `weekday` and `country`
 * read the recipient's number, one key per person: those queries take the per-message fold.
 */
const PUSHED_GROUPINGS: ReadonlySet<MetricsGroupBy> = new Set(['variant', 'segment', 'day', 'template']);

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

/** A nullable text column's value as an optional field. */
function optionalText(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

/**
 * The facts of a message of each row's state and group to which nothing but its statuses is attributed:
 * folded by the shared builder itself (one made-up message per row), so they are exactly the facts the
 * per-message fold gives such a message.
 */
function stateFacts(query: MetricsQuery, rows: readonly StateCountRow[]): MessageFacts[] {
  const builder = new CampaignFactsBuilder(query);
  const summary = emptyStatusSummary();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const id = String(i);
    const value = row[GROUP_AT] === null || row[GROUP_AT] === undefined ? undefined : String(row[GROUP_AT]);
    builder.addGroupSendRow(id, Number(row[FIRST_AT]), value);
    if (readPackedStatusRollup(row, 0, summary)) builder.addStatusSummary(id, summary);
  }
  const facts = builder.build().messages;
  const byRow: MessageFacts[] = new Array(rows.length);
  for (const message of facts) byRow[Number(message.messageId)] = message;
  return byRow;
}

/**
 * The fold of the engaged messages in Node, for what the attribution in SQL (campaign-attribution-sql.ts)
 * leaves to it (see {@link sqlAttributionFallback}, Meta click ids, discount codes), at a cost that
 * follows the campaign's engagement rather than its size:
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
async function loadCampaignMetricsFolding(
  source: CampaignFactsSource,
  query: MetricsQuery,
): Promise<CampaignMetrics> {
  const builder = new CampaignFactsBuilder(query);
  const q = builder.query;
  // Sends first (refused ones, then accepted ones): the fold needs every send before any other event.
  await addRefusedSends(source, builder);
  const plan = await engagementPlan(source, await campaignSizeEstimate(source, q.campaignId));
  const withLabels = q.groupBy === 'template';
  const pass = await selectCampaignPass(
    source,
    q,
    plan,
    groupColumnSql(source.dialect, q.groupBy),
    withLabels,
  );
  // The sends counted by state, in countByState's layout; the others folded with the events.
  const rows: StateCountRow[] = [];
  const summaryOfRow = emptyStatusSummary();
  for (const row of pass.groups) {
    rows.push([row[ROLLUP_AT], row[ROLLUP_AT + 1], row[ROLLUP_AT + 2], row[PASS_COUNT_AT], row[3], row[1]]);
  }
  for (const row of pass.sends) {
    const messageId = String(row[1]);
    builder.addSendRow(
      messageId,
      String(row[2]),
      Number(row[3]),
      optionalText(row[4]),
      optionalText(row[5]),
      withLabels ? optionalText(row[6]) : undefined,
      withLabels ? optionalText(row[7]) : undefined,
    );
    if (readPackedStatusRollup(row, ROLLUP_AT, summaryOfRow))
      builder.addStatusSummary(messageId, summaryOfRow);
  }
  for (const event of pass.events) builder.addEvent(event);
  await addIssuedCodes(source, builder);
  const folded = builder.build();

  const summary = new FactsSummary(summarizeOptions(query));
  const states = stateFacts(query, rows);
  for (let i = 0; i < rows.length; i++) summary.addMessages(states[i]!, Number(rows[i]![COUNT_AT]));
  for (const message of folded.messages) summary.addMessage(message);
  for (const rejection of folded.rejections) summary.addRejection(rejection);
  for (const conversion of folded.campaignConversions ?? []) summary.addCampaignConversion(conversion);
  return summary.metrics();
}

/**
 * Why a pushed-down query attributes its engagement in Node ({@link loadCampaignMetricsFolding}) rather
 * than in SQL, or undefined: a conversion window opened again by a click needs every click credited first.
 */
export function sqlAttributionFallback(q: ResolvedMetricsQuery): string | undefined {
  return q.attributionWindowFrom === 'click' ? 'attributionWindowFrom click' : undefined;
}

/**
 * Computes one campaign's metrics where the data is. Identity links, block inference and the groupings
 * by recipient take the per-message fold ({@link loadCampaignFacts}); `attributionWindowFrom: 'click'`,
 * Meta's clicks with a click id and conversions naming a discount code fold the engaged messages in Node
 * ({@link loadCampaignMetricsFolding}); everything else is attributed and counted in SQL
 * ({@link loadAttributedMetrics}). The numbers are the per-message fold's to the last digit.
 */
export async function loadCampaignMetrics(
  source: CampaignFactsSource,
  query: MetricsQuery,
): Promise<CampaignMetrics> {
  const q = resolveMetricsQuery(query);
  const links = await campaignIdentityLinks(source, q.campaignId);
  if (perMessageFoldReason(q, links !== undefined) !== undefined) {
    return summarizeCampaign(await loadCampaignFacts(source, query), query);
  }
  if (sqlAttributionFallback(q) === undefined) {
    const metrics = await loadAttributedMetrics(source, query);
    if (metrics !== undefined) return metrics;
  }
  return loadCampaignMetricsFolding(source, query);
}
