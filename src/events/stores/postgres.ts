import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ConfigError } from '../../errors/index.js';
import type { CampaignMetrics, MetricsQuery } from '../../metrics/campaign-metrics.js';
import type { CampaignFacts } from '../../metrics/message-facts.js';
import type { StatusSummary } from '../../metrics/status-summary.js';
import type { EventChanges, EventCursor } from '../event-changes.js';
import type { EventFilter, EventStore } from '../event-store.js';
import type { IdentityLinks } from '../identity-links.js';
import { normalizeRecipientId } from '../recipient-id.js';
import type { StoredEvent } from '../stored-event.js';
import { assertStoredEvents } from '../stored-event-schema.js';
import { loadCampaignFacts } from './sql/campaign-facts-sql.js';
import { latestCursorSql, readSinceSql, type SqlChangeSource } from './sql/change-feed-sql.js';
import { eventFilterConditions } from './sql/event-filter-sql.js';
import {
  EVENT_COLUMN_TYPES,
  EVENT_COLUMNS,
  fromEventRow,
  type StoredEventRow,
  toEventRow,
} from './sql/event-row.js';
import { quoteIdentifier } from './sql/identifier.js';
import {
  identityLinksFromRows,
  identityLinksTableName,
  identityPairsOf,
  idsToLookUp,
  missingLinkRows,
  selectLinksSql,
} from './sql/identity-links-sql.js';
import { assertKnownOptions } from './sql/options.js';
import { migratePostgres } from './sql/postgres-schema.js';
import { SqlParams } from './sql/sql-params.js';
import {
  foldStatusRollups,
  mergeStatusRollupSql,
  STATUS_ROLLUP_COLUMNS,
  statusRollupTableName,
  statusRollupValues,
} from './sql/status-rollup.js';
import { summarizeCampaign } from './sql/summarize-campaign.js';

/** Options of {@link PostgresEventStore}. */
export interface PostgresEventStoreOptions {
  /** A pg pool to use; the store never ends it. */
  pool?: pg.Pool;
  /** A connection string for a pool the store creates and owns (default: the `DATABASE_URL` env var). */
  connectionString?: string;
  /** The schema holding the tables, created when missing (default `public`). */
  schema?: string;
  /** The events table (default `wacloud_events`): letters, digits and `_`. */
  tableName?: string;
  /** Check appended events against `storedEventSchema` (default `true`; turn off only for trusted bulk loads). */
  validate?: boolean;
  /** Rows per INSERT statement when appending many events (default 5000). */
  batchSize?: number;
}

const OPTION_KEYS = ['pool', 'connectionString', 'schema', 'tableName', 'batchSize', 'validate'] as const;
const SCAN_PAGE_SIZE = 2000;
const FOLD_WORK_MEM = '64MB';
const QUICK_STATISTICS_TARGET = 10;
const MAX_WRITE_ATTEMPTS = 5;
const DEADLOCK_DETECTED = '40P01';
const SERIALIZATION_FAILURE = '40001';
/** How each column is read from one row of the batch (a JSON array of the row's values). */
function jsonColumn(type: (typeof EVENT_COLUMN_TYPES)[number], index: number): string {
  const text = `r->>${index}`;
  switch (type) {
    case 'text':
      return text;
    case 'at':
      // Exact integer milliseconds (a float division could round to a neighbouring microsecond).
      return `'epoch'::timestamptz + (${text})::bigint * interval '1 millisecond'`;
    case 'integer':
      return `(${text})::int4`;
    case 'real':
      return `(${text})::float8`;
    case 'boolean':
      return `(${text})::boolean`;
    case 'json':
      return `(${text})::jsonb`;
  }
}

/** Columns read back, with `at` as epoch ms and `extra` as text so custom pg type parsers cannot interfere. */
function selectColumns(alias: string): string {
  return [
    `${alias}.id::text AS id`,
    ...EVENT_COLUMNS.map((column) => {
      if (column === 'at') return `floor(extract(epoch FROM ${alias}.at) * 1000)::float8 AS at`;
      if (column === 'extra') return `${alias}.extra::text AS extra`;
      return `${alias}.${column}`;
    }),
  ].join(', ');
}

/**
 * An {@link EventStore} in PostgreSQL (pg), shared by any number of processes. Creates or upgrades its
 * versioned schema on first use (in a transaction under an advisory lock), inserts in batched
 * multi-row statements that skip events already stored (a unique `eventKey` column), and pages
 * through scans so memory stays bounded.
 *
 * @example
 * ```ts
 * import { PostgresEventStore } from 'wacloud/postgres';
 * const store = new PostgresEventStore({ connectionString: process.env.DATABASE_URL });
 * // ...
 * await store.close();
 * ```
 */
export class PostgresEventStore implements EventStore {
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #schemaName: string;
  readonly #tableName: string;
  readonly #table: string;
  readonly #validate: boolean;
  readonly #batchSize: number;
  readonly #insertSql: string;
  readonly #upsertRollupSql: (parameter: string) => string;
  readonly #rollupTable: string;
  readonly #identityTable: string;
  #ready: Promise<void> | undefined;
  #insertedSinceAnalyze = 0;

  constructor(options: PostgresEventStoreOptions = {}) {
    assertKnownOptions(options, OPTION_KEYS, 'PostgresEventStore');
    const { pool, schema = 'public', tableName = 'wacloud_events', batchSize = 5000 } = options;
    if (pool !== undefined && options.connectionString !== undefined) {
      throw new ConfigError('PostgresEventStore takes `pool` or `connectionString`, not both');
    }
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 50_000) {
      throw new ConfigError('PostgresEventStore: `batchSize` must be an integer from 1 to 50000');
    }
    this.#validate = options.validate ?? true;
    this.#table = `${quoteIdentifier(schema, 'schema')}.${quoteIdentifier(tableName, 'tableName')}`;
    this.#schemaName = schema;
    this.#tableName = tableName;
    this.#batchSize = batchSize;
    if (pool !== undefined) {
      this.#pool = pool;
      this.#ownsPool = false;
    } else {
      const connectionString = options.connectionString ?? process.env.DATABASE_URL;
      if (!connectionString) {
        throw new ConfigError('PostgresEventStore needs `pool` or `connectionString` (or set DATABASE_URL)');
      }
      this.#pool = new pg.Pool({ connectionString });
      this.#ownsPool = true;
    }
    // One JSON parameter per batch: JSON.stringify is native and PostgreSQL parses it once (jsonb), far
    // cheaper than pg's per-element escaping of one array parameter per column.
    const columns = EVENT_COLUMN_TYPES.map((type, i) => jsonColumn(type, i)).join(', ');
    this.#insertSql = `INSERT INTO ${this.#table} (${EVENT_COLUMNS.join(', ')})
      SELECT ${columns} FROM jsonb_array_elements($1::jsonb) AS r ON CONFLICT (event_key) DO NOTHING`;
    const rollup = `${quoteIdentifier(schema, 'schema')}.${quoteIdentifier(statusRollupTableName(tableName), 'tableName', 63)}`;
    this.#rollupTable = rollup;
    this.#identityTable = `${quoteIdentifier(schema, 'schema')}.${quoteIdentifier(identityLinksTableName(tableName), 'tableName', 63)}`;
    const rollupValues = STATUS_ROLLUP_COLUMNS.map((column, i) =>
      column.startsWith('category_') ? `r->>${i + 1}` : `(r->>${i + 1})::int4`,
    );
    // Sorted by message id, so concurrent appends lock rollup rows in one order and cannot deadlock there.
    this.#upsertRollupSql = (
      parameter,
    ) => `INSERT INTO ${rollup} AS stored (message_id, ${STATUS_ROLLUP_COLUMNS.join(', ')})
      SELECT r->>0, ${rollupValues.join(', ')} FROM jsonb_array_elements(${parameter}::jsonb) AS r ORDER BY 1
      ${mergeStatusRollupSql('postgres')}`;
  }

  /** The pg pool the store queries through. */
  get pool(): pg.Pool {
    return this.#pool;
  }

  /** Creates or upgrades the schema now instead of on first use (safe to call repeatedly). */
  migrate(): Promise<void> {
    this.#ready ??= this.#migrateOnce().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  /** Stores the events (in one transaction when they span several batches), ignoring those already stored. */
  async append(events: StoredEvent[]): Promise<void> {
    await this.#write(events, false);
    await this.#linkIdentities(events);
  }

  /** Stores the events like {@link PostgresEventStore.append} and returns those not stored before, in input order. */
  async appendNew(events: StoredEvent[]): Promise<StoredEvent[]> {
    const inserted = await this.#write(events, true);
    await this.#linkIdentities(events);
    const seen = new Set<string>();
    const fresh: StoredEvent[] = [];
    events.forEach((event, index) => {
      const key = inserted.keys[index] as string;
      if (inserted.added.has(key) && !seen.has(key)) {
        seen.add(key);
        fresh.push(event);
      }
    });
    return fresh;
  }

  /**
   * Streams matching events in ascending `at`, ties in append order, a page at a time (keyset
   * pagination on `(at, id)`, so the store stays usable while you iterate). Unlike the memory store's,
   * this is not a snapshot: an event appended meanwhile may appear if it sorts after the current page.
   */
  async *scan(filter: EventFilter = {}): AsyncIterable<StoredEvent> {
    await this.migrate();
    let after: { at: number; id: string } | undefined;
    for (;;) {
      const params = new SqlParams('postgres');
      const conditions = eventFilterConditions(filter, params);
      if (after)
        conditions.push(`(at, id) > (${params.addInstant(after.at)}, ${params.add(after.id)}::bigint)`);
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
      const { rows } = await this.#pool.query<StoredEventRow>(
        `SELECT ${selectColumns('e')} FROM ${this.#table} e ${where} ORDER BY e.at, e.id LIMIT ${SCAN_PAGE_SIZE}`,
        params.values,
      );
      for (const row of rows) yield fromEventRow(row);
      const last = rows.at(-1);
      if (rows.length < SCAN_PAGE_SIZE || last === undefined) return;
      after = { at: Number(last.at), id: String(last.id) };
    }
  }

  /**
   * Computes a campaign's metrics with the folding pushed down into SQL ({@link PostgresEventStore.campaignFacts}) and
   * the summary shared with the memory store: `computeCampaignMetrics(store, query)` calls this.
   */
  async aggregate(query: MetricsQuery): Promise<CampaignMetrics> {
    return summarizeCampaign(await this.campaignFacts(query), query);
  }

  /**
   * Folds a campaign's events into per-message facts: each send is read with its status rollup (kept up
   * to date on append), the attributable events are selected in SQL, and attribution is left to the
   * shared `CampaignFactsBuilder`: the same facts the memory store computes.
   */
  async campaignFacts(query: MetricsQuery): Promise<CampaignFacts> {
    await this.migrate();
    const client = await this.#pool.connect();
    try {
      await this.#refreshStaleStatistics(client);
      // One snapshot for every query of the fold, so concurrent appends cannot skew it.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // The fold's hash joins and aggregates over a whole campaign: JIT compilation costs more than it
      // saves here, and the default 4 MB work_mem makes them spill to disk.
      await client.query(`SET LOCAL jit = off`);
      await client.query(`SET LOCAL work_mem = '${FOLD_WORK_MEM}'`);
      const facts = await loadCampaignFacts(
        {
          dialect: 'postgres',
          table: this.#table,
          eventColumns: selectColumns('e'),
          rollupTable: this.#rollupTable,
          identityTable: this.#identityTable,
          select: async (sql, values) => (await client.query<StoredEventRow>(sql, values)).rows,
          selectArrays: async (sql, values) =>
            (await client.query<unknown[]>({ text: sql, values, rowMode: 'array' })).rows,
          eachArray: async (sql, values, onRow) => {
            const { rows } = await client.query<unknown[]>({ text: sql, values, rowMode: 'array' });
            for (const row of rows) onRow(row);
            return rows.length;
          },
        },
        query,
      );
      await client.query('COMMIT');
      return facts;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Which ids are one person (phone numbers and business-scoped user ids), from the identity table kept
   * up to date on append: the groups of `recipientIds`, or every group when omitted.
   */
  async identityLinks(recipientIds?: readonly string[]): Promise<IdentityLinks> {
    await this.migrate();
    if (recipientIds === undefined) {
      const { rows } = await this.#pool.query<[string, string]>({
        text: `SELECT id_key, linked_key FROM ${this.#identityTable}`,
        rowMode: 'array',
      });
      return identityLinksFromRows(rows);
    }
    return identityLinksFromRows(await this.#selectLinks(this.#pool, recipientIds.map(normalizeRecipientId)));
  }

  /**
   * Adds the pairs of ids the events tie together to the identity table, keeping each person's group
   * whole. Usually one look-up finds them all linked already; otherwise the groups are read again and
   * completed under a lock, so two processes linking one person at once cannot leave it split. Derived
   * from every given event (not only new ones), so a retried append also repairs an interrupted link.
   */
  async #linkIdentities(events: StoredEvent[]): Promise<void> {
    const pairs = identityPairsOf(events);
    if (pairs.length === 0) return;
    const known = await this.#selectLinks(this.#pool, idsToLookUp(pairs, []));
    if (missingLinkRows(known, pairs).length === 0) return;
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`wacloud:identity:${this.#table}`]);
      const first = await this.#selectLinks(client, idsToLookUp(pairs, []));
      const missing = missingLinkRows(await this.#selectLinks(client, idsToLookUp(pairs, first)), pairs);
      if (missing.length > 0) {
        await client.query(
          `INSERT INTO ${this.#identityTable} (id_key, linked_key)
          SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
          [missing.map(([a]) => a), missing.map(([, b]) => b)],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async #selectLinks(db: pg.Pool | pg.PoolClient, ids: readonly string[]): Promise<[string, string][]> {
    const { sql, values } = selectLinksSql(this.#identityTable, 'postgres', ids);
    return (await db.query<[string, string]>({ text: sql, values, rowMode: 'array' })).rows;
  }

  /** The events appended after `cursor`, in id order (holes re-read for a while); see `EventStore.readSince`. */
  async readSince(cursor: EventCursor | undefined, limit: number): Promise<EventChanges> {
    await this.migrate();
    return readSinceSql(this.#changeSource(), cursor, limit);
  }

  /** A cursor a little before the newest event stored now (see `latestCursorSql`). */
  async latestCursor(): Promise<EventCursor> {
    await this.migrate();
    return latestCursorSql(this.#changeSource());
  }

  #changeSource(): SqlChangeSource {
    return {
      dialect: 'postgres',
      table: this.#table,
      columns: selectColumns('e'),
      select: async (sql, values) => (await this.#pool.query<StoredEventRow>(sql, values)).rows,
    };
  }

  /** Ends the pool if the store created it (a `pool` you passed in stays open). */
  async close(): Promise<void> {
    if (this.#ownsPool) await this.#pool.end();
  }

  /**
   * Runs ANALYZE on the table when it was never analyzed or changed a lot since: right after a bulk
   * load, before autovacuum catches up, the planner would otherwise guess one row per campaign and pick
   * nested loops that take minutes instead of a hash join that takes a second.
   */
  async #refreshStaleStatistics(client: pg.PoolClient): Promise<void> {
    const { rows } = await client.query<{ reltuples: number; never: boolean; modified: number }>(
      `SELECT c.reltuples::float8 AS reltuples,
          coalesce(s.last_analyze, s.last_autoanalyze) IS NULL AS never,
          coalesce(s.n_mod_since_analyze, 0)::float8 AS modified
       FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
       WHERE c.oid = $1::regclass`,
      [this.#table],
    );
    const stats = rows[0];
    if (!stats) return;
    // The statistics views lag by up to a second or so: also count what this store inserted itself.
    const modified = Math.max(Number(stats.modified), this.#insertedSinceAnalyze);
    if (stats.never || modified > 1000 + Math.max(0, Number(stats.reltuples)) / 5) {
      // A small sample (3,000 rows instead of 30,000) is enough for the fold's plans and reads a tenth of
      // the pages; autovacuum's own ANALYZE refines the statistics later.
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL default_statistics_target = ${QUICK_STATISTICS_TARGET}`);
        await client.query(`ANALYZE ${this.#table}`);
        await client.query(`ANALYZE ${this.#rollupTable}`);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
      this.#insertedSinceAnalyze = 0;
    }
  }

  async #migrateOnce(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await migratePostgres(client, this.#schemaName, this.#tableName);
    } finally {
      client.release();
    }
  }

  /**
   * Validates, then inserts (see {@link PostgresEventStore.append}). Concurrent appends of overlapping
   * events can deadlock on the unique key (each waits for the other's uncommitted copy); PostgreSQL
   * then aborts one transaction, which is retried: it rolled back whole, and inserts are idempotent.
   */
  async #write(events: StoredEvent[], returnAdded: boolean): Promise<{ keys: string[]; added: Set<string> }> {
    if (this.#validate) assertStoredEvents(events);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#writeOnce(events, returnAdded);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt >= MAX_WRITE_ATTEMPTS || (code !== DEADLOCK_DETECTED && code !== SERIALIZATION_FAILURE)) {
          throw error;
        }
        await sleep(Math.random() * 20 * attempt);
      }
    }
  }

  /**
   * Inserts in batches and folds the statuses into the status rollup, atomically (one statement, or one
   * transaction when there are several batches); returns each event's key and the keys added.
   */
  async #writeOnce(
    events: StoredEvent[],
    returnAdded: boolean,
  ): Promise<{ keys: string[]; added: Set<string> }> {
    const keys: string[] = [];
    const added = new Set<string>();
    if (events.length === 0) return { keys, added };
    await this.migrate();
    const sql = returnAdded ? `${this.#insertSql} RETURNING event_key` : this.#insertSql;
    const batchCount = Math.ceil(events.length / this.#batchSize);
    const rollups = new Map<string, StatusSummary>();
    const payload = (batch: number): string => {
      const rows = events.slice(batch * this.#batchSize, (batch + 1) * this.#batchSize).map(toEventRow);
      for (const row of rows) keys.push(row[0] as string);
      foldStatusRollups(rows, rollups);
      return JSON.stringify(rows);
    };
    const first = payload(0);
    const rollupPayload = (): string =>
      JSON.stringify([...rollups].map(([messageId, rollup]) => statusRollupValues(messageId, rollup)));
    if (batchCount === 1 && rollups.size > 0) {
      // One statement stores the events and merges their statuses into the rollup: atomic without a
      // transaction block, in one round trip (the usual webhook append).
      const result = await this.#pool.query<{ event_key: string; inserted: number }>(
        `WITH inserted AS (${this.#insertSql} RETURNING event_key),
          merged AS (${this.#upsertRollupSql('$2')})
        ${returnAdded ? 'SELECT event_key FROM inserted' : 'SELECT count(*)::int AS inserted FROM inserted'}`,
        [first, rollupPayload()],
      );
      if (returnAdded) for (const row of result.rows) added.add(row.event_key);
      this.#insertedSinceAnalyze += returnAdded ? result.rows.length : (result.rows[0]?.inserted ?? 0);
      return { keys, added };
    }
    // Several batches go in one transaction (all or nothing), their status rollup too; without
    // `validate`, a bad event found while mapping a later batch rolls the earlier ones back.
    const inTransaction = batchCount > 1;
    const client = await this.#pool.connect();
    try {
      if (inTransaction) await client.query('BEGIN');
      let pending = client.query<{ event_key: string }>(sql, [first]);
      for (let batch = 1; batch <= batchCount; batch++) {
        // Map the next batch while the server inserts this one.
        let next: string | undefined;
        try {
          next = batch < batchCount ? payload(batch) : undefined;
        } finally {
          const result = await pending;
          for (const row of result.rows) added.add(row.event_key);
          this.#insertedSinceAnalyze += result.rowCount ?? 0;
        }
        if (next !== undefined) pending = client.query<{ event_key: string }>(sql, [next]);
      }
      if (rollups.size > 0) await client.query(this.#upsertRollupSql('$1'), [rollupPayload()]);
      if (inTransaction) await client.query('COMMIT');
    } catch (error) {
      if (inTransaction) await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    return { keys, added };
  }
}
