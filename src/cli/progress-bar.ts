import type { CliOutput } from './cli-io.js';

/** What the bar shows. */
export interface ProgressState {
  /** Finished so far. */
  done: number;
  /** Expected in all, when known. */
  total: number | undefined;
  /** Extra text after the bar (counts by outcome, rate). */
  detail: string;
}

const WIDTH = 28;

/**
 * A one-line progress bar redrawn in place with `\r`, only when the output is a terminal (CI logs
 * and pipes get nothing until the final summary). Redraws at most every 100 ms.
 */
export class ProgressBar {
  #lastDraw = Number.NEGATIVE_INFINITY;
  #drawn = false;

  readonly #now: () => number;

  readonly #out: CliOutput;

  constructor(out: CliOutput, now: () => number = Date.now) {
    this.#out = out;
    this.#now = now;
  }

  /** Redraws the bar (throttled unless `force`). */
  update(state: ProgressState, force = false): void {
    if (!this.#out.isTTY) return;
    const t = this.#now();
    if (!force && t - this.#lastDraw < 100) return;
    this.#lastDraw = t;
    this.#drawn = true;
    this.#out.write(`\r${renderProgress(state)}\x1b[K`);
  }

  /** Ends the line so later output starts on a fresh one. */
  finish(state: ProgressState): void {
    if (!this.#out.isTTY) return;
    this.update(state, true);
    if (this.#drawn) this.#out.write('\n');
  }
}

/** The bar as text, e.g. `[██████░░░░] 60% 600/1,000 sent 590 failed 10`. */
export function renderProgress(state: ProgressState): string {
  if (state.total === undefined || state.total === 0) {
    return `${state.done.toLocaleString('en-US')} ${state.detail}`;
  }
  const fraction = Math.min(1, state.done / state.total);
  const filled = Math.round(fraction * WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
  return `[${bar}] ${Math.floor(fraction * 100)
    .toString()
    .padStart(
      3,
    )}% ${state.done.toLocaleString('en-US')}/${state.total.toLocaleString('en-US')} ${state.detail}`;
}
