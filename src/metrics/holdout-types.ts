/** One arm of a holdout comparison: the people in it and how many of them converted. */
export interface HoldoutArm {
  /** Distinct people in the arm. */
  recipients: number;
  /** People with at least one conversion within the attribution window after their send (or hold) time. */
  converted: number;
  /** converted / recipients, or `null` when the arm is empty. */
  rate: number | null;
}

/** The incremental effect of a campaign, treated vs held out (see docs/metrics.md, "Holdout lift"). */
export interface HoldoutLiftEstimate {
  /** treated rate − held-out rate (rate units), or `null` when an arm is empty. */
  absolute: number | null;
  /** absolute / held-out rate, or `null` when the held-out rate is 0 or missing. */
  relative: number | null;
  /** The confidence level of `ci` and `significant` (0.95). */
  confidenceLevel: number;
  /** Newcombe's hybrid score interval of `absolute` (from the two Wilson intervals), or `null` when an arm is empty. */
  ci: { lower: number; upper: number } | null;
  /** Two-sided p-value of the pooled two-proportion z-test, or `null` when an arm is empty. */
  pValue: number | null;
  /** Whether `ci` excludes 0. */
  significant: boolean;
}

/**
 * `CampaignMetrics.holdout`: conversion of the recipients a campaign was sent to against those it held
 * out (`sendCampaign({ holdout })`), and the lift with its confidence interval.
 */
export interface HoldoutLift {
  /** The recipients sent to (an `outbound` event of the campaign). */
  treated: HoldoutArm;
  /** The recipients held out (a `held_out` event of the campaign, and no send). */
  heldOut: HoldoutArm;
  /** The attribution window conversions were counted in, in ms. */
  attributionWindowMs: number;
  /** The lift of the treated over the held out. */
  lift: HoldoutLiftEstimate;
}
