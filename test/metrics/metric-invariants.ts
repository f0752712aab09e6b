import type { CampaignMetrics } from '../../src/metrics/metrics-types.js';

const RATES = [
  ['deliveryRate', 'delivered', 'sent'],
  ['readRate', 'read', 'delivered'],
  ['clickThroughRate', 'clicked', 'delivered'],
  ['replyRate', 'replied', 'delivered'],
  ['optOutRate', 'optedOut', 'delivered'],
  ['blockRate', 'blocked', 'sent'],
  ['failureRate', 'failed', 'sent'],
  ['conversionRate', 'converted', 'delivered'],
] as const;

/**
 * The invariants DESIGN.md promises, as a list of the ones `metrics` breaks (empty when it keeps them
 * all): `sent = delivered + failed + pending`, every rate in [0, 1] (null exactly when its denominator
 * is 0) and equal to its numerator over its denominator, every numerator within its denominator, and
 * the 131049/131050 counts within failed + rejected. Groups are checked too.
 */
export function brokenInvariants(metrics: CampaignMetrics, path = 'total'): string[] {
  const broken: string[] = [];
  const m = metrics;
  if (m.sent !== m.delivered + m.failed + m.pending)
    broken.push(
      `${path}: sent ${m.sent} != delivered ${m.delivered} + failed ${m.failed} + pending ${m.pending}`,
    );
  for (const count of ['delivered', 'failed', 'pending', 'blocked'] as const) {
    if (m[count] < 0 || m[count] > m.sent) broken.push(`${path}: ${count} ${m[count]} outside [0, sent]`);
  }
  for (const count of ['read', 'clicked', 'replied', 'optedOut', 'converted'] as const) {
    if (m[count] < 0 || m[count] > m.delivered)
      broken.push(`${path}: ${count} ${m[count]} outside [0, delivered ${m.delivered}]`);
  }
  if (m.clicks < m.clicked) broken.push(`${path}: clicks ${m.clicks} < clicked ${m.clicked}`);
  if (m.alreadyOptedOut + m.limitedByMeta > m.failed + m.rejected)
    broken.push(`${path}: alreadyOptedOut + limitedByMeta > failed + rejected`);
  for (const [rate, numerator, denominator] of RATES) {
    const value = m[rate];
    const d = m[denominator];
    if (d === 0 ? value !== null : value !== m[numerator] / d)
      broken.push(`${path}: ${rate} ${value} != ${numerator} / ${denominator}`);
    if (value !== null && !(value >= 0 && value <= 1))
      broken.push(`${path}: ${rate} ${value} outside [0, 1]`);
  }
  // Per-message rates leave out what was counted for the campaign only (exact in micros).
  const messageRevenue = (Math.round(m.revenue * 1e6) - Math.round(m.campaignOnlyRevenue * 1e6)) / 1e6;
  if (m.campaignOnlyConversions === 0 && m.campaignOnlyRevenue !== 0)
    broken.push(`${path}: campaignOnlyRevenue without campaignOnlyConversions`);
  if (
    m.delivered === 0
      ? m.revenuePerRecipient !== null
      : m.revenuePerRecipient !== messageRevenue / m.delivered
  )
    broken.push(`${path}: revenuePerRecipient`);
  if (m.clicked === 0 ? m.revenuePerClick !== null : m.revenuePerClick !== messageRevenue / m.clicked)
    broken.push(`${path}: revenuePerClick`);
  if (
    m.clicked === 0
      ? m.conversionsPerClick !== null
      : m.conversionsPerClick === null ||
        !(m.conversionsPerClick >= 0 && m.conversionsPerClick <= 1) ||
        m.conversionsPerClick * m.clicked > m.converted + 1e-9
  )
    broken.push(
      `${path}: conversionsPerClick ${m.conversionsPerClick} (clicked ${m.clicked}, converted ${m.converted})`,
    );
  const failures = m.failuresByCode.reduce((sum, f) => sum + f.count, 0);
  if (failures !== m.failed)
    broken.push(`${path}: failuresByCode adds up to ${failures}, failed is ${m.failed}`);
  for (const group of m.groups ?? []) broken.push(...brokenInvariants(group.metrics, `${path}/${group.key}`));
  return broken;
}
