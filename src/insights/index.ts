/** Our campaign numbers beside Meta's, and the statuses whose webhooks never came filled from Meta's history (public: every name here is exported from the root). */

export { type FillGapsOptions, fillGapsFromHistory, type GapFillResult } from './fill-gaps-from-history.js';
export { reconcileCampaign } from './reconcile-campaign.js';
export type {
  CampaignReconciliation,
  ReconcileCampaignOptions,
  ReconcileCause,
  ReconcileCell,
  ReconcileCounts,
} from './reconcile-types.js';
