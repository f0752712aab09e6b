import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { postgresRequired, TEST_DATABASE_URL } from './test-services.js';

/** A PostgreSQL test file's own schema and pool (see {@link postgresTestSchema}). */
export interface PostgresTestSchema {
  /** Whether PostgreSQL answers ({@link postgresRequired}: false only outside CI, where the tests skip). */
  readonly available: boolean;
  /** A schema name no other test file or run uses: `wacloud_<label>_<pid>_<random>`. */
  readonly schema: string;
  /** A pool on {@link TEST_DATABASE_URL}. */
  readonly pool: pg.Pool;
}

/**
 * A schema of its own and a pool for one PostgreSQL test file. Call it at the top of the file: it
 * registers the cleanup with `afterAll` (the schema dropped, the pool ended), which runs after the
 * file's own `afterAll` hooks registered later (vitest runs them as a stack), so those may still use
 * the pool.
 */
export async function postgresTestSchema(
  label: string,
  options: { max?: number } = {},
): Promise<PostgresTestSchema> {
  const available = await postgresRequired();
  const schema = `wacloud_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: options.max ?? 2 });
  afterAll(async () => {
    if (available) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
  return { available, schema, pool };
}
