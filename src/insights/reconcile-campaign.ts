import { z } from 'zod';
import type { TemplateAnalyticsDataPoint, WhatsAppClient } from '../client/index.js';
import type { EventStore } from '../events/event-store.js';
import { collectCampaignFacts } from '../metrics/compute-campaign-metrics.js';
import type { MessageFacts } from '../metrics/message-facts.js';
import { summarizeMessageFacts } from '../metrics/metrics-from-facts.js';
import type { CampaignMetrics, RateCard } from '../metrics/metrics-types.js';
import { objectRecord } from '../schemas/object-record.js';
import { optionsSchema, parseOptions } from '../schemas/validate-options.js';
import { fillGapsFromHistory, type GapFillResult } from './fill-gaps-from-history.js';
import { causesOf, META_ACCRUAL_MS } from './reconcile-causes.js';
import { addCounts, countsOf, metaCounts, subtract, zeroCounts } from './reconcile-counts.js';
import type {
  CampaignReconciliation,
  ReconcileCampaignOptions,
  ReconcileCause,
  ReconcileCell,
  ReconcileCounts,
} from './reconcile-types.js';
import { templateIdsByName } from './template-ids.js';

const DAY_MS = 86_400_000;
/** `fillGaps: true`: messages pending for an hour. */
const DEFAULT_GAP_FILL_AFTER_MS = 3_600_000;
const NO_TEMPLATE = '(none)';

const optionsShape = optionsSchema<ReconcileCampaignOptions>()({
  campaignId: z.string().min(1),
  from: z.date().optional(),
  to: z.date().optional(),
  templateIds: objectRecord(
    z.union([z.string().regex(/^\d+$/), z.array(z.string().regex(/^\d+$/))]),
  ).optional(),
  timeZone: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en-CA', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone')
    .optional(),
  rateCard: objectRecord(z.number().finite().nonnegative()).optional(),
  fillGaps: z
    .union([z.boolean(), z.strictObject({ olderThanMs: z.number().finite().nonnegative() })])
    .optional(),
  now: z.date().optional(),
  signal: z.instanceof(AbortSignal).optional(),
});

/**
 * A campaign's numbers beside Meta's: our sent, delivered, read and clicks per day and template
 * (folded from the event store as `computeCampaignMetrics` does) against Meta's `template_analytics`
 * for the same days and template ids, the difference per cell and its likely {@link ReconcileCause}s;
 * our cost (webhook pricing × `rateCard`) against Meta's `pricing_analytics` cost of those days.
 *
 * ```ts
 * const r = await reconcileCampaign(store, wa, { campaignId: 'spring', rateCard: { marketing: 0.0613 } });
 * for (const c of r.cells) console.log(c.day, c.templateName, c.difference, c.causes);
 * ```
 *
 * Meta's figures cover every send of a template that day, this campaign's and any other's. Reads of
 * the account (`template_analytics`, `pricing_analytics`) spend the client's WABA read budget: one
 * per 10 templates and page, plus one. Template ids not given are looked up once with
 * `wa.templates.list`. With `fillGaps`, {@link fillGapsFromHistory} runs first.
 * Throws `ConfigError` for invalid options; Graph errors as the client throws them.
 */
export async function reconcileCampaign(
  store: EventStore,
  client: Pick<WhatsAppClient, 'insights' | 'templates'>,
  options: ReconcileCampaignOptions,
): Promise<CampaignReconciliation> {
  parseOptions('reconcileCampaign', optionsShape, options);
  const now = options.now ?? new Date();
  const timeZone = options.timeZone ?? 'UTC';
  const call = options.signal ? { signal: options.signal } : {};
  let gapFill: GapFillResult | undefined;
  if (options.fillGaps) {
    const olderThanMs = options.fillGaps === true ? DEFAULT_GAP_FILL_AFTER_MS : options.fillGaps.olderThanMs;
    gapFill = await fillGapsFromHistory(store, client, {
      campaignId: options.campaignId,
      olderThanMs,
      now,
      ...call,
    });
  }
  const window: { from?: Date; to?: Date } = {};
  if (options.from) window.from = options.from;
  if (options.to) window.to = options.to;
  // groupBy 'template' keeps each message's template name in its facts.
  const facts = await collectCampaignFacts(store, {
    campaignId: options.campaignId,
    groupBy: 'template',
    timeZone,
    ...window,
  });
  const dayOf = dayKeyer(timeZone);
  const groups = new Map<string, { day: string; templateName: string; messages: MessageFacts[] }>();
  for (const message of facts.messages) {
    const day = dayOf(message.sentAt);
    const templateName = message.templateName ?? NO_TEMPLATE;
    const key = `${day}\u001f${templateName}`;
    const group = groups.get(key) ?? { day, templateName, messages: [] };
    group.messages.push(message);
    groups.set(key, group);
  }
  const names = [...new Set([...groups.values()].map((g) => g.templateName))].filter(
    (n) => n !== NO_TEMPLATE,
  );
  const idsByName = await templateIdsByName(client, names, options.templateIds, options.signal);
  const allIds = [...new Set([...idsByName.values()].flat())];

  const range = readRange(facts.messages);
  const metaPoints: TemplateAnalyticsDataPoint[] = [];
  if (range && allIds.length > 0) {
    for await (const point of client.insights.templateAnalytics({
      templateIds: allIds,
      start: range.start,
      end: range.end,
      ...(timeZone === 'UTC' ? {} : { useWabaTimezone: true }),
      ...call,
    })) {
      metaPoints.push(point);
    }
  }
  const metaByCell = new Map<string, { counts: ReconcileCounts; spent: number | null }>();
  for (const point of metaPoints) {
    const key = `${dayOf(new Date(point.start * 1000))}\u001f${point.template_id}`;
    const cell = metaByCell.get(key) ?? { counts: zeroCounts(), spent: null };
    addCounts(cell.counts, metaCounts(point));
    const spent = point.cost?.find((c) => c.type === 'amount_spent')?.value;
    if (typeof spent === 'number') cell.spent = (cell.spent ?? 0) + spent;
    metaByCell.set(key, cell);
  }
  const metaAnswered = metaPoints.length > 0;

  const cells: ReconcileCell[] = [];
  for (const group of [...groups.values()].sort(byDayThenTemplate)) {
    const metrics = summarize(group.messages, options.rateCard);
    const ours = countsOf(metrics);
    const templateIds = idsByName.get(group.templateName) ?? [];
    let meta: ReconcileCounts | null = null;
    let metaSpent: number | null = null;
    if (metaAnswered && templateIds.length > 0) {
      meta = zeroCounts();
      for (const id of templateIds) {
        const found = metaByCell.get(`${group.day}\u001f${id}`);
        if (!found) continue;
        addCounts(meta, found.counts);
        if (found.spent !== null) metaSpent = (metaSpent ?? 0) + found.spent;
      }
    }
    const lastSentMs = group.messages.reduce((last, m) => Math.max(last, m.sentAt.getTime()), 0);
    const recent = now.getTime() - lastSentMs < META_ACCRUAL_MS;
    const difference = meta ? subtract(meta, ours) : null;
    cells.push({
      day: group.day,
      templateName: group.templateName,
      templateIds,
      ours,
      meta,
      difference,
      causes: causesOf(ours, meta, recent, metaAnswered || templateIds.length === 0),
      cost: { ours: metrics.cost, meta: metaSpent },
    });
  }

  const oursTotal = cells.reduce((sum, c) => addCounts(sum, c.ours), zeroCounts());
  const withMeta = cells.filter((c) => c.meta !== null);
  const metaTotal =
    withMeta.length === 0
      ? null
      : withMeta.reduce((sum, c) => addCounts(sum, c.meta ?? zeroCounts()), zeroCounts());
  const oursOfMetaCells = withMeta.reduce((sum, c) => addCounts(sum, c.ours), zeroCounts());
  const causes = [...new Set(cells.flatMap((c) => c.causes))];

  let metaAccount: number | null = null;
  if (range) {
    for await (const point of client.insights.pricingAnalytics({
      start: range.start,
      end: range.end,
      granularity: 'DAILY',
      metricTypes: ['COST'],
      ...call,
    })) {
      if (typeof point.cost === 'number') metaAccount = (metaAccount ?? 0) + point.cost;
    }
  }
  const result: CampaignReconciliation = {
    campaignId: options.campaignId,
    cells,
    totals: {
      ours: oursTotal,
      meta: metaTotal,
      difference: metaTotal ? subtract(metaTotal, oursOfMetaCells) : null,
    },
    causes,
    cost: { ours: summarize(facts.messages, options.rateCard).cost, metaAccount },
  };
  if (gapFill) result.gapFill = gapFill;
  return result;
}

/**
 * The range Meta is asked about: a day either side of the sends, so every day they fall on in any
 * time zone is covered (cells are matched by day afterwards). `undefined` without sends.
 */
function readRange(messages: readonly MessageFacts[]): { start: Date; end: Date } | undefined {
  if (messages.length === 0) return undefined;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const m of messages) {
    const ms = m.sentAt.getTime();
    if (ms < first) first = ms;
    if (ms > last) last = ms;
  }
  return { start: new Date(first - DAY_MS), end: new Date(last + DAY_MS) };
}

function summarize(messages: MessageFacts[], rateCard: RateCard | undefined): CampaignMetrics {
  return summarizeMessageFacts({ messages, rejections: [] }, rateCard ? { rateCard } : {});
}

function byDayThenTemplate(
  a: { day: string; templateName: string },
  b: { day: string; templateName: string },
): number {
  return a.day < b.day
    ? -1
    : a.day > b.day
      ? 1
      : a.templateName < b.templateName
        ? -1
        : a.templateName > b.templateName
          ? 1
          : 0;
}

/** `YYYY-MM-DD` of an instant in a time zone. */
function dayKeyer(timeZone: string): (at: Date) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return (at) => format.format(at);
}
