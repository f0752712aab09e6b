/** Click-tracking links, opt-out detection, suppression lists (public: every name here is exported from the root). */

export {
  createLinkTracker,
  type LinkConversionFields,
  type LinkTarget,
  type LinkTracker,
  type LinkTrackerOptions,
  type LinkUtmOptions,
  type TrackedLink,
} from './link-tracker.js';
export { isOptOutInbound, type OptOutDetectionOptions, optOutEventFor } from './opt-out-detection.js';
export {
  DEFAULT_OPT_OUT_KEYWORDS,
  DEFAULT_OPT_OUT_PAYLOADS,
  isOptOutPayload,
  isOptOutText,
  type OptOutTextOptions,
} from './opt-out-keywords.js';
export {
  StoreSuppressionList,
  type StoreSuppressionListOptions,
  type SuppressionStatus,
  suppressionFromEvents,
} from './store-suppression-list.js';
export { MemorySuppressionList, type SuppressionList } from './suppression.js';
export {
  DEFAULT_UTM_MEDIUM,
  DEFAULT_UTM_SOURCE,
  type UtmContext,
  type UtmParameters,
  withUtmParameters,
} from './utm.js';
