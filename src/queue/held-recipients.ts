import { WakeQueue } from './governance/wake-queue.js';

/** Options of {@link HeldRecipients}. */
export interface HeldRecipientsOptions {
  /** Told when held recipients became due (take them with {@link HeldRecipients.take}). */
  onDue(): void;
  /** Clock in epoch milliseconds. */
  now(): number;
  /**
   * How many times faster than real time that clock runs (default 1): the wake-up timer lasts
   * `ms / speed`, so on an accelerated clock held recipients fall due when the clock says so.
   */
  speed?: number;
}

interface Bucket<R> {
  readonly recipients: R[];
  readonly indices: number[];
  next: number;
}

/**
 * Campaign recipients read from the source but not yet built, waiting for their send window: the
 * compact form of a waiting send. Recipients due at the same instant share one bucket (windows open on
 * the minute, so a million recipients make a few dozen buckets), so each costs two array slots beside the
 * recipient itself, instead of a built message, a job, a promise and its callbacks (about 1 KB). One
 * timer wakes the earliest bucket ({@link WakeQueue}).
 */
export class HeldRecipients<R> {
  readonly #onDue: () => void;
  readonly #buckets = new Map<number, Bucket<R>>();
  readonly #due: Bucket<R>[] = [];
  readonly #timers: WakeQueue<number>;
  #size = 0;

  /** @param options who is told when recipients are due, and the clock. */
  constructor(options: HeldRecipientsOptions) {
    this.#onDue = options.onDue;
    this.#timers = new WakeQueue<number>({
      wake: (at) => this.#release(at),
      now: options.now,
      ...(options.speed === undefined ? {} : { speed: options.speed }),
    });
  }

  /** Recipients held (due ones not yet taken included). */
  get size(): number {
    return this.#size;
  }

  /** When the earliest held recipient is due (epoch ms; `now` when some are due already), or `undefined`. */
  nextAt(now: number): number | undefined {
    if (this.#size === 0) return undefined;
    return this.#due.some((bucket) => bucket.next < bucket.recipients.length) ? now : this.#timers.nextAt;
  }

  /** Holds a recipient (and its position in the source) until `at` (epoch ms). */
  add(recipient: R, index: number, at: number): void {
    let bucket = this.#buckets.get(at);
    if (!bucket) {
      bucket = { recipients: [], indices: [], next: 0 };
      this.#buckets.set(at, bucket);
      this.#timers.add(at, at);
    }
    bucket.recipients.push(recipient);
    bucket.indices.push(index);
    this.#size++;
  }

  /** The next due recipient, or `undefined` when none is due. */
  take(): { recipient: R; index: number } | undefined {
    for (;;) {
      const bucket = this.#due[0];
      if (!bucket) return undefined;
      if (bucket.next < bucket.recipients.length) {
        const i = bucket.next++;
        const recipient = bucket.recipients[i] as R;
        bucket.recipients[i] = undefined as R;
        this.#size--;
        return { recipient, index: bucket.indices[i] as number };
      }
      this.#due.shift();
    }
  }

  /** Makes every held recipient due now (the queue is closing: they end `closed` without waiting). */
  releaseAll(): void {
    for (const at of this.#timers.drain()) this.#move(at);
    this.#onDue();
  }

  #release(at: number): void {
    this.#move(at);
    this.#onDue();
  }

  #move(at: number): void {
    const bucket = this.#buckets.get(at);
    if (!bucket) return;
    this.#buckets.delete(at);
    this.#due.push(bucket);
  }
}
