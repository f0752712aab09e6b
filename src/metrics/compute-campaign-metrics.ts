import type { EventStore } from '../events/event-store.js';
import { resolveIdentities } from '../events/identity-links.js';
import type { StoredEventKind } from '../events/stored-event.js';
import { CampaignFactsBuilder } from './campaign-facts-builder.js';
import { computeHoldoutLift } from './holdout-lift.js';
import type { CampaignFacts } from './message-facts.js';
import { summarizeMessageFacts } from './metrics-from-facts.js';
import { resolveMetricsQuery } from './metrics-query.js';
import type { CampaignMetrics, MetricsQuery } from './metrics-types.js';

/** Ids per scan: keeps SQL `IN` lists and memory-store unions bounded. */
const SCAN_CHUNK = 10_000;

const BY_MESSAGE: readonly StoredEventKind[] = [
  'status',
  'inbound',
  'click',
  'opt_out',
  'block',
  'conversion',
];
const BY_RECIPIENT: readonly StoredEventKind[] = ['inbound', 'click', 'opt_out', 'block', 'conversion'];

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += SCAN_CHUNK) yield items.slice(i, i + SCAN_CHUNK);
}

/**
 * Step 1 over any {@link EventStore} (advanced): scans the campaign's sends, then the events of its
 * messages (by messageId), of its recipients (by recipientId, from the campaign's first send on) and
 * the clicks Meta reported and the conversions naming no message (from the first send on), and folds them with {@link CampaignFactsBuilder}. Works with any store that implements `scan`.
 */
export async function collectCampaignFacts(store: EventStore, query: MetricsQuery): Promise<CampaignFacts> {
  const links = await store.identityLinks?.();
  const builder = resolveIdentities(new CampaignFactsBuilder(query), links);
  const q = builder.query;
  const window: { from?: Date; to?: Date } = {};
  if (query.from) window.from = query.from;
  if (query.to) window.to = query.to;
  let firstSendMs = Number.POSITIVE_INFINITY;
  for await (const event of store.scan({
    campaignId: q.campaignId,
    kinds: ['outbound', 'send_failed'],
    ...window,
  })) {
    if (event.kind === 'outbound' || event.kind === 'send_failed') {
      builder.addSend(event);
      if (event.kind === 'outbound') firstSendMs = Math.min(firstSendMs, event.at.getTime());
    }
  }
  const messageIds = builder.messageIds();
  const recipientIds = links ? links.expand(builder.recipientIds()) : builder.recipientIds();
  for (const ids of chunks(messageIds)) {
    for await (const event of store.scan({ kinds: BY_MESSAGE, messageIds: ids })) builder.addEvent(event);
  }
  if (recipientIds.length > 0) {
    // From the first send's whole second: webhook timestamps carry no milliseconds.
    const from = new Date(Math.floor(firstSendMs / 1000) * 1000);
    for (const ids of chunks(recipientIds)) {
      for await (const event of store.scan({ kinds: BY_RECIPIENT, recipientIds: ids, from })) {
        // Events naming a message were seen in the messageId scans; folding them twice is harmless.
        builder.addEvent(event);
      }
    }
  }
  if (messageIds.length > 0) {
    // Meta's click webhooks name no message and no recipient: the fold matches them by click id. A
    // conversion naming no message may name a discount code or only the campaign: the fold sorts it out.
    const from = new Date(Math.floor(firstSendMs / 1000) * 1000);
    for await (const event of store.scan({ kinds: ['click', 'conversion'], from })) {
      if (
        (event.kind === 'click' && event.source === 'meta') ||
        (event.kind === 'conversion' && event.messageId === undefined)
      ) {
        builder.addEvent(event);
      }
    }
  }
  if (q.blockInferenceAfterMs !== undefined) await collectPriorDeliveries(store, builder, recipientIds);
  return builder.build();
}

/** For block inference: which recipients had a message of any campaign delivered, and when it was sent. */
async function collectPriorDeliveries(
  store: EventStore,
  builder: CampaignFactsBuilder,
  recipientIds: string[],
): Promise<void> {
  for (const ids of chunks(recipientIds)) {
    const sends = new Map<string, { recipientId: string; at: Date }>();
    for await (const event of store.scan({ kinds: ['outbound'], recipientIds: ids })) {
      if (event.kind === 'outbound') sends.set(event.messageId, event);
    }
    for (const messageIds of chunks([...sends.keys()])) {
      for await (const event of store.scan({ kinds: ['status'], messageIds })) {
        if (event.kind !== 'status') continue;
        if (event.status !== 'delivered' && event.status !== 'read' && event.status !== 'played') continue;
        const send = sends.get(event.messageId);
        if (send) builder.addPriorDelivery(send.recipientId, send.at);
      }
    }
  }
}

/**
 * A campaign's metrics: counts, rates (`null` for a zero denominator, never `NaN`), revenue, cost and
 * the failure breakdown, optionally grouped by variant, segment or day, and the holdout lift when the
 * campaign held recipients out. Folding and attribution follow docs/metrics.md. Uses the store's
 * `aggregate` push-down when it has one, else scans it.
 *
 * @example
 * ```ts
 * const m = await computeCampaignMetrics(store, { campaignId: 'spring', groupBy: 'variant',
 *   rateCard: { marketing: 0.0613 } });
 * console.log(m.deliveryRate, m.groups?.map((g) => [g.key, g.metrics.clickThroughRate]));
 * ```
 */
export async function computeCampaignMetrics(
  store: EventStore,
  query: MetricsQuery,
): Promise<CampaignMetrics> {
  const q = resolveMetricsQuery(query);
  const [metrics, holdout] = await Promise.all([
    store.aggregate ? store.aggregate(query) : scannedMetrics(store, query, q),
    computeHoldoutLift(store, query),
  ]);
  return holdout === undefined ? metrics : { ...metrics, holdout };
}

async function scannedMetrics(
  store: EventStore,
  query: MetricsQuery,
  q: ReturnType<typeof resolveMetricsQuery>,
): Promise<CampaignMetrics> {
  const facts = await collectCampaignFacts(store, query);
  const options: { groupBy?: typeof q.groupBy; rateCard?: typeof q.rateCard; timeZone: string } = {
    timeZone: q.timeZone,
  };
  if (q.groupBy) options.groupBy = q.groupBy;
  if (q.rateCard) options.rateCard = q.rateCard;
  return summarizeMessageFacts(facts, options);
}
