export {
  createLinkTracker,
  type LinkTarget,
  type LinkTracker,
  type LinkTrackerOptions,
  type LinkUtmOptions,
  type TrackedLink,
} from './link-tracker.js';
export { isOptOutInbound, optOutEventFor } from './opt-out-detection.js';
export {
  DEFAULT_OPT_OUT_KEYWORDS,
  DEFAULT_OPT_OUT_PAYLOADS,
  isOptOutPayload,
  isOptOutText,
  normalizeOptOutText,
  type OptOutTextOptions,
} from './opt-out-keywords.js';
export {
  StoreSuppressionList,
  type StoreSuppressionListOptions,
  type SuppressionStatus,
  suppressionFromEvents,
  suppressionSignal,
} from './store-suppression-list.js';
export { MemorySuppressionList, type SuppressionList } from './suppression.js';
export {
  DEFAULT_UTM_MEDIUM,
  DEFAULT_UTM_SOURCE,
  type UtmContext,
  type UtmParameters,
  withUtmParameters,
} from './utm.js';
