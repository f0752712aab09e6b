import { ConfigError } from '../errors/index.js';
import type { EventStore } from '../metrics/event-store.js';
import type { StoredEvent } from '../metrics/stored-event.js';
import { MemorySuppressionList, type SuppressionList } from './suppression.js';

const OPTED_OUT_ERROR = 131050;

/**
 * The suppression verdict an event gives, or `undefined` when it says nothing:
 * `opt_out`, `block` and a `failed` status with error 131050 suppress; `opt_in` lifts.
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
        ? { suppressed: true, reason: 'error_131050' }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * A {@link MemorySuppressionList} built from stored events: for each recipient the latest signal wins
 * (`opt_out`, `block` or a 131050 failure suppress; a later `opt_in` lifts). Events are taken in
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

const OPTION_KEYS = new Set(['store', 'now']);

/**
 * A {@link SuppressionList} backed by an {@link EventStore}: every `isSuppressed` reads the
 * recipient's `opt_out`/`opt_in`/`block` events and 131050 failures from the store (so it stays right
 * across processes), and `suppress`/`unsuppress` append `opt_out` (or `block` when the reason is
 * `block`) and `opt_in` events with source `manual`. The webhook handler feeds the store, so opt-outs
 * reported by Meta suppress the recipient with no further wiring.
 */
export class StoreSuppressionList implements SuppressionList {
  readonly #store: EventStore;
  readonly #now: () => Date;

  /** Wraps a store; unknown option keys throw `ConfigError`. */
  constructor(options: StoreSuppressionListOptions) {
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.has(key)) throw new ConfigError(`StoreSuppressionList: unknown option "${key}"`);
    }
    if (!options.store) throw new ConfigError('StoreSuppressionList: store is required');
    this.#store = options.store;
    this.#now = options.now ?? (() => new Date());
  }

  /** The recipient's latest suppression signal, or `undefined` when none is stored. */
  async status(recipientId: string): Promise<{ suppressed: boolean; reason: string; at: Date } | undefined> {
    let latest: { suppressed: boolean; reason: string; at: Date } | undefined;
    for await (const event of this.#store.scan({
      recipientIds: [recipientId],
      kinds: ['opt_out', 'opt_in', 'block', 'status'],
    })) {
      const signal = suppressionSignal(event);
      // Scans come in ascending time, so the last signal seen is the latest.
      if (signal) latest = { ...signal, at: event.at };
    }
    return latest;
  }

  /** Whether the recipient's latest stored signal suppresses them. */
  async isSuppressed(recipientId: string): Promise<boolean> {
    return (await this.status(recipientId))?.suppressed ?? false;
  }

  /** Appends an `opt_out` (or, for reason `block`, a `block`) event for the recipient. */
  async suppress(recipientId: string, reason = 'manual'): Promise<void> {
    await this.#store.append([
      reason === 'block'
        ? { kind: 'block', recipientId, at: this.#now(), source: 'manual' }
        : { kind: 'opt_out', recipientId, at: this.#now(), source: reason },
    ]);
  }

  /** Appends an `opt_in` event for the recipient, lifting earlier signals. */
  async unsuppress(recipientId: string): Promise<void> {
    await this.#store.append([{ kind: 'opt_in', recipientId, at: this.#now(), source: 'manual' }]);
  }
}
