import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

/** Options of {@link withTransaction}. */
export interface TransactionOptions {
  /**
   * Run the whole transaction again (up to 5 attempts, after a short random pause) when PostgreSQL aborts
   * it as a deadlock victim (`40P01`) or for a serialization failure (`40001`). Only for a `fn` that can
   * safely run twice: the aborted attempt rolled back whole, so idempotent writes qualify.
   */
  retryDeadlocks?: boolean;
  /** A read-only snapshot (`REPEATABLE READ READ ONLY`): every query of `fn` sees the same data. */
  readOnlySnapshot?: boolean;
}

const MAX_ATTEMPTS = 5;
const DEADLOCK_DETECTED = '40P01';
const SERIALIZATION_FAILURE = '40001';

/** Whether PostgreSQL aborted the statement or transaction as a deadlock victim or serialization failure. */
function isRetryableConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === DEADLOCK_DETECTED || code === SERIALIZATION_FAILURE;
}

/**
 * Runs `attempt` again when PostgreSQL aborts it with a deadlock (`40P01`) or serialization failure
 * (`40001`), up to 5 attempts with a short random pause between them; any other error, or the last
 * attempt's, is thrown as it is. For one statement outside a transaction block, or a whole transaction.
 */
export async function retryDeadlocks<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= MAX_ATTEMPTS || !isRetryableConflict(error)) throw error;
      // Random, so the two sides of a deadlock do not collide again in step.
      await sleep(Math.random() * 20 * n);
    }
  }
}

/**
 * Runs `fn` inside BEGIN … COMMIT on `client` (a connection you hold), with ROLLBACK when `fn` or COMMIT
 * throws (the error is rethrown as it is). The one place the PostgreSQL store writes BEGIN, COMMIT and
 * ROLLBACK.
 */
export async function withClientTransaction<T, C extends pg.ClientBase>(
  client: C,
  fn: (client: C) => Promise<T>,
  options: Pick<TransactionOptions, 'readOnlySnapshot'> = {},
): Promise<T> {
  await client.query(options.readOnlySnapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
  try {
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/**
 * Runs `fn` in one transaction on a connection of `pool` ({@link withClientTransaction}); the connection
 * goes back to the pool either way. With `retryDeadlocks`, a transaction PostgreSQL aborts as a deadlock
 * victim runs again from the start ({@link retryDeadlocks}).
 *
 * @example
 * ```ts
 * const total = await withTransaction(pool, async (client) => {
 *   await client.query('INSERT INTO t VALUES (1)');
 *   return (await client.query('SELECT count(*)::int AS n FROM t')).rows[0].n;
 * }, { retryDeadlocks: true });
 * ```
 */
export function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const once = async (): Promise<T> => {
    const client = await pool.connect();
    try {
      return await withClientTransaction(client, fn, options);
    } finally {
      client.release();
    }
  };
  return options.retryDeadlocks ? retryDeadlocks(once) : once();
}
