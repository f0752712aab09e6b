import type { CampaignMetrics, MetricsQuery } from '../../metrics/metrics-types.js';
import { assertKnownOptions, invalidOption, optionKeys } from '../../schemas/validate-options.js';
import { eventKey } from '../event-key.js';
import type { EventFilter, EventStore } from '../event-store.js';
import type { StoredEvent } from '../stored-event.js';

/** Options of {@link GroupCommitEventStore}. Unknown keys are rejected. */
export interface GroupCommitOptions {
  /**
   * How long the first write of a batch waits for others to join it, in milliseconds (default 2).
   * While `maxInFlight` batches are being written, new writes queue and go in the next batch as soon as
   * one of them ends.
   */
  maxDelayMs?: number;
  /** Most events written in one batch (default 1,000); a fuller queue is written at once. */
  maxBatch?: number;
  /**
   * How many batches may be written at once (default 2): while one batch waits for the database, the
   * next one gathers writes and is sent without waiting for it (pipelining). 1 writes one batch at a
   * time. Concurrent batches may commit in either order, like concurrent `append` calls.
   */
  maxInFlight?: number;
}

const OWNER = 'GroupCommitEventStore';
const OPTION_KEYS = optionKeys<GroupCommitOptions>()({
  maxDelayMs: true,
  maxBatch: true,
  maxInFlight: true,
});

/** One caller's write waiting for its batch. */
interface PendingWrite {
  events: StoredEvent[];
  /** `appendNew` callers want the events that were new; `append` callers only wait. */
  wantsNew: boolean;
  resolve(added: StoredEvent[]): void;
  reject(error: unknown): void;
}

/**
 * An {@link EventStore} wrapper that coalesces concurrent `append`/`appendNew` calls into one batched
 * write of the wrapped store (group commit): the first call waits at most `maxDelayMs` for others, up
 * to `maxInFlight` batches are written at once, and calls arriving while every slot is busy go in the
 * next batch as soon as one ends. Each caller still gets its own
 * result: `appendNew` resolves with the events of its own call that were new (a repeat of an event an
 * earlier caller of the same batch wrote counts as old, as if the calls had run one after the other),
 * and when a batch fails each call is retried alone, so one caller's bad event rejects only that
 * caller. A call resolves only once its events are in the wrapped store.
 *
 * Use it in front of a SQL store when many webhook requests answer 200 only after their events are
 * stored (`awaitProcessing`): one transaction per few milliseconds instead of one per request.
 *
 * ```ts
 * const store = new GroupCommitEventStore(new PostgresEventStore({ connectionString }));
 * const handler = createNodeWebhookHandler({ store, awaitProcessing: true });
 * ```
 */
export class GroupCommitEventStore implements EventStore {
  /** The store the batches are written to. */
  readonly inner: EventStore;
  /** Appends like {@link EventStore.appendNew}; present only when the wrapped store has it. */
  readonly appendNew?: (events: StoredEvent[]) => Promise<StoredEvent[]>;
  /** Computes metrics in the wrapped store; present only when the wrapped store has it. */
  readonly aggregate?: (query: MetricsQuery) => Promise<CampaignMetrics>;
  /** Summarizes campaigns in the wrapped store; present only when the wrapped store has it. */
  readonly summarizeCampaigns?: EventStore['summarizeCampaigns'];
  /** The wrapped store's change feed; present only when the wrapped store has it. */
  readonly readSince?: EventStore['readSince'];
  /** The wrapped store's latest cursor; present only when the wrapped store has it. */
  readonly latestCursor?: EventStore['latestCursor'];
  /** Writes what is queued, then erases in the wrapped store; present only when the wrapped store has it. */
  readonly eraseRecipient?: EventStore['eraseRecipient'];
  /** The wrapped store's tombstone check; present only when the wrapped store has it. */
  readonly isErased?: EventStore['isErased'];
  /** Writes what is queued, then purges the wrapped store; present only when the wrapped store has it. */
  readonly purge?: EventStore['purge'];

  readonly #maxDelayMs: number;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  #queue: PendingWrite[] = [];
  #queuedEvents = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The batches being written. */
  readonly #writing = new Set<Promise<void>>();
  #batches = 0;

  /** Wraps `store`; throws `ConfigError` for unknown or invalid options. */
  constructor(store: EventStore, options: GroupCommitOptions = {}) {
    assertKnownOptions(OWNER, options, OPTION_KEYS);
    const maxDelayMs = options.maxDelayMs ?? 2;
    if (!Number.isFinite(maxDelayMs) || maxDelayMs < 0 || maxDelayMs > 60_000) {
      throw invalidOption(OWNER, 'maxDelayMs', 'must be a number from 0 to 60000');
    }
    const maxBatch = options.maxBatch ?? 1000;
    if (!Number.isInteger(maxBatch) || maxBatch < 1)
      throw invalidOption(OWNER, 'maxBatch', 'must be a positive integer');
    const maxInFlight = options.maxInFlight ?? 2;
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > 64)
      throw invalidOption(OWNER, 'maxInFlight', 'must be an integer from 1 to 64');
    this.inner = store;
    this.#maxDelayMs = maxDelayMs;
    this.#maxBatch = maxBatch;
    this.#maxInFlight = maxInFlight;
    if (store.appendNew !== undefined) {
      this.appendNew = (events) => this.#enqueue(events, true);
    }
    if (store.readSince !== undefined && store.latestCursor !== undefined) {
      this.readSince = store.readSince.bind(store);
      this.latestCursor = store.latestCursor.bind(store);
    }
    if (store.aggregate !== undefined) {
      const aggregate = store.aggregate.bind(store);
      this.aggregate = (query) => aggregate(query);
    }
    if (store.summarizeCampaigns !== undefined) {
      this.summarizeCampaigns = store.summarizeCampaigns.bind(store);
    }
    if (store.eraseRecipient !== undefined) {
      const erase = store.eraseRecipient.bind(store);
      // Queued events of the person must be in the store before it rewrites them.
      this.eraseRecipient = async (recipientId) => {
        await this.flush();
        return erase(recipientId);
      };
    }
    if (store.isErased !== undefined) this.isErased = store.isErased.bind(store);
    if (store.purge !== undefined) {
      const purge = store.purge.bind(store);
      this.purge = async (options) => {
        await this.flush();
        return purge(options);
      };
    }
  }

  /** Appends the events in the next batch; resolves once they are in the wrapped store. */
  async append(events: StoredEvent[]): Promise<void> {
    await this.#enqueue(events, false);
  }

  /** Reads from the wrapped store (writes still queued are not visible yet: {@link flush} first). */
  scan(filter: EventFilter): AsyncIterable<StoredEvent> {
    return this.inner.scan(filter);
  }

  /** How many batches have been written to the wrapped store so far. */
  get batchesWritten(): number {
    return this.#batches;
  }

  /** Writes everything queued now and resolves when every write started so far has settled. */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#writing.size > 0) {
      this.#kick();
      await Promise.race(this.#writing);
    }
  }

  #enqueue(events: StoredEvent[], wantsNew: boolean): Promise<StoredEvent[]> {
    if (events.length === 0) return Promise.resolve([]);
    return new Promise<StoredEvent[]>((resolve, reject) => {
      this.#queue.push({ events, wantsNew, resolve, reject });
      this.#queuedEvents += events.length;
      // Every slot busy: the first batch to end starts the next one.
      if (this.#writing.size >= this.#maxInFlight) return;
      if (this.#queuedEvents >= this.#maxBatch) this.#kick();
      else this.#timer ??= setTimeout(() => this.#kick(), this.#maxDelayMs);
    });
  }

  /** Starts batches from the queue while slots are free. */
  #kick(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    while (this.#writing.size < this.#maxInFlight && this.#queue.length > 0) {
      const batch = this.#takeBatch();
      const writing: Promise<void> = this.#write(batch).finally(() => {
        this.#writing.delete(writing);
        // The writes queued meanwhile waited for a slot: they go now, without a further delay.
        if (this.#queue.length > 0) this.#kick();
      });
      this.#writing.add(writing);
    }
  }

  /** Whole calls from the head of the queue, up to `maxBatch` events (at least one call). */
  #takeBatch(): PendingWrite[] {
    let count = 0;
    let n = 0;
    while (n < this.#queue.length) {
      const size = (this.#queue[n] as PendingWrite).events.length;
      if (n > 0 && count + size > this.#maxBatch) break;
      count += size;
      n++;
    }
    this.#queuedEvents -= count;
    return this.#queue.splice(0, n);
  }

  async #write(batch: PendingWrite[]): Promise<void> {
    try {
      const all = batch.length === 1 ? (batch[0] as PendingWrite).events : batch.flatMap((w) => w.events);
      this.#batches++;
      if (this.inner.appendNew === undefined) {
        await this.inner.append(all);
        for (const write of batch) write.resolve([]);
        return;
      }
      const added = new Set((await this.inner.appendNew(all)).map(eventKey));
      for (const write of batch) {
        const own: StoredEvent[] = [];
        for (const event of write.events) {
          const key = eventKey(event);
          if (added.delete(key)) own.push(event);
        }
        write.resolve(own);
      }
    } catch (error) {
      if (batch.length === 1) {
        (batch[0] as PendingWrite).reject(error);
        return;
      }
      // One caller's bad event must not fail the others: retry each call alone.
      for (const write of batch) await this.#writeAlone(write);
    }
  }

  async #writeAlone(write: PendingWrite): Promise<void> {
    try {
      this.#batches++;
      if (this.inner.appendNew === undefined) {
        await this.inner.append(write.events);
        write.resolve([]);
      } else {
        write.resolve(await this.inner.appendNew(write.events));
      }
    } catch (error) {
      write.reject(error);
    }
  }
}
