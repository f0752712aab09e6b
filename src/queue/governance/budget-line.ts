import { timerMs } from '../../client/retry-after.js';

/** Options of {@link BudgetLine}. */
export interface BudgetLineOptions {
  /** Called when budget may have freed (the earliest `retryAt` has come). */
  onDue(): void;
  /** Clock in epoch milliseconds. */
  now(): number;
  /** How many times faster than real time that clock runs (timers last `ms / speed`). */
  speed: number;
}

/**
 * Sends waiting for the portfolio messaging budget, first come first served, with one timer for the
 * moment the oldest reach leaves the window. When it fires, the governance takes sends from the front
 * one by one until the budget says "wait" again: each freed user costs one reservation, never a
 * stampede of every waiting send.
 */
export class BudgetLine<T> {
  #items: T[] = [];
  #head = 0;
  #retryAt: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #options: BudgetLineOptions;

  /** @param options where "budget may be free" goes, and the clock. */
  constructor(options: BudgetLineOptions) {
    this.#options = options;
  }

  /** How many sends wait for budget. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** When budget frees next (epoch ms), while sends wait. */
  get retryAt(): number | undefined {
    return this.size === 0 ? undefined : this.#retryAt;
  }

  /** Adds a send at the back; `retryAt` (when known) is when budget frees. */
  push(item: T, retryAt?: number): void {
    this.#items.push(item);
    if (retryAt !== undefined) this.#arm(retryAt);
  }

  /** Puts back at the front a send that was first and still finds no budget before `retryAt`. */
  unshift(item: T, retryAt: number): void {
    if (this.#head > 0) this.#items[--this.#head] = item;
    else this.#items.unshift(item);
    this.#arm(retryAt, true);
  }

  /** Takes the send at the front. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.#items[this.#head] as T;
    this.#items[this.#head++] = undefined as T;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Removes and returns every waiting send; the timer stops. */
  drain(): T[] {
    const items = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    this.#disarm();
    return items;
  }

  #arm(retryAt: number, replace = false): void {
    if (this.#timer && !replace && this.#retryAt !== undefined && this.#retryAt <= retryAt) return;
    this.#disarm();
    this.#retryAt = retryAt;
    const { now, speed, onDue } = this.#options;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        if (now() < retryAt) this.#arm(retryAt, true);
        else onDue();
      },
      timerMs((retryAt - now()) / speed),
    );
  }

  #disarm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
