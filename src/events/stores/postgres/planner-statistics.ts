import type pg from 'pg';
import { withTransaction } from './transaction.js';

/**
 * When the PostgreSQL store runs ANALYZE itself: `'auto'` (the default) before folding a campaign when
 * the events table was never analyzed or changed a lot since; `'off'` never (leave it to autovacuum or
 * your own maintenance jobs).
 */
export type AnalyzeMode = 'auto' | 'off';

/** The analyze modes, for option checks. */
export const ANALYZE_MODES: readonly AnalyzeMode[] = ['auto', 'off'];

/** A small sample (3,000 rows instead of 30,000) is enough for the fold's plans and reads a tenth of the pages. */
const QUICK_STATISTICS_TARGET = 10;
/** Rows changed since the last ANALYZE, beyond a fifth of the table, that make its statistics stale. */
const STALE_AFTER_ROWS = 1000;

/**
 * Keeps the planner's statistics of the events table fresh enough for the campaign fold. Right after a
 * bulk load, before autovacuum catches up, the planner would guess one row per campaign and pick nested
 * loops that take minutes instead of a hash join that takes a second: so before a fold, the table (and
 * its status rollup) is analyzed when it was never analyzed or changed a lot since.
 */
export class PlannerStatistics {
  readonly #mode: AnalyzeMode;
  readonly #tables: readonly string[];
  #insertedSinceAnalyze = 0;

  /** Watches `tables` (quoted names, the events table first) in the given mode. */
  constructor(mode: AnalyzeMode, tables: readonly [string, ...string[]]) {
    this.#mode = mode;
    this.#tables = tables;
  }

  /**
   * Counts rows this store inserted: the statistics views lag by up to a second or so, so a fold right
   * after a bulk load would otherwise not see it.
   */
  noteInserted(rows: number): void {
    this.#insertedSinceAnalyze += rows;
  }

  /** Runs ANALYZE when the mode is `'auto'` and the events table's statistics are missing or stale. */
  async refreshIfStale(pool: pg.Pool): Promise<void> {
    if (this.#mode === 'off') return;
    const [table] = this.#tables;
    const { rows } = await pool.query<{ reltuples: number; never: boolean; modified: number }>(
      `SELECT c.reltuples::float8 AS reltuples,
          coalesce(s.last_analyze, s.last_autoanalyze) IS NULL AS never,
          coalesce(s.n_mod_since_analyze, 0)::float8 AS modified
       FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
       WHERE c.oid = $1::regclass`,
      [table],
    );
    const stats = rows[0];
    if (!stats) return;
    const modified = Math.max(Number(stats.modified), this.#insertedSinceAnalyze);
    if (!stats.never && modified <= STALE_AFTER_ROWS + Math.max(0, Number(stats.reltuples)) / 5) return;
    await withTransaction(pool, async (client) => {
      // Autovacuum's own ANALYZE refines the statistics later.
      await client.query(`SET LOCAL default_statistics_target = ${QUICK_STATISTICS_TARGET}`);
      for (const name of this.#tables) await client.query(`ANALYZE ${name}`);
    });
    this.#insertedSinceAnalyze = 0;
  }
}
