/**
 * `wacloud/adapters`: what you need to write your own queue adapter (the memory and BullMQ adapters
 * implement {@link QueueAdapter}) or your own event store (the memory, SQLite and PostgreSQL stores
 * implement {@link EventStore}). Applications that only use the SDK never import this entry.
 * @packageDocumentation
 */

export {
  type ErasureChange,
  type ErasurePlan,
  messageIdsOf,
  planErasure,
  resolveErasureKey,
  tombstoneOf,
} from './events/erasure.js';
export { eventKey } from './events/event-key.js';
export type { EventFilter, EventStore } from './events/event-store.js';
export { IdentityLinks, identityPairs } from './events/identity-links.js';
export { normalizeRecipientId } from './events/recipient-id.js';
export { assertStoredEvents } from './events/stored-event-schema.js';
export type {
  AttemptResult,
  CapReservation,
  Deferral,
  DispatchGate,
  DispatchVerdict,
  EnqueueOptions,
  QueueAdapter,
  QueueCounts,
  QueueRuntime,
  RetryInfo,
  SendJob,
} from './queue/adapter.js';
