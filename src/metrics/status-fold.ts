/**
 * Everything the metrics fold reads from one message's `status` events, folded: what a store that keeps
 * statuses pre-aggregated (the SQL stores' status rollup) hands to
 * {@link CampaignFactsBuilder.addStatusSummary} instead of the statuses themselves.
 *
 * Every field is an order-free, idempotent fold (a max, a min or an "any"), so statuses folded in any
 * order, repeats included, give the same summary.
 */
export interface StatusSummary {
  /** Highest state reported: 0 sent, 1 delivered, 2 read or played; null when none was. */
  maxRank: number | null;
  /** 1 when a `failed` status was reported. */
  failedSeen: 0 | 1;
  /** Lowest error code among `failed` statuses, or null. */
  minError: number | null;
  /**
   * 1 when a `failed` status carried 131050 (the user stopped marketing messages). Kept in the stored
   * rollup; the metrics read `minError` instead (131050 counts in `alreadyOptedOut`, not as an opt-out).
   */
  optOutError: 0 | 1;
  /** 1 when a `sent`/`delivered`/`read`/`played` status carried billable pricing. */
  billableSeen: 0 | 1;
  /** Lowest pricing category (byte order) among billable `sent` statuses, or null. */
  categorySent: string | null;
  /** Lowest pricing category (byte order) among billable `delivered`/`read`/`played` statuses, or null. */
  categoryLater: string | null;
}

/** The summary of no statuses at all (a fresh value each call, for a fold to fill in). */
export function emptyStatusSummary(): StatusSummary {
  return {
    maxRank: null,
    failedSeen: 0,
    minError: null,
    optOutError: 0,
    billableSeen: 0,
    categorySent: null,
    categoryLater: null,
  };
}
