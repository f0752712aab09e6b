import type { EventStore } from './event-store.js';
import { normalizeRecipientId } from './recipient-id.js';
import type { PreferenceEvent, StoredEvent } from './stored-event.js';

/** Where a person stands on one message category, and the event that decided it. */
export interface ConsentStatus {
  /** True when the person's latest signal for the category is an `opt_in`. */
  granted: boolean;
  /** The deciding `opt_in`, `opt_out` or `block` (absent: nothing on record, so not granted). */
  decidedBy?: PreferenceEvent;
}

/** A person's consent record, as {@link readConsent} finds it. */
export interface ConsentHistory {
  /** The id asked about (normalized: digits of a phone number, or the user id). */
  recipientId: string;
  /** Every id the store links to the person (phone number, business-scoped user ids). */
  ids: string[];
  /** Their `opt_in`, `opt_out` and `block` events, oldest first. */
  events: PreferenceEvent[];
}

const PREFERENCE_KINDS = ['opt_in', 'opt_out', 'block'] as const;

function isPreference(event: StoredEvent): event is PreferenceEvent {
  return event.kind === 'opt_in' || event.kind === 'opt_out' || event.kind === 'block';
}

/**
 * Folds a person's preference events into their consent for `category`: the latest event that
 * applies to it decides (ties: the later in the list). An event applies when it names that category
 * or names none: an `opt_in` without a category consents to every category, an `opt_out` without one
 * revokes every category, a `block` always revokes. So `opt_in {marketing}` then `opt_out {}` is
 * revoked, while `opt_in {}` then `opt_out {utility}` still consents to marketing. Other kinds are ignored.
 */
export function consentStatus(events: Iterable<StoredEvent>, category: string): ConsentStatus {
  let decidedBy: PreferenceEvent | undefined;
  for (const event of events) {
    if (!isPreference(event)) continue;
    if (event.kind !== 'block' && event.category !== undefined && event.category !== category) continue;
    if (decidedBy === undefined || event.at.getTime() >= decidedBy.at.getTime()) decidedBy = event;
  }
  return decidedBy === undefined ? { granted: false } : { granted: decidedBy.kind === 'opt_in', decidedBy };
}

/** The ids a store links to a person (just the normalized id when the store keeps no links). */
export async function personIds(store: EventStore, recipientId: string): Promise<string[]> {
  const key = normalizeRecipientId(recipientId);
  return store.identityLinks ? (await store.identityLinks([key])).aliases(key) : [key];
}

/**
 * Reads a person's consent record from the store: their `opt_in`, `opt_out` and `block` events under
 * every id the store links to them. Pass `history.events` to {@link consentStatus}.
 */
export async function readConsent(store: EventStore, recipientId: string): Promise<ConsentHistory> {
  const ids = await personIds(store, recipientId);
  const events: PreferenceEvent[] = [];
  for await (const event of store.scan({ recipientIds: ids, kinds: PREFERENCE_KINDS })) {
    if (isPreference(event)) events.push(event);
  }
  return { recipientId: normalizeRecipientId(recipientId), ids, events };
}
