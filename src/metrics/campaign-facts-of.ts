import type { EventStore } from '../events/event-store.js';
import { collectCampaignFacts } from './compute-campaign-metrics.js';
import type { CampaignFacts } from './message-facts.js';
import type { MetricsQuery } from './metrics-types.js';

/** A store that folds campaign facts itself (the SQL stores do, in the database). */
interface FactsStore extends EventStore {
  campaignFacts(query: MetricsQuery): Promise<CampaignFacts>;
}

/**
 * A campaign's folded facts: from the store's own `campaignFacts` when it has one (the SQL stores fold in
 * the database), else by scanning it ({@link collectCampaignFacts}). Either way the same facts, so every
 * analysis built on them agrees with `computeCampaignMetrics`.
 *
 * @internal
 */
export function campaignFactsOf(store: EventStore, query: MetricsQuery): Promise<CampaignFacts> {
  const own = (store as Partial<FactsStore>).campaignFacts;
  return typeof own === 'function' ? own.call(store, query) : collectCampaignFacts(store, query);
}
