import { eventKey } from '../event-key.js';
import type { StoredEvent } from '../stored-event.js';

const STATUS_BITS: Readonly<Record<string, number>> = {
  sent: 1,
  delivered: 2,
  read: 4,
  played: 8,
  failed: 16,
};

/**
 * The set of {@link eventKey}s a store holds, without building key strings for the common kinds:
 * outbound and inbound events are keyed by message id, known statuses by a bit per status. Same
 * identity as `eventKey`, several times faster on bulk ingest.
 */
export class EventIdentitySet {
  readonly #outbound = new Set<string>();
  readonly #inbound = new Set<string>();
  readonly #statuses = new Map<string, number>();
  readonly #other = new Set<string>();

  /** Adds the event's identity; returns false when it was already present. */
  add(event: StoredEvent): boolean {
    switch (event.kind) {
      case 'outbound':
        return addTo(this.#outbound, event.messageId);
      case 'inbound':
        return addTo(this.#inbound, event.messageId);
      case 'status': {
        const bit = STATUS_BITS[event.status];
        if (bit === undefined) return addTo(this.#other, eventKey(event));
        const bits = this.#statuses.get(event.messageId) ?? 0;
        if (bits & bit) return false;
        this.#statuses.set(event.messageId, bits | bit);
        return true;
      }
      default:
        return addTo(this.#other, eventKey(event));
    }
  }

  /** Removes the event's identity (an erasure rewrites the event under a new one). */
  delete(event: StoredEvent): void {
    switch (event.kind) {
      case 'outbound':
        this.#outbound.delete(event.messageId);
        return;
      case 'inbound':
        this.#inbound.delete(event.messageId);
        return;
      case 'status': {
        const bit = STATUS_BITS[event.status];
        if (bit === undefined) this.#other.delete(eventKey(event));
        else {
          const bits = (this.#statuses.get(event.messageId) ?? 0) & ~bit;
          if (bits === 0) this.#statuses.delete(event.messageId);
          else this.#statuses.set(event.messageId, bits);
        }
        return;
      }
      default:
        this.#other.delete(eventKey(event));
    }
  }
}

function addTo(set: Set<string>, key: string): boolean {
  if (set.has(key)) return false;
  set.add(key);
  return true;
}
