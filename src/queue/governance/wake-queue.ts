import { timerMs } from '../../client/retry-after.js';

interface Waiting<T> {
  at: number;
  seq: number;
  item: T;
}

/** Options of {@link WakeQueue}. */
export interface WakeQueueOptions<T> {
  /** Receives each item once its time has come, in time order (ties in insertion order). */
  wake(item: T): void;
  /** Clock in epoch milliseconds (default `Date.now`). */
  now?: () => number;
  /** How many times faster than real time that clock runs (default 1): timers last `ms / speed`. */
  speed?: number;
}

/**
 * Items waiting for a time, held in a binary min-heap with **one** timer, set for the earliest: a
 * million sends waiting for their recipients' morning cost a million small heap entries, not a
 * million timers. Hand-written (a 40-line heap) as the package has no priority-queue dependency.
 */
export class WakeQueue<T> {
  readonly #heap: Waiting<T>[] = [];
  readonly #wake: (item: T) => void;
  readonly #now: () => number;
  readonly #speed: number;
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  /** @param options where items go when due, and the clock. */
  constructor(options: WakeQueueOptions<T>) {
    this.#wake = options.wake;
    this.#now = options.now ?? Date.now;
    this.#speed = options.speed ?? 1;
  }

  /** How many items wait. */
  get size(): number {
    return this.#heap.length;
  }

  /** When the earliest item is due (epoch ms), or `undefined` when none waits. */
  get nextAt(): number | undefined {
    return this.#heap[0]?.at;
  }

  /** Holds `item` until `at` (epoch ms); an item already due is woken on the next timer turn. */
  add(item: T, at: number): void {
    this.#push({ at, seq: this.#seq++, item });
    this.#arm();
  }

  /** Removes and returns every waiting item (e.g. to end them when the queue closes); the timer stops. */
  drain(): T[] {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const items: T[] = [];
    while (this.#heap.length > 0) items.push(this.#pop()!.item);
    return items;
  }

  #arm(): void {
    const first = this.#heap[0];
    if (!first || (this.#timer && this.#timerAt <= first.at)) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = first.at;
    this.#timer = setTimeout(() => this.#fire(), timerMs((first.at - this.#now()) / this.#speed));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = this.#now();
    while (this.#heap.length > 0 && this.#heap[0]!.at <= now) this.#wake(this.#pop()!.item);
    this.#arm();
  }

  #before(a: Waiting<T>, b: Waiting<T>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(entry: Waiting<T>): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #pop(): Waiting<T> | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && this.#before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && this.#before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) break;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
    return top;
  }
}
