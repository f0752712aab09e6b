import type { StoredEvent } from './stored-event.js';

/**
 * A position in a store's append order, as {@link EventStore.readSince} and
 * {@link EventStore.latestCursor} return it. Opaque: pass it back to the same store unchanged.
 */
export type EventCursor = string;

/** What {@link EventStore.readSince} returns: events appended after a cursor, and the cursor to read on from. */
export interface EventChanges {
  /** The events appended after the cursor, in append order (at most the `limit` asked for). */
  events: StoredEvent[];
  /** Where to read on from next time (covers `events`). */
  cursor: EventCursor;
  /** True when `limit` cut the read short: more events are ready, call again at once. */
  more: boolean;
}
