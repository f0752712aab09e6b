/**
 * What the report's reconciliation section draws: `reconcileCampaign`'s result (`CampaignReconciliation`
 * from the insights module fits it as is). Declared here, by shape, so the report does not depend on
 * the client the reconciliation reads Meta's analytics with.
 */
export interface ReportReconciliation {
  /** One cell per day and template. */
  cells: ReadonlyArray<{
    /** `YYYY-MM-DD`. */
    day: string;
    /** The template name of our sends. */
    templateName: string;
    /** Our counts. */
    ours: ReportReconcileCounts;
    /** Meta's counts, or `null` when Meta returned none. */
    meta: ReportReconcileCounts | null;
    /** Meta's minus ours, or `null`. */
    difference: ReportReconcileCounts | null;
    /** The likely causes of the difference (`ReconcileCause` values). */
    causes: readonly string[];
  }>;
  /** Sums over the cells. */
  totals: {
    ours: ReportReconcileCounts;
    meta: ReportReconcileCounts | null;
    difference: ReportReconcileCounts | null;
  };
  /** Every cause found, once. */
  causes: readonly string[];
  /** Our cost of the campaign and Meta's cost of the whole account over the same days. */
  cost: { ours: number | null; metaAccount: number | null };
}

/** The counts compared in a {@link ReportReconciliation}. */
export interface ReportReconcileCounts {
  /** Messages sent. */
  sent: number;
  /** Messages delivered. */
  delivered: number;
  /** Messages read. */
  read: number;
  /** Clicks. */
  clicks: number;
}
