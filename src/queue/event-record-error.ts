import { WhatsAppError } from '../errors/index.js';
import type { StoredEvent } from '../events/stored-event.js';

/**
 * The send queue could not write a batch of `outbound`/`send_failed` records to its event store, even
 * after retrying. The messages themselves were sent (or refused) as their outcomes say; only their
 * records are missing from the store. `events` holds them, so you can append them later: appends are
 * idempotent, so writing a batch twice is harmless.
 */
export class EventRecordError extends WhatsAppError {
  /** The records that were not written. */
  readonly events: readonly StoredEvent[];
  /** How many times the append was tried. */
  readonly attempts: number;

  constructor(events: readonly StoredEvent[], attempts: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Could not record ${events.length} send event(s) in the event store after ${attempts} attempt(s): ${reason}`,
      {
        cause,
      },
    );
    this.events = events;
    this.attempts = attempts;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), attempts: this.attempts, events: this.events.length };
  }
}
