/** Console helpers shared by the examples: a progress bar on terminals, quiet in CI logs. */
import { renderProgress } from '../../src/cli/progress-bar.js';

/** Redraws one progress line on stderr when it is a terminal. */
export function progressLine(done: number, total: number, detail: string): void {
  if (!process.stderr.isTTY) return;
  process.stderr.write(`\r${renderProgress({ done, total, detail })}\x1b[K`);
  if (done >= total) process.stderr.write('\n');
}

/** Whether the examples run in a test (`CI_EXAMPLE=1`): smaller workloads, same code paths. */
export const isExampleTest = process.env.CI_EXAMPLE === '1';
