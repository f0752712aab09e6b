import { invalidOption } from '../schemas/validate-options.js';
import { hash32 } from './variants.js';

/**
 * Whether a campaign's recipient belongs to its holdout (control) group: a stable draw from a hash
 * of the campaign id and the recipient (independent of the A/B variant draw), so a restarted campaign,
 * or a second process sending it, holds out exactly the same people. About `share` of the recipients
 * are held out.
 */
export function isHeldOut(campaignId: string, recipientId: string, share: number): boolean {
  if (share <= 0) return false;
  return hash32(`holdout\u0000${campaignId}\u0000${recipientId}`) / 2 ** 32 < share;
}

/** Checks `sendCampaign`'s `holdout` option: a share from 0 (none) to below 1. */
export function checkHoldout(holdout: unknown): number {
  if (holdout === undefined) return 0;
  if (typeof holdout !== 'number' || !Number.isFinite(holdout) || holdout < 0 || holdout >= 1)
    throw invalidOption('sendCampaign', 'holdout', 'must be a share from 0 to below 1, e.g. 0.05');
  return holdout;
}
