import { invalidOption } from '../schemas/validate-options.js';

/**
 * Where the queue and the simulator read the time, and how fast it runs. One clock given to both
 * keeps their "24 hours" the same: a send window, a 131049 deferral, the portfolio's rolling day.
 */
export interface Clock {
  /** The time in epoch milliseconds. */
  now(): number;
  /**
   * How many times faster than real time this clock runs (1 for the system clock). A wait of `ms` on
   * this clock lasts `ms / speed` real milliseconds.
   */
  readonly speed: number;
}

/** The real clock: `Date.now`, at speed 1. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now(), speed: 1 });

/** Options of {@link acceleratedClock}. */
export interface AcceleratedClockOptions {
  /** How many times faster than real time the clock runs (a positive number). */
  speed: number;
  /** The clock's time when it is created (epoch ms; default now). */
  startAt?: number;
}

/**
 * A clock that runs `speed` times faster than real time, from `startAt`: with `speed: 3600`, a
 * simulated day passes in 24 real seconds. Give the same clock to `startSimulator({ clock })` and
 * `new SendQueue({ clock })` so both see the same simulated time.
 */
export function acceleratedClock(options: AcceleratedClockOptions): Clock {
  const { speed } = options;
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0)
    throw invalidOption('acceleratedClock', 'speed', 'must be a positive number');
  const realStart = performance.now();
  const startAt = options.startAt ?? Date.now();
  return Object.freeze({ now: () => Math.floor(startAt + (performance.now() - realStart) * speed), speed });
}
