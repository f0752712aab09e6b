import type { StoredEvent } from '../metrics/stored-event.js';
import type { QueueEventSink } from './collaborators.js';

/** Options of an {@link EventRecorder}. */
export interface EventRecorderOptions {
  /** Where events go. */
  sink: QueueEventSink;
  /** Flush once this many events are buffered (default 500). */
  batchSize?: number;
  /** Flush buffered events after this long (default 1,000 ms). */
  flushMs?: number;
  /** Called when an append fails (the events of that batch are lost). */
  onError: (error: unknown) => void;
}

/** Buffers stored events so the send path never waits for a database round trip. */
export class EventRecorder {
  private buffer: StoredEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly batchSize: number;
  private readonly flushMs: number;

  constructor(private readonly options: EventRecorderOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.flushMs = options.flushMs ?? 1000;
  }

  /** Buffers one event. */
  record(event: StoredEvent): void {
    this.buffer.push(event);
    if (this.buffer.length >= this.batchSize) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Writes everything buffered; resolves when every earlier write has finished. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length > 0) {
      this.writing = this.writing.then(() =>
        this.options.sink.append(batch).catch((error: unknown) => this.options.onError(error)),
      );
    }
    return this.writing;
  }
}
