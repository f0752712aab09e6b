/** The two SQL dialects wacloud's stores speak. */
export type SqlDialect = 'sqlite' | 'postgres';

/**
 * Collects the parameters of one SQL statement and writes their placeholders (`?` for SQLite, `$n` for
 * PostgreSQL), with helpers for the values each dialect encodes differently (instants and lists).
 */
export class SqlParams {
  /** The values, in placeholder order. */
  readonly values: unknown[] = [];

  constructor(readonly dialect: SqlDialect) {}

  /** Adds a value and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return this.dialect === 'postgres' ? `$${this.values.length}` : '?';
  }

  /** Adds an instant: epoch milliseconds for SQLite, a `timestamptz` for PostgreSQL. */
  addInstant(value: Date | number): string {
    const ms = typeof value === 'number' ? value : value.getTime();
    return this.dialect === 'postgres'
      ? `${this.add(new Date(ms).toISOString())}::timestamptz`
      : this.add(ms);
  }

  /** `column` is one of `values` (any number of them: one array parameter, not one per value). */
  inList(column: string, values: readonly string[]): string {
    if (this.dialect === 'postgres') return `${column} = ANY(${this.add(values)}::text[])`;
    return `${column} IN (SELECT value FROM json_each(${this.add(JSON.stringify(values))}))`;
  }
}
