import { UsageError } from './cli-io.js';
import { printable } from './printable.js';

/** The integer value of flag `--name` within [min, max], or undefined when absent; anything else is a usage error. */
export function integerFlag(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${printable(value)}"`);
  }
  return n;
}
