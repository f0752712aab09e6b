import type { Clock } from '../../../src/clock/index.js';

/**
 * A clock for discrete-event runs on simulated time: it runs `rate` times faster than real time while
 * there is work, and {@link JumpingClock.jumpTo} moves it forward when everything waits (the next
 * wake-up), so a simulated week of mostly waiting passes in the time the sends themselves take,
 * whatever the machine's load. Its `speed` is huge on purpose: governance timers then last about a
 * millisecond and re-check the time, so they see a jump at once.
 */
export class JumpingClock implements Clock {
  readonly speed = 1e9;
  readonly #rate: number;
  #base: number;
  #realBase = performance.now();

  /** @param startAt simulated start (epoch ms); @param rate simulated ms per real ms while busy. */
  constructor(startAt: number, rate: number) {
    this.#base = startAt;
    this.#rate = rate;
  }

  now(): number {
    return Math.floor(this.#base + (performance.now() - this.#realBase) * this.#rate);
  }

  /** Moves the clock to `at` if that is later (it never goes back). */
  jumpTo(at: number): void {
    const now = this.now();
    this.#base = Math.max(now, at);
    this.#realBase = performance.now();
  }
}
