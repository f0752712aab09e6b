/**
 * One campaign's sends in a time range and how far they got, from the status rollup alone: what a
 * list of many campaigns shows (see `summarizeCampaigns`). The counts never exceed the campaign's full
 * metrics (`computeCampaignMetrics`), which also count a message delivered and read when the user acted
 * on it (a click, a reply, a Stop tap) although the webhooks never said so: the full numbers are on
 * the campaign's own page.
 */
export interface CampaignSummary {
  /** The campaign id. */
  campaignId: string;
  /** Messages the API accepted (`outbound` events) in the range. */
  sent: number;
  /** Sends the API refused (`send_failed` events) in the range; in no other count. */
  rejected: number;
  /** Sent messages whose highest reported status is `delivered` or beyond (`read`, `played`). */
  delivered: number;
  /** Sent messages whose highest reported status is `read` (or `played`). */
  read: number;
  /** Sent messages with a `failed` status and no `delivered`/`read` one. */
  failed: number;
  /** The first send (accepted or refused) in the range. */
  firstSendAt: Date;
  /** The latest send (accepted or refused) in the range. */
  lastSendAt: Date;
}

/** Which sends {@link CampaignSummary} counts: those with `at` in `[from, to)` (both optional). */
export interface CampaignSummaryRange {
  /** Only sends at or after this instant. */
  from?: Date;
  /** Only sends before this instant. */
  to?: Date;
}
