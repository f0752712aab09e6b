import type { StoredEventRow } from './event-row.js';
import type { SqlDialect } from './sql-params.js';

/** Runs one SELECT and resolves its rows (each store adapts its driver to this). */
export type SqlSelect = (sql: string, values: unknown[]) => Promise<StoredEventRow[]>;

/** Runs one SELECT and resolves its rows as arrays of column values, in select-list order. */
export type SqlSelectArrays = (sql: string, values: unknown[]) => Promise<unknown[][]>;

/** How a store reads its table: dialect, quoted table name, and the column list that rebuilds events. */
export interface CampaignFactsSource {
  readonly dialect: SqlDialect;
  readonly table: string;
  /** Select list (aliased `e`) that `fromEventRow` (event-row.ts) turns back into events. */
  readonly eventColumns: string;
  /** The quoted status rollup table (see `status-rollup.ts`). */
  readonly rollupTable: string;
  /** The quoted identity table (see `identity-links-sql.ts`), when the store keeps one. */
  readonly identityTable?: string;
  readonly select: SqlSelect;
  /** Like `select`, but rows come back as arrays (cheaper for the one-row-per-message query). */
  readonly selectArrays: SqlSelectArrays;
  /**
   * Runs one SELECT and hands each row, as an array, to `onRow` (as the driver reads them, where it can,
   * so rows need not all be held at once); resolves the number of rows.
   */
  readonly eachArray: (sql: string, values: unknown[], onRow: (row: unknown[]) => void) => Promise<number>;
}
