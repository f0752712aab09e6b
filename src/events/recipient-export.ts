import { personIds } from './consent.js';
import { eventKey } from './event-key.js';
import type { EventStore } from './event-store.js';
import { normalizeRecipientId } from './recipient-id.js';
import type { PreferenceEvent, StoredEvent } from './stored-event.js';

/** What the store holds about one person: the answer to a data-subject access request (GDPR art. 15, KVKK art. 11). */
export interface RecipientData {
  /** The id asked about (normalized). */
  recipientId: string;
  /** Every id the store links to the person. */
  ids: string[];
  /** When the export was made. */
  exportedAt: Date;
  /** Their `opt_in`, `opt_out` and `block` events, oldest first (with category, source and agreed text). */
  consent: PreferenceEvent[];
  /**
   * Every stored event about them, oldest first: events naming one of their ids, and events about the
   * messages sent to them (statuses, clicks and conversions that name only the message).
   */
  events: StoredEvent[];
}

const MESSAGE_BATCH = 500;

/**
 * Collects everything the store holds about a person (see {@link RecipientData}). Reads the store
 * twice: by the person's ids, then by the ids of the messages they sent or were sent, so a status that
 * names only its message is included. `recipientDataToCsv` renders the result as CSV.
 */
export async function exportRecipientData(
  store: EventStore,
  recipientId: string,
  options: { now?: () => Date } = {},
): Promise<RecipientData> {
  const ids = await personIds(store, recipientId);
  const seen = new Set<string>();
  const events: StoredEvent[] = [];
  const messageIds = new Set<string>();
  const keep = (event: StoredEvent) => {
    const key = eventKey(event);
    if (seen.has(key)) return;
    seen.add(key);
    events.push(event);
  };
  for await (const event of store.scan({ recipientIds: ids })) {
    keep(event);
    if ((event.kind === 'outbound' || event.kind === 'inbound') && event.messageId)
      messageIds.add(event.messageId);
  }
  const all = [...messageIds];
  for (let i = 0; i < all.length; i += MESSAGE_BATCH) {
    for await (const event of store.scan({ messageIds: all.slice(i, i + MESSAGE_BATCH) })) keep(event);
  }
  // Two scans each come in time order; merge them (stable, so ties keep store order).
  const ordered = events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.at.getTime() - b.event.at.getTime() || a.index - b.index)
    .map(({ event }) => event);
  return {
    recipientId: normalizeRecipientId(recipientId),
    ids,
    exportedAt: (options.now ?? (() => new Date()))(),
    consent: ordered.filter(
      (event): event is PreferenceEvent =>
        event.kind === 'opt_in' || event.kind === 'opt_out' || event.kind === 'block',
    ),
    events: ordered,
  };
}
