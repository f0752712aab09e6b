/** Options of a {@link ThroughputLimiter}. */
export interface ThroughputLimiterOptions {
  /** Most requests that may reach the server in any sliding window (default window: 1 s). */
  limit: number;
  /** Window length in milliseconds (default 1,000). */
  windowMs?: number;
  /**
   * How far the pacer may run ahead of its even schedule to make up for late timers, in
   * milliseconds (default 20). The sliding window still bounds every window.
   */
  burstToleranceMs?: number;
}

/**
 * Per-number throughput limiter as the server counts arrivals: an even pacer (one request every
 * `windowMs / limit`) plus a sliding window that counts every request from its dispatch until
 * `windowMs` after its response.
 *
 * Why that bound holds on the server: a request arrives somewhere between its dispatch and its
 * response. Take any server-side window [w, w + windowMs) and the last request dispatched among
 * those arriving in it, at time t < w + windowMs. Every other one was dispatched before t and
 * answered at or after w > t − windowMs, so at t each was still counted; the limiter admitted t
 * only with fewer than `limit` counted, hence at most `limit` arrivals in the window.
 */
export class ThroughputLimiter {
  #limit: number;
  readonly #windowMs: number;
  #intervalMs: number;
  readonly #toleranceMs: number;
  #theoreticalAt = Number.NEGATIVE_INFINITY;
  #inFlight = 0;
  readonly #finishedAt: number[] = [];
  #head = 0;

  constructor(options: ThroughputLimiterOptions) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs ?? 1000;
    this.#intervalMs = this.#windowMs / options.limit;
    this.#toleranceMs = Math.max(options.burstToleranceMs ?? 20, 0);
  }

  /** Most requests in any window. */
  get limit(): number {
    return this.#limit;
  }

  /** Changes the limit from now on (a number's throughput upgrade); requests already counted stay counted. */
  setLimit(limit: number): void {
    this.#limit = limit;
    this.#intervalMs = this.#windowMs / limit;
  }

  /** Requests counted against the window at `now` (in flight, or answered within the window). */
  counted(now: number): number {
    this.#prune(now);
    return this.#inFlight + this.#finishedAt.length - this.#head;
  }

  /**
   * Takes a slot when one is free at `now` and returns 0; otherwise returns how long to wait
   * (`Infinity` when only a response can free a slot).
   */
  tryAcquire(now: number): number {
    const paceWait = this.#theoreticalAt - this.#toleranceMs - now;
    if (paceWait > 0) return paceWait;
    if (this.counted(now) >= this.#limit) {
      const oldest = this.#finishedAt[this.#head];
      return oldest === undefined ? Number.POSITIVE_INFINITY : Math.max(1, oldest + this.#windowMs - now);
    }
    this.#theoreticalAt = Math.max(this.#theoreticalAt, now - this.#toleranceMs) + this.#intervalMs;
    this.#inFlight++;
    return 0;
  }

  /** Marks one acquired request as answered (or failed) at `now`. */
  release(now: number): void {
    if (this.#inFlight === 0) return;
    this.#inFlight--;
    this.#finishedAt.push(now);
  }

  #prune(now: number): void {
    const cutoff = now - this.#windowMs;
    while (this.#head < this.#finishedAt.length && (this.#finishedAt[this.#head] as number) <= cutoff)
      this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#finishedAt.length) {
      this.#finishedAt.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
