/**
 * Meta's throughput limit as the simulator enforces it: at most `limit` requests admitted in any
 * sliding 1-second window of arrivals. Refused requests do not take a slot.
 */
export class ThroughputWindow {
  readonly #arrivals: number[] = [];
  #head = 0;

  readonly #limit: number;

  /** @param limit requests per second */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Admits a request arriving at `now` (ms) if the last second has room, and records it. */
  tryAdmit(now: number): boolean {
    while (this.#head < this.#arrivals.length && (this.#arrivals[this.#head] as number) <= now - 1000)
      this.#head++;
    if (this.#head > 1024) {
      this.#arrivals.splice(0, this.#head);
      this.#head = 0;
    }
    if (this.#arrivals.length - this.#head >= this.#limit) return false;
    this.#arrivals.push(now);
    return true;
  }
}
