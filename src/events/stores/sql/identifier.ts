import { ConfigError } from '../../../errors/index.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks a table or schema name given in options and returns it double-quoted for SQL. Only plain
 * identifiers are accepted (letters, digits, underscores), short enough that the index names derived
 * from them stay within PostgreSQL's 63-byte limit.
 */
export function quoteIdentifier(name: string, option: string, maxLength = 40): string {
  if (!IDENTIFIER.test(name) || name.length > maxLength) {
    throw new ConfigError(
      `${option} must be a plain SQL identifier (letters, digits, _; at most ${maxLength} characters), got ${JSON.stringify(name)}`,
    );
  }
  return `"${name}"`;
}
