import { setTimeout as sleep } from 'node:timers/promises';
import type { StoredEvent } from '../events/stored-event.js';
import type { QueueEventSink } from './collaborators.js';
import { EventRecordError } from './event-record-error.js';

/** Options of an {@link EventRecorder}. */
export interface EventRecorderOptions {
  /** Where events go. */
  sink: QueueEventSink;
  /** Flush once this many events are buffered (default 500). */
  batchSize?: number;
  /** Flush buffered events after this long (default 1,000 ms). */
  flushMs?: number;
  /** Tries per batch before giving up on it (default 5). Appends are idempotent, so retrying is safe. */
  maxAttempts?: number;
  /** Wait before the first retry, doubled for each further one (default 200 ms). */
  retryDelayMs?: number;
  /** Called with an {@link EventRecordError} carrying the batch when every attempt failed. */
  onError: (error: EventRecordError) => void;
}

/**
 * Buffers stored events so the send path never waits for a database round trip. A failed append is
 * retried with doubling delays; a batch that still fails is handed to `onError` rather than dropped.
 */
export class EventRecorder {
  #buffer: StoredEvent[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();
  readonly #batchSize: number;
  readonly #flushMs: number;
  readonly #maxAttempts: number;
  readonly #retryDelayMs: number;

  readonly #options: EventRecorderOptions;

  constructor(options: EventRecorderOptions) {
    this.#options = options;
    this.#batchSize = options.batchSize ?? 500;
    this.#flushMs = options.flushMs ?? 1000;
    this.#maxAttempts = options.maxAttempts ?? 5;
    this.#retryDelayMs = options.retryDelayMs ?? 200;
  }

  /** Buffers one event. */
  record(event: StoredEvent): void {
    this.#buffer.push(event);
    if (this.#buffer.length >= this.#batchSize) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.#flushMs);
  }

  /** Writes everything buffered; resolves when every earlier write has finished. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#buffer;
    this.#buffer = [];
    if (batch.length > 0) this.#writing = this.#writing.then(() => this.#write(batch));
    return this.#writing;
  }

  async #write(batch: StoredEvent[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#options.sink.append(batch);
        return;
      } catch (error) {
        if (attempt >= this.#maxAttempts) {
          this.#options.onError(new EventRecordError(batch, attempt, error));
          return;
        }
        await sleep(this.#retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }
}
