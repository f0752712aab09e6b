import { ConfigError } from '../../../errors/index.js';

/**
 * Throws {@link ConfigError} when `options` is not an object or has a key outside `allowed`, so a typo
 * such as `tablename` fails loudly instead of being ignored.
 */
export function assertKnownOptions(options: unknown, allowed: readonly string[], owner: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`${owner} expects an options object`);
  }
  const unknown = Object.keys(options).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new ConfigError(
      `${owner}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`,
    );
  }
}
