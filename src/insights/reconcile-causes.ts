import type { ReconcileCause, ReconcileCounts } from './reconcile-types.js';

/** Meta's read and click counts of a day keep accruing this long after its sends. */
export const META_ACCRUAL_MS = 7 * 86_400_000;

/**
 * The likely causes of one cell's difference. `metaKnown` false: Meta's analytics returned nothing
 * at all for templates we did send.
 */
export function causesOf(
  ours: ReconcileCounts,
  meta: ReconcileCounts | null,
  recent: boolean,
  metaKnown: boolean,
): ReconcileCause[] {
  if (meta === null) return metaKnown ? [] : ['analytics_unavailable'];
  const causes: ReconcileCause[] = [];
  if (meta.delivered > ours.delivered) causes.push('webhooks_not_received');
  const readDiffers = meta.read !== ours.read;
  const clicksDiffer = meta.clicks !== ours.clicks;
  if (recent && (readDiffers || clicksDiffer)) causes.push('meta_still_counting');
  if (!recent && readDiffers && meta.delivered === ours.delivered && meta.sent === ours.sent) {
    causes.push('read_receipts_off');
  }
  if (clicksDiffer) causes.push('click_tracking_differs');
  return causes;
}
