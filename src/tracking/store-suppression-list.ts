import type { EventStore } from '../events/event-store.js';
import { normalizeRecipientId } from '../events/recipient-id.js';
import type { StoredEvent } from '../events/stored-event.js';
import { assertKnownOptions, invalidOption, optionKeys } from '../schemas/validate-options.js';
import { MemorySuppressionList, type SuppressionList } from './suppression.js';

const OPTED_OUT_ERROR = 131050;

/** The reason an erased person (a tombstone in the store, see `EventStore.eraseRecipient`) is suppressed with. */
export const ERASED_REASON = 'erased';

/** The reason a 131050 answer (the user stopped marketing messages) suppresses with. */
export const OPTED_OUT_REASON = 'error_131050';

/**
 * The suppression verdict an event gives, or `undefined` when it says nothing:
 * `opt_out`, `block`, a `failed` status and a refused send (`send_failed`) with error 131050 suppress;
 * `opt_in` lifts.
 */
export function suppressionSignal(event: StoredEvent): { suppressed: boolean; reason: string } | undefined {
  switch (event.kind) {
    case 'opt_out':
      return { suppressed: true, reason: event.source ?? 'opt_out' };
    case 'block':
      return { suppressed: true, reason: 'block' };
    case 'opt_in':
      return { suppressed: false, reason: event.source ?? 'opt_in' };
    case 'status':
      return event.status === 'failed' && event.errorCode === OPTED_OUT_ERROR
        ? { suppressed: true, reason: OPTED_OUT_REASON }
        : undefined;
    case 'send_failed':
      return event.errorCode === OPTED_OUT_ERROR ? { suppressed: true, reason: OPTED_OUT_REASON } : undefined;
    default:
      return undefined;
  }
}

/**
 * A {@link MemorySuppressionList} built from stored events: for each recipient the latest signal wins
 * (`opt_out`, `block` or a 131050 failure or refusal suppress; a later `opt_in` lifts). Events are taken in
 * ascending `at`, ties in the given order; statuses need their `recipientId`.
 */
export function suppressionFromEvents(events: Iterable<StoredEvent>): MemorySuppressionList {
  const list = new MemorySuppressionList();
  const sorted = [...events]
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.at.getTime() - b.event.at.getTime() || a.index - b.index);
  for (const { event } of sorted) {
    if (event.recipientId === undefined) continue;
    const signal = suppressionSignal(event);
    if (!signal) continue;
    if (signal.suppressed) list.suppress(event.recipientId, signal.reason);
    else list.unsuppress(event.recipientId);
  }
  return list;
}

/** Options of {@link StoreSuppressionList}. */
export interface StoreSuppressionListOptions {
  /** The event store holding opt-outs, opt-ins, blocks and statuses. */
  store: EventStore;
  /** Clock for the events `suppress`/`unsuppress` write (default `() => new Date()`). */
  now?: () => Date;
}

const OPTION_KEYS = optionKeys<StoreSuppressionListOptions>()({ store: true, now: true });
const SIGNAL_KINDS = ['opt_out', 'opt_in', 'block', 'status', 'send_failed'] as const;

/** A suppression verdict and the time of the signal that gave it. */
export interface SuppressionStatus {
  /** Whether sends to the recipient are skipped. */
  suppressed: boolean;
  /** The signal's source, e.g. `user_preferences`, `keyword`, `quick_reply`, `error_131050`, `block`, `manual`, `erased`. */
  reason: string;
  /** When the signal was recorded. */
  at: Date;
}

/**
 * A {@link SuppressionList} backed by an {@link EventStore}: every `isSuppressed` reads the
 * recipient's `opt_out`/`opt_in`/`block` events and 131050 failures and refusals from the store (so it
 * stays right across processes), and the store's tombstones (an erased person stays suppressed), under every id the store links to the person (phone number and
 * business-scoped user ids, see `EventStore.identityLinks`); the latest signal by time wins. `suppress`/`unsuppress` append `opt_out`
 * (or `block` when the reason is `block`) and `opt_in` events. The webhook handler feeds the store, so a
 * Stop tap, a STOP keyword or button and a 131050 failure suppress the recipient with no further wiring.
 *
 * `suppress(id, 'error_131050')` (what the send queue calls when Meta refuses a send with 131050) writes
 * no `opt_out` event: 131050 means the user had stopped before, not a new opt-out, and the refusal is
 * already on record as the queue's `send_failed` event (or the webhook's `failed` status). It is
 * remembered in this instance until then, so the next send is skipped even before the queue's
 * buffered events reach the store.
 */
export class StoreSuppressionList implements SuppressionList {
  readonly #store: EventStore;
  readonly #now: () => Date;
  readonly #refusals = new Map<string, Date>();

  /** Wraps a store; unknown option keys throw `ConfigError`. */
  constructor(options: StoreSuppressionListOptions) {
    assertKnownOptions('StoreSuppressionList', options, OPTION_KEYS);
    if (!options.store) throw invalidOption('StoreSuppressionList', 'store', 'is required');
    this.#store = options.store;
    this.#now = options.now ?? (() => new Date());
  }

  /** The recipient's latest suppression signal, or `undefined` when none is stored. */
  async status(recipientId: string): Promise<SuppressionStatus | undefined> {
    const key = normalizeRecipientId(recipientId);
    // An erased person has no events left, only a tombstone: it suppresses for good.
    if (this.#store.isErased && (await this.#store.isErased(key)))
      return { suppressed: true, reason: ERASED_REASON, at: this.#now() };
    // One person may be known by a phone number and business-scoped user ids: read the signals of all.
    const ids = this.#store.identityLinks ? (await this.#store.identityLinks([key])).aliases(key) : [key];
    let refusedAt: Date | undefined;
    for (const id of ids) {
      const at = this.#refusals.get(id);
      if (at !== undefined && (refusedAt === undefined || at > refusedAt)) refusedAt = at;
    }
    let latest: SuppressionStatus | undefined =
      refusedAt === undefined ? undefined : { suppressed: true, reason: OPTED_OUT_REASON, at: refusedAt };
    let fromStore = false;
    for await (const event of this.#store.scan({ recipientIds: ids, kinds: SIGNAL_KINDS })) {
      const signal = suppressionSignal(event);
      // Scans come in ascending time; a stored signal at the same instant as the remembered refusal wins.
      if (signal && (latest === undefined || event.at.getTime() >= latest.at.getTime())) {
        latest = { ...signal, at: event.at };
        fromStore = true;
      }
    }
    // Once the store holds a signal as recent as the remembered refusal, the store alone is enough.
    if (refusedAt !== undefined && fromStore) for (const id of ids) this.#refusals.delete(id);
    return latest;
  }

  /** Whether the recipient's latest stored signal suppresses them. */
  async isSuppressed(recipientId: string): Promise<boolean> {
    return (await this.status(recipientId))?.suppressed ?? false;
  }

  /**
   * Appends an `opt_out` (or, for reason `block`, a `block`) event for the recipient. Reason
   * `error_131050` appends nothing (see the class description) and suppresses from now on.
   */
  async suppress(recipientId: string, reason = 'manual'): Promise<void> {
    if (reason === OPTED_OUT_REASON) {
      this.#refusals.set(normalizeRecipientId(recipientId), this.#now());
      return;
    }
    await this.#store.append([
      reason === 'block'
        ? { kind: 'block', recipientId, at: this.#now(), source: 'manual' }
        : { kind: 'opt_out', recipientId, at: this.#now(), source: reason },
    ]);
  }

  /** Appends an `opt_in` event for the recipient, lifting earlier signals. */
  async unsuppress(recipientId: string): Promise<void> {
    this.#refusals.delete(normalizeRecipientId(recipientId));
    await this.#store.append([{ kind: 'opt_in', recipientId, at: this.#now(), source: 'manual' }]);
  }
}
