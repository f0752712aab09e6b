import { createHmac } from 'node:crypto';
import type { CampaignMetrics, MetricsQuery } from '../metrics/metrics-types.js';
import { assertKnownOptions, invalidOption, optionKeys } from '../schemas/validate-options.js';
import { eventKey } from './event-key.js';
import type { EventFilter, EventStore } from './event-store.js';
import { normalizeRecipientId } from './recipient-id.js';
import type { StoredEvent } from './stored-event.js';

/** Options of {@link hashRecipients}. */
export interface HashRecipientsOptions {
  /** HMAC key (at least 16 bytes). Keep it secret and stable: a new key makes old and new ids differ. */
  key: string | Uint8Array;
}

const PREFIX = 'h.';
const MIN_KEY_BYTES = 16;
const OPTION_KEYS = optionKeys<HashRecipientsOptions>()({ key: true });

function checkKey(key: unknown): string | Uint8Array {
  const length =
    typeof key === 'string' ? Buffer.byteLength(key) : key instanceof Uint8Array ? key.byteLength : -1;
  if (length < MIN_KEY_BYTES)
    throw invalidOption(
      'hashRecipients',
      'key',
      `must be a string or bytes of at least ${MIN_KEY_BYTES} bytes`,
    );
  return key as string | Uint8Array;
}

/**
 * The pseudonym {@link hashRecipients} stores for a recipient: `h.` + base64url HMAC-SHA256 of the
 * normalised id (so `+1 650-555-1234` and `16505551234` hash alike). An id that is already a pseudonym
 * is returned unchanged.
 */
export function hashRecipientId(recipientId: string, key: string | Uint8Array): string {
  if (recipientId.startsWith(PREFIX)) return recipientId;
  return PREFIX + createHmac('sha256', key).update(normalizeRecipientId(recipientId)).digest('base64url');
}

/**
 * Wraps a store so it keeps a keyed HMAC pseudonym of every recipient number instead of the number
 * (privacy / data minimisation). Metrics are unchanged, because attribution only needs equal ids to
 * stay equal. Scans by `recipientIds` accept plain numbers (hashed on the way in); scanned events carry
 * the pseudonyms. Note that `inbound` texts are stored as they are. `eraseRecipient` and `isErased`
 * take plain numbers too (hashed on the way in), and `purge` is passed through.
 *
 * @example
 * ```ts
 * const store = hashRecipients(new MemoryEventStore(), { key: process.env.RECIPIENT_HASH_KEY! });
 * ```
 */
export function hashRecipients(
  store: EventStore & { close?(): Promise<void> },
  options: HashRecipientsOptions,
): EventStore & { close?(): Promise<void> } {
  assertKnownOptions('hashRecipients', options, OPTION_KEYS);
  const key = checkKey(options.key);
  const cache = new Map<string, string>();
  const hash = (id: string): string => {
    let hashed = cache.get(id);
    if (hashed === undefined) {
      hashed = hashRecipientId(id, key);
      if (cache.size > 100_000) cache.clear();
      cache.set(id, hashed);
    }
    return hashed;
  };
  const pseudonymize = (event: StoredEvent): StoredEvent =>
    event.recipientId === undefined
      ? event
      : ({ ...event, recipientId: hash(event.recipientId) } as StoredEvent);
  const wrapped: EventStore & { close?(): Promise<void> } = {
    append: (events) => store.append(events.map(pseudonymize)),
    scan: (filter: EventFilter) =>
      store.scan(filter.recipientIds ? { ...filter, recipientIds: filter.recipientIds.map(hash) } : filter),
  };
  if (store.aggregate) {
    const aggregate = store.aggregate.bind(store);
    wrapped.aggregate = (query: MetricsQuery): Promise<CampaignMetrics> => aggregate(query);
  }
  if (store.summarizeCampaigns) {
    // Campaign ids and counts carry no recipient: nothing to pseudonymise.
    wrapped.summarizeCampaigns = store.summarizeCampaigns.bind(store);
  }
  if (store.appendNew) {
    const appendNew = store.appendNew.bind(store);
    wrapped.appendNew = async (events) => {
      const byKey = new Map<string, StoredEvent>();
      const hashed = events.map((event) => {
        const copy = pseudonymize(event);
        byKey.set(eventKey(copy), event);
        return copy;
      });
      const added = await appendNew(hashed);
      return added.map((event) => byKey.get(eventKey(event)) ?? event);
    };
  }
  if (store.eraseRecipient) {
    const erase = store.eraseRecipient.bind(store);
    wrapped.eraseRecipient = (recipientId) => erase(hash(recipientId));
  }
  if (store.isErased) {
    const isErased = store.isErased.bind(store);
    wrapped.isErased = (recipientId) => isErased(hash(recipientId));
  }
  if (store.purge) {
    const purge = store.purge.bind(store);
    wrapped.purge = (options) => purge(options);
  }
  if (store.close) {
    const close = store.close.bind(store);
    wrapped.close = () => close();
  }
  return wrapped;
}
