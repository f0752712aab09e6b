/** The event model every part writes and reads: stored events, the EventStore interface, the memory store. */

export type { EventChanges, EventCursor } from './event-changes.js';
export { eventKey } from './event-key.js';
export type { EventFilter, EventStore } from './event-store.js';
export { type HashRecipientsOptions, hashRecipientId, hashRecipients } from './hash-recipients.js';
export { IdentityLinks, identityPairs } from './identity-links.js';
export { normalizeRecipientId } from './recipient-id.js';
export type * from './stored-event.js';
export { assertStoredEvents, storedEventSchema } from './stored-event-schema.js';
export { GroupCommitEventStore, type GroupCommitOptions } from './stores/group-commit-store.js';
export { MemoryEventStore, type MemoryEventStoreOptions } from './stores/memory.js';
