import type { CampaignSummary, CampaignSummaryRange } from '../events/campaign-summary.js';
import type { EventStore } from '../events/event-store.js';
import { assertKnownOptions, invalidOption, optionKeys } from '../schemas/validate-options.js';

const OWNER = 'summarizeCampaigns';
const RANGE_KEYS = optionKeys<CampaignSummaryRange>()({ from: true, to: true });
const RANKS: Readonly<Record<string, number>> = { sent: 0, delivered: 1, read: 2, played: 2 };

/** Checks a {@link CampaignSummaryRange} (unknown keys and invalid dates throw `ConfigError`). */
export function checkCampaignSummaryRange(owner: string, range: CampaignSummaryRange): void {
  assertKnownOptions(owner, range, RANGE_KEYS);
  for (const option of ['from', 'to'] as const) {
    const value = range[option];
    if (value !== undefined && (!(value instanceof Date) || Number.isNaN(value.getTime()))) {
      throw invalidOption(owner, option, 'must be a valid Date');
    }
  }
}

/** Latest send first, ties by campaign id: the order of {@link summarizeCampaigns}. */
export function sortCampaignSummaries(summaries: CampaignSummary[]): CampaignSummary[] {
  return summaries.sort(
    (a, b) =>
      b.lastSendAt.getTime() - a.lastSendAt.getTime() ||
      (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0),
  );
}

/** A message's statuses folded as the rollup folds them: highest rank, and whether one failed. */
interface MessageState {
  campaignId: string;
  maxRank: number;
  failed: boolean;
}

/** The summaries from a scan of the store (stores without the push-down, such as the memory store). */
async function scannedSummaries(store: EventStore, range: CampaignSummaryRange): Promise<CampaignSummary[]> {
  const campaigns = new Map<string, CampaignSummary>();
  const messages = new Map<string, MessageState>();
  const filter = { kinds: ['outbound', 'send_failed'] as const, ...range };
  for await (const event of store.scan(filter)) {
    if ((event.kind !== 'outbound' && event.kind !== 'send_failed') || event.campaignId === undefined)
      continue;
    let summary = campaigns.get(event.campaignId);
    if (summary === undefined) {
      summary = {
        campaignId: event.campaignId,
        sent: 0,
        rejected: 0,
        delivered: 0,
        read: 0,
        failed: 0,
        firstSendAt: event.at,
        lastSendAt: event.at,
      };
      campaigns.set(event.campaignId, summary);
    }
    if (event.at < summary.firstSendAt) summary.firstSendAt = event.at;
    if (event.at > summary.lastSendAt) summary.lastSendAt = event.at;
    if (event.kind === 'send_failed') summary.rejected++;
    else {
      summary.sent++;
      messages.set(event.messageId, { campaignId: event.campaignId, maxRank: -1, failed: false });
    }
  }
  if (messages.size > 0) {
    for await (const event of store.scan({ kinds: ['status'] })) {
      if (event.kind !== 'status') continue;
      const state = messages.get(event.messageId);
      if (state === undefined) continue;
      if (event.status === 'failed') state.failed = true;
      else state.maxRank = Math.max(state.maxRank, RANKS[event.status] ?? -1);
    }
  }
  for (const state of messages.values()) {
    const summary = campaigns.get(state.campaignId) as CampaignSummary;
    if (state.maxRank >= 1) summary.delivered++;
    if (state.maxRank >= 2) summary.read++;
    if (state.failed && state.maxRank < 1) summary.failed++;
  }
  return [...campaigns.values()];
}

/**
 * Every campaign with sends in `[from, to)` (both optional), with how many were sent, refused,
 * delivered, read and failed, and its first and last send in the range: a dashboard's list of campaigns,
 * the one sent to most recently first. Only the sends in the range count (a campaign that started
 * before `from` shows its sends from `from` on). Delivered and read come from the reported statuses
 * alone, so they never exceed the campaign's full metrics, which also count a message delivered and read
 * when the user clicked, replied or tapped Stop on it (and then do not count it failed): the full numbers
 * are `computeCampaignMetrics`, on the campaign's own page.
 *
 * The SQL stores answer with one `GROUP BY` over the sends joined to the status rollup; other stores are
 * scanned (sends in the range, then every status).
 *
 * @example
 * ```ts
 * const to = new Date();
 * const from = new Date(to.getTime() - 30 * 86_400_000);
 * for (const c of await summarizeCampaigns(store, { from, to })) console.log(c.campaignId, c.sent, c.delivered);
 * ```
 */
export async function summarizeCampaigns(
  store: EventStore,
  range: CampaignSummaryRange = {},
): Promise<CampaignSummary[]> {
  checkCampaignSummaryRange(OWNER, range);
  const summaries = store.summarizeCampaigns
    ? await store.summarizeCampaigns(range)
    : await scannedSummaries(store, range);
  return sortCampaignSummaries(summaries);
}
