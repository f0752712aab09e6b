/**
 * The event model every part writes and reads: stored events, the EventStore interface, the memory
 * stores (public: every name here is exported from the root; store-author helpers are in src/adapters.ts).
 */

export type { CampaignSummary, CampaignSummaryRange } from './campaign-summary.js';
export { type ConsentHistory, type ConsentStatus, consentStatus, readConsent } from './consent.js';
export {
  ERASURE_KEY_ENV,
  type ErasureSummary,
  type PurgeOptions,
  type PurgeSummary,
  RETAINED_KINDS,
} from './erasure.js';
export type { EventChanges, EventCursor } from './event-changes.js';
export type { EventFilter, EventStore } from './event-store.js';
export { type HashRecipientsOptions, hashRecipientId, hashRecipients } from './hash-recipients.js';
export { recipientCountry, UNKNOWN_COUNTRY } from './recipient-country.js';
export { exportRecipientData, type RecipientData } from './recipient-export.js';
export {
  type RecordOutboundOptions,
  recordOutbound,
  type SentMessage,
  type SentMessageContent,
} from './record-outbound.js';
export type {
  ClickEvent,
  ConversionEvent,
  HeldOutEvent,
  InboundEvent,
  OutboundEvent,
  PreferenceEvent,
  ResolvedEvent,
  SendFailedEvent,
  StatusEvent,
  StoredEvent,
  StoredEventKind,
  StoredPricing,
  UserIdentityFields,
} from './stored-event.js';
export { GroupCommitEventStore, type GroupCommitOptions } from './stores/group-commit-store.js';
export { MemoryEventStore, type MemoryEventStoreOptions } from './stores/memory.js';
