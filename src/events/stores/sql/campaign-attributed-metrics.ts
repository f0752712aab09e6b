import { CampaignFactsBuilder, type EngagementSummary } from '../../../metrics/campaign-facts-builder.js';
import type { MessageFacts } from '../../../metrics/message-facts.js';
import { FactsSummary } from '../../../metrics/metrics-from-facts.js';
import type { CampaignMetrics, MetricsQuery } from '../../../metrics/metrics-types.js';
import { emptyStatusSummary } from '../../../metrics/status-fold.js';
import { isOptOutInbound, type OptOutDetectionOptions } from '../../../tracking/opt-out-detection.js';
import type { InboundEvent } from '../../stored-event.js';
import {
  type AttributedRow,
  BLOCKED_AT,
  CAMPAIGN_CONVERSION_ROW,
  CLICKED_AT,
  CLICKS_AT,
  CONVERTED_AT,
  COUNT_AT,
  CURRENCIES_AT,
  CURRENCY_ROW,
  EARLY_INBOUND_ROW,
  FALLBACK_ROW,
  FIRST_AT,
  GROUP_AT,
  MICROS_AT,
  OPT_OUT_TIME_AT,
  OPTED_OUT_AT,
  PROVED_AT,
  REPLIED_AT,
  ROLLUP_AT,
  STATE_ROW,
  selectAttributedCampaign,
  selectOptOutCandidates,
  TEXT_AT,
  VALUE_AT,
} from './campaign-attribution-sql.js';
import type { CampaignFactsSource } from './campaign-facts-source.js';
import { addRefusedSends, engagementPlan } from './campaign-facts-sql.js';
import { campaignSizeEstimate } from './campaign-group-sql.js';
import { summarizeOptions } from './metrics-for-query.js';
import { readPackedStatusRollup } from './status-rollup.js';

/** Whether the reply an opt-out key (`p` payload / `t` text) stands for asks to stop, by the query's rules. */
function isStopKey(key: string, options: OptOutDetectionOptions): boolean {
  const reply = { kind: 'inbound', messageId: '', recipientId: '', at: new Date(0) } as InboundEvent;
  if (key.startsWith('p')) reply.buttonPayload = key.slice(1);
  else reply.text = key.slice(1);
  return isOptOutInbound(reply, options);
}

const flag = (row: AttributedRow, at: number) => Number(row[at]) === 1;

/**
 * The messages of one state row as the shared builder folds them: made-up messages with the row's
 * statuses and engagement, one carrying the row's sums (clicks, revenue, the group's revenue by currency)
 * and, when the row counts more, one standing for each of the others (a click each when clicked, no
 * revenue). The summary only adds, so the two with their counts add up to the row's messages exactly.
 */
function addRowMessages(
  builder: CampaignFactsBuilder,
  i: number,
  row: AttributedRow,
  currencies: Map<string | undefined, number> | undefined,
): void {
  const value = row[GROUP_AT] === null || row[GROUP_AT] === undefined ? undefined : String(row[GROUP_AT]);
  const count = Number(row[COUNT_AT]);
  const clicked = flag(row, CLICKED_AT);
  const optOutAt = row[OPT_OUT_TIME_AT];
  const engagement = (clicks: number, revenueMicros: number): EngagementSummary => {
    const summary: EngagementSummary = {
      proved: flag(row, PROVED_AT),
      clicks,
      replied: flag(row, REPLIED_AT),
      blocked: flag(row, BLOCKED_AT),
      converted: flag(row, CONVERTED_AT),
      revenueMicros,
    };
    if (flag(row, OPTED_OUT_AT)) summary.optOutAtMs = Number(optOutAt);
    return summary;
  };
  const statuses = emptyStatusSummary();
  const rolled = readPackedStatusRollup(row, ROLLUP_AT, statuses);
  const add = (id: string, summary: EngagementSummary) => {
    builder.addGroupSendRow(id, Number(row[FIRST_AT]), value);
    if (rolled) builder.addStatusSummary(id, statuses);
    builder.addEngagementSummary(id, summary);
  };
  const others = clicked ? count - 1 : 0;
  const carrier = engagement(Number(row[CLICKS_AT]) - others, Number(row[MICROS_AT]));
  if (currencies !== undefined) carrier.currencyMicros = currencies;
  add(`${i}`, carrier);
  if (count > 1) add(`${i}+`, engagement(clicked ? 1 : 0, 0));
}

/**
 * Computes a campaign's metrics with attribution and counting in SQL ({@link selectAttributedCampaign}):
 * Node reads a few dozen rows and sums them with the shared {@link FactsSummary}. Resolves undefined when
 * the events need the fold in Node (Meta's clicks with a click id, conversions naming a discount code).
 */
export async function loadAttributedMetrics(
  source: CampaignFactsSource,
  query: MetricsQuery,
): Promise<CampaignMetrics | undefined> {
  const refused = new CampaignFactsBuilder(query);
  const q = refused.query;
  const options = refused.optOutDetection;
  const stops = (await selectOptOutCandidates(source, q)).filter((key) => isStopKey(key, options));
  const plan = await engagementPlan(source, await campaignSizeEstimate(source, q.campaignId));
  let rows = await selectAttributedCampaign(source, q, plan, stops);
  if (rows.some((row) => Number(row[0]) === FALLBACK_ROW)) return undefined;
  await addRefusedSends(source, refused);
  // Replies credited by their context before the first send were not among the candidates: rare, read again.
  const known = new Set(stops);
  const early = rows
    .filter((row) => Number(row[0]) === EARLY_INBOUND_ROW)
    .map((row) => String(row[TEXT_AT]))
    .filter((key) => !known.has(key) && isStopKey(key, options));
  if (early.length > 0) rows = await selectAttributedCampaign(source, q, plan, [...stops, ...early]);

  // Revenue by currency: a state row's own single currency, or (messages with several) its group
  // value's sums, carried by one converted, delivered row of that value with several.
  const currencies = new Map<unknown, Map<string | undefined, number>>();
  for (const row of rows) {
    if (Number(row[0]) !== CURRENCY_ROW) continue;
    let sums = currencies.get(row[GROUP_AT]);
    if (sums === undefined) {
      sums = new Map();
      currencies.set(row[GROUP_AT], sums);
    }
    const currency = row[TEXT_AT] === null ? undefined : String(row[TEXT_AT]);
    sums.set(currency, (sums.get(currency) ?? 0) + Number(row[MICROS_AT]));
  }
  const builder = new CampaignFactsBuilder(query);
  const states = rows.filter((row) => Number(row[0]) === STATE_ROW);
  for (let i = 0; i < states.length; i++) {
    const row = states[i]!;
    const rank = (Number(row[ROLLUP_AT]) & 3) - 1;
    const counted = (rank >= 1 || flag(row, PROVED_AT)) && flag(row, CONVERTED_AT);
    let sums: Map<string | undefined, number> | undefined;
    if (counted && flag(row, CURRENCIES_AT)) {
      sums = currencies.get(row[GROUP_AT]);
      currencies.delete(row[GROUP_AT]);
    } else if (counted && row[TEXT_AT] !== null) {
      sums = new Map([[String(row[TEXT_AT]), Number(row[MICROS_AT])]]);
    }
    addRowMessages(builder, i, row, sums);
  }
  const byId = new Map<string, MessageFacts>();
  for (const message of builder.build().messages) byId.set(message.messageId, message);

  const summary = new FactsSummary(summarizeOptions(query));
  for (let i = 0; i < states.length; i++) {
    const count = Number(states[i]![COUNT_AT]);
    summary.addMessage(byId.get(`${i}`)!);
    if (count > 1) summary.addMessages(byId.get(`${i}+`)!, count - 1);
  }
  for (const rejection of refused.build().rejections) summary.addRejection(rejection);
  for (const row of rows) {
    if (Number(row[0]) !== CAMPAIGN_CONVERSION_ROW) continue;
    const value = row[VALUE_AT];
    const conversion: { at: Date; value: number; currency?: string } = {
      at: new Date(Number(row[FIRST_AT])),
      value: value === null ? 0 : Number(value),
    };
    if (row[TEXT_AT] !== null) conversion.currency = String(row[TEXT_AT]);
    summary.addCampaignConversion(conversion);
  }
  return summary.metrics();
}
