/** A two-sided confidence interval for a proportion, as fractions in [0, 1]. */
export interface ProportionInterval {
  /** Lower bound. */
  low: number;
  /** Upper bound. */
  high: number;
}

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/**
 * The 95% Wilson score interval for `successes` out of `trials`, or `null` when `trials` is 0.
 * Wilson rather than the normal approximation because campaign rates are often near 0 (opt-outs,
 * clicks) where the normal interval dips below zero.
 */
export function wilsonInterval(successes: number, trials: number, z = Z95): ProportionInterval | null {
  if (!(trials > 0)) return null;
  const p = Math.min(Math.max(successes / trials, 0), 1);
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
