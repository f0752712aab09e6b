import type { StoredEvent } from '../events/stored-event.js';

/**
 * The part of the metrics `EventStore` the queue writes to (`outbound` and `send_failed` events).
 * Any `EventStore` (memory, SQLite, PostgreSQL) satisfies it.
 */
export interface QueueEventSink {
  /** Appends events; the queue batches its calls. */
  append(events: StoredEvent[]): Promise<void>;
}

/**
 * The part of the tracking `SuppressionList` the queue uses: checked before every send, and
 * written when Meta answers 131050 (the user stopped marketing messages).
 */
export interface QueueSuppressionList {
  /** Whether the recipient must not be messaged. */
  isSuppressed(recipientId: string): boolean | Promise<boolean>;
  /** Adds the recipient to the list. */
  suppress(recipientId: string, reason?: string): unknown;
}
