import { beforeAll, describe, expect, it } from 'vitest';
import {
  retryDeadlocks,
  withClientTransaction,
  withTransaction,
} from '../../../../src/events/stores/postgres/transaction.js';
import { postgresTestSchema } from '../../../helpers/postgres-test-schema.js';

describe('retryDeadlocks (simulated codes)', () => {
  const conflict = (code: string) => Object.assign(new Error(`conflict ${code}`), { code });

  it('runs again after a deadlock (40P01) or serialization failure (40001), then resolves', async () => {
    let calls = 0;
    const result = await retryDeadlocks(async () => {
      calls++;
      if (calls === 1) throw conflict('40P01');
      if (calls === 2) throw conflict('40001');
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('throws any other error at once, as it is', async () => {
    let calls = 0;
    const error = conflict('23505');
    await expect(
      retryDeadlocks(async () => {
        calls++;
        throw error;
      }),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
  });

  it('gives up after 5 attempts with the last deadlock error', async () => {
    let calls = 0;
    await expect(
      retryDeadlocks(async () => {
        calls++;
        throw conflict('40P01');
      }),
    ).rejects.toMatchObject({ code: '40P01', message: 'conflict 40P01' });
    expect(calls).toBe(5);
  });
});

const { available: postgresUp, schema, pool } = await postgresTestSchema('test_tx', { max: 3 });
const table = `"${schema}".accounts`;

beforeAll(async () => {
  if (!postgresUp) return;
  await pool.query(`CREATE SCHEMA "${schema}"`);
  await pool.query(`CREATE TABLE ${table} (id int PRIMARY KEY, balance int NOT NULL)`);
});
async function balances(): Promise<Record<number, number>> {
  const { rows } = await pool.query<{ id: number; balance: number }>(`SELECT id, balance FROM ${table}`);
  return Object.fromEntries(rows.map((row) => [row.id, row.balance]));
}

async function reset(accounts: Record<number, number>): Promise<void> {
  await pool.query(`TRUNCATE ${table}`);
  for (const [id, balance] of Object.entries(accounts)) {
    await pool.query(`INSERT INTO ${table} VALUES ($1, $2)`, [Number(id), balance]);
  }
}

/** A promise and the function that resolves it. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}

/**
 * Moves 1 from `from` to `to` in a transaction that locks `from`'s row first, tells `locked`, and waits
 * for `proceed` before locking `to`'s: two of them in opposite directions deadlock.
 */
function transfer(
  from: number,
  to: number,
  locked: () => void,
  proceed: Promise<unknown>,
  attempts: { count: number },
  retry: boolean,
): Promise<void> {
  return withTransaction(
    pool,
    async (client) => {
      attempts.count++;
      await client.query(`UPDATE ${table} SET balance = balance - 1 WHERE id = $1`, [from]);
      locked();
      await proceed;
      await client.query(`UPDATE ${table} SET balance = balance + 1 WHERE id = $1`, [to]);
    },
    { retryDeadlocks: retry },
  );
}

describe.runIf(postgresUp)('withTransaction (real server)', () => {
  it('commits what fn did and resolves its result', async () => {
    await reset({ 1: 10 });
    const result = await withTransaction(pool, async (client) => {
      await client.query(`UPDATE ${table} SET balance = 7 WHERE id = 1`);
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(await balances()).toEqual({ 1: 7 });
  });

  it('rolls back everything fn did when it throws, rethrows the same error, and frees the connection', async () => {
    await reset({ 1: 10, 2: 10 });
    const failure = new Error('halfway');
    await expect(
      withTransaction(pool, async (client) => {
        await client.query(`UPDATE ${table} SET balance = 0 WHERE id = 1`);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await balances()).toEqual({ 1: 10, 2: 10 });
    expect(pool.totalCount - pool.idleCount).toBe(0);
    // The connection went back clean: no transaction left open on it.
    for (let i = 0; i < pool.totalCount; i++) {
      const { rows } = await pool.query('SELECT now() = statement_timestamp() AS outside');
      expect(rows[0].outside).toBe(true);
    }
  });

  it('rolls back when the server rejects a statement (a failed transaction never commits)', async () => {
    await reset({ 1: 10 });
    await expect(
      withTransaction(pool, async (client) => {
        await client.query(`UPDATE ${table} SET balance = 3 WHERE id = 1`);
        await client.query(`INSERT INTO ${table} VALUES (1, 1)`); // duplicate key
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await balances()).toEqual({ 1: 10 });
  });

  it('runs a read-only snapshot: a write inside it fails and nothing is written', async () => {
    await reset({ 1: 10 });
    await expect(
      withTransaction(
        pool,
        async (client) => {
          await client.query(`UPDATE ${table} SET balance = 0 WHERE id = 1`);
        },
        { readOnlySnapshot: true },
      ),
    ).rejects.toMatchObject({ code: '25006' });
    expect(await balances()).toEqual({ 1: 10 });
  });

  it('without retryDeadlocks, a real deadlock between two connections fails one side with 40P01', async () => {
    await reset({ 1: 10, 2: 10 });
    const a = signal();
    const b = signal();
    const attempts = { count: 0 };
    const both = Promise.all([b.promise, a.promise]).then(() => {});
    const results = await Promise.allSettled([
      transfer(1, 2, a.fire, both, attempts, false),
      transfer(2, 1, b.fire, both, attempts, false),
    ]);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toMatchObject({ code: '40P01' });
    expect(attempts.count).toBe(2);
    // The victim rolled back whole; the other transfer committed.
    const after = await balances();
    expect(after[1]! + after[2]!).toBe(20);
    expect(Math.abs(after[1]! - 10)).toBe(1);
  });

  it('with retryDeadlocks, the deadlock victim runs again and both transfers commit', async () => {
    await reset({ 1: 10, 2: 10 });
    const a = signal();
    const b = signal();
    const attempts = { count: 0 };
    const both = Promise.all([b.promise, a.promise]).then(() => {});
    await Promise.all([
      transfer(1, 2, a.fire, both, attempts, true),
      transfer(2, 1, b.fire, both, attempts, true),
    ]);
    expect(attempts.count).toBe(3);
    expect(await balances()).toEqual({ 1: 10, 2: 10 });
  });

  it('withClientTransaction uses a connection you hold and leaves it open', async () => {
    await reset({ 1: 10 });
    const client = await pool.connect();
    try {
      await expect(
        withClientTransaction(client, async (c) => {
          await c.query(`UPDATE ${table} SET balance = 1 WHERE id = 1`);
          throw new Error('no');
        }),
      ).rejects.toThrow('no');
      await withClientTransaction(client, async (c) => {
        await c.query(`UPDATE ${table} SET balance = 2 WHERE id = 1`);
      });
      const { rows } = await client.query(`SELECT balance FROM ${table}`);
      expect(rows).toEqual([{ balance: 2 }]);
    } finally {
      client.release();
    }
  });
});
