/**
 * Tracks every timer and promise the simulator has scheduled, so `flush()` can wait until all of
 * them are done and `close()` can cancel what is left.
 */
export class PendingWork {
  #count = 0;
  #waiters: (() => void)[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  /** Runs `task` after `delayMs` real milliseconds; `flush()` waits for it (and what it returns). */
  schedule(delayMs: number, task: () => unknown): void {
    if (this.#closed) return;
    this.#count++;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.track(Promise.resolve().then(task));
      this.#done();
    }, delayMs);
    this.#timers.add(timer);
  }

  /** Counts a promise as pending work until it settles (its rejection is swallowed: callers record failures). */
  track(promise: Promise<unknown>): void {
    this.#count++;
    promise.then(
      () => this.#done(),
      () => this.#done(),
    );
  }

  /** Resolves when nothing is scheduled or in flight. */
  idle(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Cancels every timer not yet fired; later `schedule` calls are ignored. */
  cancelAll(): void {
    this.#closed = true;
    for (const timer of this.#timers) {
      clearTimeout(timer);
      this.#done();
    }
    this.#timers.clear();
  }

  #done(): void {
    this.#count--;
    if (this.#count === 0) {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
