import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../../src/errors/index.js';
import type { StoredEvent } from '../../../src/events/stored-event.js';
import { PostgresEventStore } from '../../../src/events/stores/postgres.js';
import { EVENT_COLUMNS, toEventRow } from '../../../src/events/stores/sql/event-row.js';
import { migratePostgres, POSTGRES_SCHEMA_VERSION } from '../../../src/events/stores/sql/postgres-schema.js';
import { serviceRequired, TEST_DATABASE_URL } from '../../helpers/test-services.js';
import { generateCampaignStream } from './sql/campaign-stream.js';
import { referenceFacts } from './sql/reference-facts.js';
import { describeSqlStoreBehaviour } from './sql/sql-store-behaviour.js';
import { describeEventStoreConformance } from './store-conformance.js';

const connectionString = TEST_DATABASE_URL;
const runId = `${process.pid}_${randomBytes(3).toString('hex')}`;
const schema = `wacloud_test_${runId}`;

async function serverAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    const why = `is unreachable at WACLOUD_TEST_DATABASE_URL (default 127.0.0.1:5432 database test): ${(error as Error).message}`;
    return serviceRequired('PostgreSQL', false, why);
  } finally {
    await client.end().catch(() => {});
  }
}

const available = await serverAvailable();
const pool = new pg.Pool({ connectionString, max: 4 });
let tables = 0;

afterAll(async () => {
  if (available) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

describe.runIf(available)('PostgresEventStore (real server)', () => {
  describeEventStoreConformance(
    'PostgresEventStore',
    async () => new PostgresEventStore({ pool, schema, tableName: `events_${++tables}` }),
  );

  describeSqlStoreBehaviour('postgres', async () => {
    const store = new PostgresEventStore({ pool, schema, tableName: `events_${++tables}` });
    // A shared pool: close() must not end it, so tests may close freely.
    return store;
  });

  it('migrates on first use into a versioned schema, once; a second store finds it done', async () => {
    const tableName = `events_${++tables}`;
    const first = new PostgresEventStore({ pool, schema, tableName });
    await first.append([{ kind: 'opt_in', recipientId: 'r', at: new Date(1) }]);
    const second = new PostgresEventStore({ pool, schema, tableName });
    await second.migrate();
    await second.migrate();
    const { rows } = await pool.query(
      `SELECT version FROM "${schema}".wacloud_schema_version WHERE table_name = $1`,
      [tableName],
    );
    expect(rows).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
    const events: StoredEvent[] = [];
    for await (const event of second.scan({})) events.push(event);
    expect(events).toEqual([{ kind: 'opt_in', recipientId: 'r', at: new Date(1) }]);
    const indexes = await pool.query(
      'SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2',
      [schema, tableName],
    );
    expect(indexes.rows.map((r) => r.indexname).sort()).toEqual(
      [
        `${tableName}_at_idx`,
        `${tableName}_campaign_at_idx`,
        `${tableName}_context_idx`,
        `${tableName}_engagement_idx`,
        `${tableName}_held_out_idx`,
        `${tableName}_message_idx`,
        `${tableName}_optout_idx`,
        `${tableName}_optout_long_idx`,
        `${tableName}_pkey`,
        `${tableName}_recipient_at_idx`,
        `${tableName}_send_failed_idx`,
      ].sort(),
    );
  });

  it('upgrades a version-1 table: the status rollup is built from the statuses already stored', async () => {
    const tableName = `events_${++tables}`;
    const events = generateCampaignStream({ messages: 200, seed: 41 });
    const client = await pool.connect();
    try {
      expect(await migratePostgres(client, schema, tableName, 1)).toBe(0);
      const values = events.map((event) => {
        const row = toEventRow(event);
        return row.map((value, i) => (EVENT_COLUMNS[i] === 'at' ? new Date(value as number) : value));
      });
      const width = EVENT_COLUMNS.length;
      for (let i = 0; i < values.length; i += 500) {
        const batch = values.slice(i, i + 500);
        const tuples = batch.map(
          (_, r) => `(${EVENT_COLUMNS.map((__, c) => `$${r * width + c + 1}`).join(', ')})`,
        );
        await client.query(
          `INSERT INTO "${schema}"."${tableName}" (${EVENT_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}
           ON CONFLICT (event_key) DO NOTHING`,
          batch.flat(),
        );
      }
    } finally {
      client.release();
    }
    const store = new PostgresEventStore({ pool, schema, tableName });
    await store.migrate();
    const { rows } = await pool.query(
      `SELECT version FROM "${schema}".wacloud_schema_version WHERE table_name = $1`,
      [tableName],
    );
    expect(rows).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
    const rollups = await pool.query(
      `SELECT count(*)::int AS n FROM "${schema}"."${tableName}_status_rollup"`,
    );
    expect(rollups.rows[0].n).toBe(
      new Set(events.flatMap((e) => (e.kind === 'status' ? [e.messageId] : []))).size,
    );
    expect(await store.campaignFacts({ campaignId: 'spring' })).toEqual(
      referenceFacts(events, { campaignId: 'spring' }),
    );
  });

  it('survives several processes starting at once on a fresh schema (advisory lock)', async () => {
    const freshSchema = `${schema}_race`;
    const stores = Array.from(
      { length: 4 },
      (_, i) =>
        new PostgresEventStore({
          connectionString,
          schema: freshSchema,
          tableName: i % 2 ? 'a_events' : 'b_events',
        }),
    );
    try {
      await Promise.all(
        stores.map((store, i) => store.append([{ kind: 'opt_in', recipientId: `r${i}`, at: new Date(i) }])),
      );
      const { rows } = await pool.query(
        `SELECT table_name, version FROM "${freshSchema}".wacloud_schema_version ORDER BY table_name`,
      );
      expect(rows).toEqual([
        { table_name: 'a_events', version: POSTGRES_SCHEMA_VERSION },
        { table_name: 'b_events', version: POSTGRES_SCHEMA_VERSION },
      ]);
      const count = await pool.query(`SELECT count(*)::int AS n FROM "${freshSchema}".a_events`);
      expect(count.rows[0].n).toBe(2);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await pool.query(`DROP SCHEMA IF EXISTS "${freshSchema}" CASCADE`);
    }
  });

  it('dedupes across batch boundaries and returns appendNew in input order', async () => {
    const store = new PostgresEventStore({
      pool,
      schema,
      tableName: `events_${++tables}`,
      batchSize: 7,
      copyThreshold: 1,
    });
    const events: StoredEvent[] = Array.from({ length: 30 }, (_, i) => ({
      kind: 'status',
      messageId: `m${i % 20}`,
      status: 'sent',
      at: new Date(1000 + i),
    }));
    const fresh = await store.appendNew(events);
    expect(fresh).toEqual(events.slice(0, 20));
    expect(await store.appendNew(events)).toEqual([]);
  });

  it('lets concurrent writers append overlapping events in opposite orders (deadlocks are retried)', async () => {
    const tableName = `events_${++tables}`;
    const a = new PostgresEventStore({ pool, schema, tableName, batchSize: 50 });
    const b = new PostgresEventStore({ pool, schema, tableName, batchSize: 50 });
    await a.migrate();
    const events: StoredEvent[] = Array.from({ length: 400 }, (_, i) => ({
      kind: 'status',
      messageId: `m${i}`,
      status: 'sent',
      at: new Date(1000 + i),
    }));
    const [fromA, fromB] = await Promise.all([a.appendNew(events), b.appendNew([...events].reverse())]);
    expect(fromA.length + fromB.length).toBe(400);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}"."${tableName}"`);
    expect(rows[0].n).toBe(400);
  });

  it('rolls back every batch of an append when a later batch turns out bad (validate: false)', async () => {
    const store = new PostgresEventStore({
      pool,
      schema,
      tableName: `events_${++tables}`,
      batchSize: 3,
      copyThreshold: 1,
      validate: false,
    });
    const events: StoredEvent[] = Array.from({ length: 10 }, (_, i) => ({
      kind: 'opt_in',
      recipientId: `r${i}`,
      at: new Date(i === 8 ? Number.NaN : 1000 + i),
    }));
    await expect(store.append(events)).rejects.toBeInstanceOf(ValidationError);
    const stored: StoredEvent[] = [];
    for await (const event of store.scan({})) stored.push(event);
    expect(stored).toEqual([]);
  });

  it('refreshes planner statistics after a bulk load before folding a campaign', async () => {
    const tableName = `events_${++tables}`;
    const store = new PostgresEventStore({ pool, schema, tableName });
    const events: StoredEvent[] = Array.from({ length: 3000 }, (_, i) => ({
      kind: 'outbound',
      messageId: `m${i}`,
      recipientId: `r${i}`,
      campaignId: 'c',
      at: new Date(1000 + i),
    }));
    await store.append(events);
    const facts = await store.campaignFacts({ campaignId: 'c' });
    expect(facts.messages).toHaveLength(3000);
    const { rows } = await pool.query(
      'SELECT reltuples::float8 AS n FROM pg_class WHERE oid = $1::regclass',
      [`"${schema}"."${tableName}"`],
    );
    expect(rows[0].n).toBe(3000);
  });

  describe('analyze option', () => {
    /** A pool whose connections record the text of every query sent through them. */
    function recordingPool(sent: string[]): pg.Pool {
      class RecordingClient extends pg.Client {
        // biome-ignore lint/suspicious/noExplicitAny: pg.Client.query has many overloads; this only records.
        override query(...args: any[]): any {
          const config = args[0];
          sent.push(typeof config === 'string' ? config : String(config?.text ?? ''));
          return (super.query as (...a: unknown[]) => unknown)(...args);
        }
      }
      return new pg.Pool({ connectionString, max: 2, Client: RecordingClient });
    }

    async function analyzeCount(tableName: string): Promise<number> {
      const { rows } = await pool.query(
        'SELECT analyze_count::int AS n FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2',
        [schema, tableName],
      );
      return rows[0]?.n ?? 0;
    }

    const bulk: StoredEvent[] = Array.from({ length: 3000 }, (_, i) => ({
      kind: 'outbound',
      messageId: `m${i}`,
      recipientId: `r${i}`,
      campaignId: 'c',
      at: new Date(1000 + i),
    }));

    it("'auto' (the default) analyzes the fresh tables before folding a campaign", async () => {
      const sent: string[] = [];
      const recording = recordingPool(sent);
      const tableName = `events_${++tables}`;
      try {
        const store = new PostgresEventStore({ pool: recording, schema, tableName });
        await store.append(bulk);
        expect((await store.campaignFacts({ campaignId: 'c' })).messages).toHaveLength(3000);
        expect(sent.filter((sql) => /^ANALYZE /.test(sql))).toEqual([
          `ANALYZE "${schema}"."${tableName}"`,
          `ANALYZE "${schema}"."${tableName}_status_rollup"`,
        ]);
        await expect.poll(() => analyzeCount(tableName), { timeout: 5000 }).toBe(1);
        // Fresh statistics now: a second fold does not analyze again.
        await store.campaignFacts({ campaignId: 'c' });
        expect(sent.filter((sql) => /^ANALYZE /.test(sql))).toHaveLength(2);
      } finally {
        await recording.end();
      }
    });

    it("'off' never runs ANALYZE, even right after a bulk load", async () => {
      const sent: string[] = [];
      const recording = recordingPool(sent);
      const tableName = `events_${++tables}`;
      try {
        const store = new PostgresEventStore({ pool: recording, schema, tableName, analyze: 'off' });
        await store.append(bulk);
        const facts = await store.campaignFacts({ campaignId: 'c' });
        expect(facts).toEqual(referenceFacts(bulk, { campaignId: 'c' }));
        expect(sent.some((sql) => /ANALYZE/i.test(sql))).toBe(false);
        expect(sent.some((sql) => /pg_stat_user_tables/.test(sql))).toBe(false);
        expect(await analyzeCount(tableName)).toBe(0);
      } finally {
        await recording.end();
      }
    });
  });

  it('ends the pool it created on close, never one it was given', async () => {
    const owned = new PostgresEventStore({ connectionString, schema, tableName: `events_${++tables}` });
    await owned.migrate();
    await owned.close();
    expect(owned.pool.ended).toBe(true);
    const shared = new PostgresEventStore({ pool, schema });
    await shared.close();
    expect(pool.ended).toBe(false);
  });
});

describe('PostgresEventStore options', () => {
  it('rejects unknown keys, bad identifiers, bad batch sizes, and a missing connection', () => {
    expect(() => new PostgresEventStore({ pool, connectionstring: 'x' } as never)).toThrow(ConfigError);
    expect(() => new PostgresEventStore({ pool, schema: 'bad-name' })).toThrow(
      /schema must be a plain SQL identifier/,
    );
    expect(() => new PostgresEventStore({ pool, tableName: '"x"' })).toThrow(/tableName/);
    expect(() => new PostgresEventStore({ pool, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new PostgresEventStore({ pool, analyze: 'sometimes' as never })).toThrow(
      /option "analyze" must be one of auto, off/,
    );
    expect(() => new PostgresEventStore({ pool, connectionString })).toThrow(/not both/);
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      expect(() => new PostgresEventStore({})).toThrow(/DATABASE_URL/);
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
  });

  it('never puts the connection string (and its password) in an error message', () => {
    const secret = 'postgres://user:hunter2@127.0.0.1:5432/test';
    let message = '';
    try {
      new PostgresEventStore({ connectionString: secret, schema: 'no good' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/schema/);
    expect(message).not.toContain('hunter2');
  });
});
