import pg from 'pg';
import type { CampaignFacts } from '../../metrics/message-facts.js';
import type { CampaignMetrics, MetricsQuery } from '../../metrics/metrics-types.js';
import type { StatusSummary } from '../../metrics/status-fold.js';
import { checkCampaignSummaryRange } from '../../metrics/summarize-campaigns.js';
import { assertKnownOptions, invalidOption, optionKeys } from '../../schemas/validate-options.js';
import type { CampaignSummary, CampaignSummaryRange } from '../campaign-summary.js';
import {
  checkPurgeOptions,
  type ErasureSummary,
  missingErasureKey,
  type PurgeOptions,
  type PurgeSummary,
  resolveErasureKey,
} from '../erasure.js';
import type { EventChanges, EventCursor } from '../event-changes.js';
import type { EventFilter, EventStore } from '../event-store.js';
import type { IdentityLinks } from '../identity-links.js';
import { normalizeRecipientId } from '../recipient-id.js';
import type { StoredEvent } from '../stored-event.js';
import { assertStoredEvents } from '../stored-event-schema.js';
import { writeEvents } from './postgres/batched-write.js';
import { campaignMetricsInPostgres, foldCampaignInPostgres } from './postgres/campaign-fold.js';
import { summarizeCampaignsInPostgres } from './postgres/campaign-summaries.js';
import { linkIdentities, readIdentityLinks } from './postgres/identity-linking.js';
import {
  type DroppedPartitions,
  dropPartitionsBefore,
  MonthPartitions,
} from './postgres/monthly-partitions.js';
import { ANALYZE_MODES, type AnalyzeMode, PlannerStatistics } from './postgres/planner-statistics.js';
import { type PostgresStatements, postgresStatements } from './postgres/statements.js';
import { withTransaction } from './postgres/transaction.js';
import { latestCursorSql, readSinceSql, type SqlChangeSource } from './sql/change-feed-sql.js';
import {
  driveAsync,
  erasureProcedure,
  isErasedSql,
  purgeProcedure,
  type SqlPrivacyTables,
  type SqlProcedure,
  type SqlStep,
  tombstoneTableName,
} from './sql/erasure-sql.js';
import type { StoredEventRow } from './sql/event-row.js';
import { quoteIdentifier } from './sql/identifier.js';
import { keysetScan } from './sql/keyset-scan.js';
import { migratePostgres } from './sql/postgres-schema.js';
import { readStatusSummariesPostgres } from './sql/status-summaries-sql.js';

export type { DroppedPartitions } from './postgres/monthly-partitions.js';
export type { AnalyzeMode } from './postgres/planner-statistics.js';

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
  /** Rows mapped and sent at a time when an append goes through COPY (default 5000). */
  batchSize?: number;
  /**
   * Appends of at least this many events are streamed through COPY into a staging table, smaller ones
   * sent as one INSERT statement with the rows as one JSON parameter (default 5000). Measured on a busy
   * 2-core machine, the INSERT was 10–40% faster below 2,000 events and within 10% from 2,000 to 10,000;
   * COPY streams a large append instead of building one huge parameter. `Infinity` never uses COPY.
   */
  copyThreshold?: number;
  /**
   * Whether the store runs ANALYZE on its tables itself (default `'auto'`): before folding a campaign's
   * metrics, when the events table was never analyzed or a fifth of it (plus 1,000 rows) changed since.
   * Right after a bulk load, before autovacuum has caught up, the planner would otherwise misjudge the
   * campaign's size and pick plans that take minutes instead of seconds. `'off'` leaves the statistics
   * to autovacuum (or your own maintenance), for example when the store's role may not ANALYZE.
   */
  analyze?: AnalyzeMode;
  /**
   * Key of the tombstones `eraseRecipient` keeps: at least 16 bytes, kept apart from the database (an
   * attacker with the tables but not the key cannot tell whose number a tombstone is). Default: the
   * `WACLOUD_ERASURE_KEY` environment variable. Without either, `eraseRecipient` throws `ConfigError`.
   * Every process sharing the tables must use the same key, and keep it stable.
   */
  erasureKey?: string | Uint8Array;
}

const OWNER = 'PostgresEventStore';
const OPTION_KEYS = optionKeys<PostgresEventStoreOptions>()({
  pool: true,
  connectionString: true,
  schema: true,
  tableName: true,
  batchSize: true,
  copyThreshold: true,
  validate: true,
  analyze: true,
  erasureKey: true,
});
const SCAN_PAGE_SIZE = 2000;
const DEFAULT_COPY_THRESHOLD = 5000;

/**
 * An {@link EventStore} in PostgreSQL (pg), shared by any number of processes. Creates or upgrades its
 * versioned schema on first use (in a transaction under an advisory lock; call {@link migrate} from a
 * deploy step to do it then instead). The events table is partitioned by month of the event time, the
 * partitions created as events of a new month arrive. A small append is one INSERT statement, a large
 * one goes through COPY when `pg-copy-streams` (an optional peer) is installed; both skip events already stored (the idempotency keys have
 * their own table). Scans page through the table, so memory stays bounded.
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
  /** Runs one SELECT on the pool and resolves its rows as arrays (less for the driver to build than objects). */
  readonly #selectArrays = async (sql: string, values: unknown[]): Promise<unknown[][]> =>
    (await this.#pool.query<unknown[]>({ text: sql, values, rowMode: 'array' })).rows;
  readonly #ownsPool: boolean;
  readonly #schemaName: string;
  readonly #tableName: string;
  readonly #statements: PostgresStatements;
  readonly #validate: boolean;
  readonly #batchSize: number;
  readonly #copyThreshold: number;
  readonly #partitions: MonthPartitions;
  readonly #statistics: PlannerStatistics;
  readonly #privacyTables: SqlPrivacyTables;
  readonly #erasureKey: string | Uint8Array | undefined;
  #ready: Promise<void> | undefined;

  constructor(options: PostgresEventStoreOptions = {}) {
    assertKnownOptions(OWNER, options, OPTION_KEYS);
    const {
      pool,
      schema = 'public',
      tableName = 'wacloud_events',
      batchSize = 5000,
      copyThreshold = DEFAULT_COPY_THRESHOLD,
      analyze = 'auto',
    } = options;
    if (pool !== undefined && options.connectionString !== undefined) {
      throw invalidOption(
        OWNER,
        'pool',
        'cannot be given with `connectionString`: one or the other, not both',
      );
    }
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 50_000) {
      throw invalidOption(OWNER, 'batchSize', 'must be an integer from 1 to 50000');
    }
    if (
      copyThreshold !== Number.POSITIVE_INFINITY &&
      (!Number.isInteger(copyThreshold) || copyThreshold < 1)
    ) {
      throw invalidOption(OWNER, 'copyThreshold', 'must be a positive integer or Infinity');
    }
    if (!ANALYZE_MODES.includes(analyze)) {
      throw invalidOption(OWNER, 'analyze', `must be one of ${ANALYZE_MODES.join(', ')}`);
    }
    this.#statements = postgresStatements(schema, tableName);
    this.#validate = options.validate ?? true;
    this.#schemaName = schema;
    this.#tableName = tableName;
    this.#batchSize = batchSize;
    this.#erasureKey = resolveErasureKey(OWNER, options.erasureKey);
    this.#privacyTables = {
      dialect: 'postgres',
      table: this.#statements.table,
      eventColumns: this.#statements.eventColumns,
      rollupTable: this.#statements.rollupTable,
      identityTable: this.#statements.identityTable,
      tombstoneTable: `${quoteIdentifier(schema, 'schema')}.${quoteIdentifier(tombstoneTableName(tableName), 'tableName', 63)}`,
    };
    this.#copyThreshold = copyThreshold;
    this.#partitions = new MonthPartitions({ schema, name: tableName });
    this.#statistics = new PlannerStatistics(analyze, [this.#statements.table, this.#statements.rollupTable]);
    if (pool !== undefined) {
      this.#pool = pool;
      this.#ownsPool = false;
    } else {
      const connectionString = options.connectionString ?? process.env.DATABASE_URL;
      if (!connectionString) {
        throw invalidOption(
          OWNER,
          'connectionString',
          'is missing: give `pool` or `connectionString` (or set DATABASE_URL)',
        );
      }
      this.#pool = new pg.Pool({ connectionString });
      this.#ownsPool = true;
    }
  }

  /** The pg pool the store queries through. */
  get pool(): pg.Pool {
    return this.#pool;
  }

  /**
   * Creates or upgrades the schema now instead of on first use (safe to call repeatedly). The upgrade
   * to the partitioned table (schema version 4) copies every row of an older table in one transaction:
   * on a large table, call this from a deploy step rather than let the first webhook wait for it.
   */
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
    await linkIdentities(this.#pool, this.#statements.identityTable, this.#statements.table, events);
  }

  /** Stores the events like {@link PostgresEventStore.append} and returns those not stored before, in input order. */
  async appendNew(events: StoredEvent[]): Promise<StoredEvent[]> {
    const written = await this.#write(events, true);
    await linkIdentities(this.#pool, this.#statements.identityTable, this.#statements.table, events);
    const seen = new Set<string>();
    const fresh: StoredEvent[] = [];
    events.forEach((event, index) => {
      const key = written.keys[index] as string;
      if (written.added.has(key) && !seen.has(key)) {
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
    yield* keysetScan(
      {
        dialect: 'postgres',
        table: this.#statements.table,
        eventColumns: this.#statements.eventColumns,
        pageSize: SCAN_PAGE_SIZE,
        select: async (sql, values) => (await this.#pool.query(sql, values)).rows,
        // `eventColumns` is the id then every event column in order (see postgresStatements).
        selectArrays: this.#selectArrays,
      },
      filter,
    );
  }

  /**
   * Computes a campaign's metrics with the counting done in SQL (counts by folded state and group) and
   * only the messages engagement can concern folded per message, so the numbers are the memory store's
   * to the last digit: `computeCampaignMetrics(store, query)` calls this.
   */
  async aggregate(query: MetricsQuery): Promise<CampaignMetrics> {
    await this.migrate();
    await this.#statistics.refreshIfStale(this.#pool);
    return campaignMetricsInPostgres(this.#pool, this.#statements, query);
  }

  /**
   * Every campaign with sends in the range, counted by one `GROUP BY` over the sends joined to the status
   * rollup (see `summarizeCampaigns`, which calls this). With `analyze: 'auto'`, refreshes the planner's
   * statistics first when they are missing or stale.
   */
  async summarizeCampaigns(range: CampaignSummaryRange): Promise<CampaignSummary[]> {
    checkCampaignSummaryRange('PostgresEventStore.summarizeCampaigns', range);
    await this.migrate();
    await this.#statistics.refreshIfStale(this.#pool);
    return summarizeCampaignsInPostgres(this.#pool, this.#statements, range);
  }

  /**
   * Folds a campaign's events into per-message facts: each send is read with its status rollup (kept up
   * to date on append), the attributable events are selected in SQL, and attribution is left to the
   * shared `CampaignFactsBuilder`: the same facts the memory store computes. With `analyze: 'auto'`,
   * refreshes the planner's statistics first when they are missing or stale.
   * @internal
   */
  async campaignFacts(query: MetricsQuery): Promise<CampaignFacts> {
    await this.migrate();
    await this.#statistics.refreshIfStale(this.#pool);
    return foldCampaignInPostgres(this.#pool, this.#statements, query);
  }

  /**
   * Which ids are one person (phone numbers and business-scoped user ids), from the identity table kept
   * up to date on append: the groups of `recipientIds`, or every group when omitted.
   */
  async identityLinks(recipientIds?: readonly string[]): Promise<IdentityLinks> {
    await this.migrate();
    return readIdentityLinks(this.#pool, this.#statements.identityTable, recipientIds);
  }

  /**
   * The statuses of `messageIds` already folded, from the status rollup kept up to date on append (the
   * same fold as reading each status event): the live fold reads these for its new messages instead of
   * their status events. A message with no rollup row has no entry (one sent, with no status yet, has an
   * empty summary).
   * @internal
   */
  async statusSummaries(messageIds: readonly string[]): Promise<Map<string, StatusSummary>> {
    await this.migrate();
    return readStatusSummariesPostgres(this.#statements.rollupTable, messageIds, this.#selectArrays);
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
      table: this.#statements.table,
      columns: this.#statements.eventColumns,
      select: async (sql, values) => (await this.#pool.query<StoredEventRow>(sql, values)).rows,
      // `eventColumns` is the id then every event column in order (see postgresStatements).
      selectArrays: this.#selectArrays,
    };
  }

  /**
   * Forgets a person in one transaction (see `EventStore.eraseRecipient`): their events and those about
   * their messages are rewritten to anonymous ids, their identity links removed, and a keyed-hash
   * tombstone of each of their ids written. Throws `ConfigError` without an `erasureKey`.
   */
  async eraseRecipient(recipientId: string): Promise<ErasureSummary> {
    const key = this.#erasureKey;
    if (key === undefined) throw missingErasureKey(OWNER);
    await this.migrate();
    const normalized = normalizeRecipientId(recipientId);
    return withTransaction(this.#pool, async (client) => {
      // One erasure at a time per table: two racing erasures of one person would both rewrite their rows.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `wacloud-erase:${this.#privacyTables.table}`,
      ]);
      const links = await readIdentityLinks(this.#pool, this.#statements.identityTable, [normalized]);
      const ids = links.aliases(normalized);
      if (!ids.includes(normalized)) ids.push(normalized);
      return this.#drive(client, erasureProcedure(this.#privacyTables, ids, key, new Date()));
    });
  }

  /**
   * Whether a tombstone of this id is stored. Without an erasure key: false while there is no tombstone,
   * else `ConfigError` (another process erased with a key this store was not given).
   */
  async isErased(recipientId: string): Promise<boolean> {
    await this.migrate();
    return this.#drive(this.#pool, isErasedSql(this.#privacyTables, this.#erasureKey, recipientId, OWNER));
  }

  /** Removes the events before `before` in one transaction, keeping the consent record (see `EventStore.purge`). */
  async purge(options: PurgeOptions): Promise<PurgeSummary> {
    const before = new Date(checkPurgeOptions(OWNER, options));
    await this.migrate();
    return withTransaction(this.#pool, (client) =>
      this.#drive(client, purgeProcedure(this.#privacyTables, before)),
    );
  }

  #drive<T>(db: pg.Pool | pg.PoolClient, procedure: SqlProcedure<T>): Promise<T> {
    return driveAsync(procedure, async (step: SqlStep) => {
      const result = await db.query<StoredEventRow>(step.statement.sql, step.statement.values);
      return step.kind === 'select' ? result.rows : (result.rowCount ?? 0);
    });
  }

  /**
   * Drops the month partitions of the events table that end at or before `before` (whole months: the
   * month `before` falls in stays), with their events' idempotency keys. Far cheaper than deleting the
   * rows; status rollup and identity rows stay (the rollup's send columns of those months are cleared, so
   * `summarizeCampaigns` no longer counts the sends). Unlike `purge`, it keeps nothing of those months: the
   * consent record (`opt_in`, `opt_out`, `block`) goes too, so use it only past your consent-proof
   * retention.
   */
  async dropPartitionsBefore(before: Date): Promise<DroppedPartitions> {
    await this.migrate();
    const dropped = await dropPartitionsBefore(
      this.#pool,
      { schema: this.#schemaName, name: this.#tableName },
      before,
    );
    this.#partitions.forget();
    return dropped;
  }

  /** Ends the pool if the store created it (a `pool` you passed in stays open). */
  async close(): Promise<void> {
    if (this.#ownsPool) await this.#pool.end();
  }

  async #migrateOnce(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await migratePostgres(client, this.#schemaName, this.#tableName);
    } finally {
      client.release();
    }
  }

  /** Validates, then inserts in batches (see `writeEvents`), counting the rows added for the statistics. */
  async #write(events: StoredEvent[], returnAdded: boolean): ReturnType<typeof writeEvents> {
    if (this.#validate) assertStoredEvents(events);
    if (events.length > 0) await this.migrate();
    const written = await writeEvents(this.#pool, this.#statements, events, {
      batchSize: this.#batchSize,
      copyThreshold: this.#copyThreshold,
      returnAdded,
      partitions: this.#partitions,
    });
    this.#statistics.noteInserted(written.inserted);
    return written;
  }
}
