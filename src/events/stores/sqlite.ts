import Database from 'better-sqlite3';
import type { CampaignFacts } from '../../metrics/message-facts.js';
import type { CampaignMetrics, MetricsQuery } from '../../metrics/metrics-types.js';
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
import type { CampaignFactsSource } from './sql/campaign-facts-source.js';
import { loadCampaignFacts } from './sql/campaign-facts-sql.js';
import { loadCampaignMetrics } from './sql/campaign-metrics-sql.js';
import {
  type CampaignSummaryRow,
  campaignSummariesSql,
  toCampaignSummary,
} from './sql/campaign-summaries-sql.js';
import { latestCursorSql, readSinceSql, type SqlChangeSource } from './sql/change-feed-sql.js';
import {
  driveSync,
  erasureProcedure,
  isErasedSql,
  purgeProcedure,
  type SqlPrivacyTables,
  type SqlProcedure,
  type SqlStep,
  tombstoneTableName,
} from './sql/erasure-sql.js';
import { EVENT_COLUMNS, type EventRowValues, type StoredEventRow, toEventRow } from './sql/event-row.js';
import { quoteIdentifier } from './sql/identifier.js';
import {
  identityLinksFromRows,
  identityLinksTableName,
  identityPairsOf,
  idsToLookUp,
  missingLinkRows,
  selectLinksSql,
} from './sql/identity-links-sql.js';
import { keysetScan } from './sql/keyset-scan.js';
import { migrateSqlite } from './sql/sqlite-schema.js';
import {
  foldStatusRollups,
  mergeStatusRollupSql,
  ROLLUP_SEND_COLUMNS,
  STATUS_ROLLUP_COLUMNS,
  statusRollupTableName,
  statusRollupValues,
} from './sql/status-rollup.js';

/** Options of {@link SqliteEventStore}. Give `filename` or an open `database`, not both. */
export interface SqliteEventStoreOptions {
  /** A database file path (created when missing) or `':memory:'`. The store opens and owns it. */
  filename?: string;
  /** An open better-sqlite3 database to use instead; the store does not close it. */
  database?: Database.Database;
  /** The events table (default `wacloud_events`): letters, digits and `_`. */
  tableName?: string;
  /** Check appended events against `storedEventSchema` (default `true`; turn off only for trusted bulk loads). */
  validate?: boolean;
  /**
   * SQLite page cache of a database the store opens, in MiB (default 64; SQLite's own default is 2).
   * Message ids arrive in no useful order, so every id index takes random inserts and lookups: a cache
   * that holds more of those indexes makes appends and metrics markedly faster on big tables. Ignored for
   * a `database` you pass in (set its `cache_size` yourself).
   */
  cacheSizeMiB?: number;
  /**
   * Key of the tombstones `eraseRecipient` keeps: at least 16 bytes, kept apart from the database (an
   * attacker with the file but not the key cannot tell whose number a tombstone is). Default: the
   * `WACLOUD_ERASURE_KEY` environment variable. Without either, `eraseRecipient` throws `ConfigError`.
   * Keep it stable: tombstones written with another key no longer match.
   */
  erasureKey?: string | Uint8Array;
}

const OPTION_KEYS = optionKeys<SqliteEventStoreOptions>()({
  filename: true,
  database: true,
  tableName: true,
  validate: true,
  cacheSizeMiB: true,
  erasureKey: true,
});
const OWNER = 'SqliteEventStore';
const DEFAULT_CACHE_MIB = 64;
const SCAN_PAGE_SIZE = 1000;

/**
 * An {@link EventStore} in a SQLite database (better-sqlite3), for one process or a few on one machine.
 * Opens the file in WAL mode with `synchronous = NORMAL`, creates or upgrades its versioned schema on
 * construction, ignores repeated events by their `eventKey` (a unique column), and streams scans
 * in pages so memory stays bounded.
 *
 * @example
 * ```ts
 * import { SqliteEventStore } from 'wacloud/sqlite';
 * const store = new SqliteEventStore({ filename: 'events.db' });
 * ```
 */
export class SqliteEventStore implements EventStore {
  readonly #db: Database.Database;
  readonly #ownsDatabase: boolean;
  readonly #table: string;
  readonly #validate: boolean;
  readonly #insert: Database.Statement;
  readonly #upsertRollup: Database.Statement;
  readonly #rollupTable: string;
  readonly #identityTable: string;
  readonly #insertLink: Database.Statement;
  readonly #privacyTables: SqlPrivacyTables;
  readonly #erasureKey: string | Uint8Array | undefined;

  constructor(options: SqliteEventStoreOptions) {
    assertKnownOptions(OWNER, options, OPTION_KEYS);
    const { filename, database, tableName = 'wacloud_events' } = options;
    if ((filename === undefined) === (database === undefined)) {
      throw invalidOption(OWNER, 'filename', 'needs exactly one of `filename` or `database`');
    }
    this.#validate = options.validate ?? true;
    this.#erasureKey = resolveErasureKey(OWNER, options.erasureKey);
    const cacheSizeMiB = options.cacheSizeMiB ?? DEFAULT_CACHE_MIB;
    if (!Number.isInteger(cacheSizeMiB) || cacheSizeMiB < 1 || cacheSizeMiB > 65_536) {
      throw invalidOption(OWNER, 'cacheSizeMiB', 'must be an integer from 1 to 65536');
    }
    this.#table = quoteIdentifier(tableName, 'tableName');
    if (database !== undefined) {
      this.#db = database;
      this.#ownsDatabase = false;
    } else {
      if (typeof filename !== 'string' || filename === '') {
        throw invalidOption(OWNER, 'filename', 'must be a file path or ":memory:"');
      }
      this.#db = new Database(filename);
      this.#ownsDatabase = true;
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = NORMAL');
      this.#db.pragma(`cache_size = ${-1024 * cacheSizeMiB}`);
    }
    migrateSqlite(this.#db, tableName);
    const placeholders = EVENT_COLUMNS.map(() => '?').join(', ');
    this.#insert = this.#db.prepare(
      `INSERT INTO ${this.#table} (${EVENT_COLUMNS.join(', ')}) VALUES (${placeholders})
       ON CONFLICT (event_key) DO NOTHING`,
    );
    const rollup = quoteIdentifier(statusRollupTableName(tableName), 'tableName', 63);
    this.#rollupTable = rollup;
    this.#upsertRollup = this.#db.prepare(
      `INSERT INTO ${rollup} (message_id, ${[...STATUS_ROLLUP_COLUMNS, ...ROLLUP_SEND_COLUMNS].join(', ')})
       VALUES (${['message_id', ...STATUS_ROLLUP_COLUMNS, ...ROLLUP_SEND_COLUMNS].map(() => '?').join(', ')})
       ${mergeStatusRollupSql('sqlite')}`,
    );
    this.#identityTable = quoteIdentifier(identityLinksTableName(tableName), 'tableName', 63);
    this.#insertLink = this.#db.prepare(
      `INSERT INTO ${this.#identityTable} (id_key, linked_key) VALUES (?, ?) ON CONFLICT DO NOTHING`,
    );
    this.#privacyTables = {
      dialect: 'sqlite',
      table: this.#table,
      eventColumns: 'e.*',
      rollupTable: rollup,
      identityTable: this.#identityTable,
      tombstoneTable: quoteIdentifier(tombstoneTableName(tableName), 'tableName', 63),
    };
  }

  /** The underlying better-sqlite3 database (for inspection or your own queries). */
  get database(): Database.Database {
    return this.#db;
  }

  /** Stores the events in one transaction, ignoring those already stored. */
  async append(events: StoredEvent[]): Promise<void> {
    this.#write(events);
  }

  /** Stores the events in one transaction and returns those that were not stored before, in input order. */
  async appendNew(events: StoredEvent[]): Promise<StoredEvent[]> {
    const inserted = this.#write(events);
    return events.filter((_, index) => inserted[index]);
  }

  /**
   * Streams matching events in ascending `at`, ties in append order, a page at a time (keyset
   * pagination on `(at, id)`, so the store stays usable while you iterate). Unlike the memory store's,
   * this is not a snapshot: an event appended meanwhile may appear if it sorts after the current page.
   */
  async *scan(filter: EventFilter = {}): AsyncIterable<StoredEvent> {
    yield* keysetScan(
      {
        dialect: 'sqlite',
        table: this.#table,
        eventColumns: 'e.*',
        pageSize: SCAN_PAGE_SIZE,
        select: async (sql, values) => this.#db.prepare(sql).all(...values) as StoredEventRow[],
      },
      filter,
    );
  }

  /**
   * Which ids are one person (phone numbers and business-scoped user ids), from the identity table kept
   * up to date on append: the groups of `recipientIds`, or every group when omitted.
   */
  async identityLinks(recipientIds?: readonly string[]): Promise<IdentityLinks> {
    if (recipientIds === undefined) {
      return identityLinksFromRows(
        this.#db.prepare(`SELECT id_key, linked_key FROM ${this.#identityTable}`).raw().all() as [
          string,
          string,
        ][],
      );
    }
    return identityLinksFromRows(this.#selectLinks(recipientIds.map(normalizeRecipientId)));
  }

  /**
   * Computes a campaign's metrics with the counting done in SQL (counts by folded state and group) and
   * only the messages engagement can concern folded per message, so the numbers are the memory store's
   * to the last digit: `computeCampaignMetrics(store, query)` calls this.
   */
  async aggregate(query: MetricsQuery): Promise<CampaignMetrics> {
    return loadCampaignMetrics(this.#factsSource(), query);
  }

  /**
   * Every campaign with sends in the range, counted by one `GROUP BY` over the sends joined to the status
   * rollup (see `summarizeCampaigns`, which calls this).
   */
  async summarizeCampaigns(range: CampaignSummaryRange): Promise<CampaignSummary[]> {
    checkCampaignSummaryRange('SqliteEventStore.summarizeCampaigns', range);
    const { sql, values } = campaignSummariesSql(
      { dialect: 'sqlite', table: this.#table, rollupTable: this.#rollupTable },
      range,
    );
    return (this.#db.prepare(sql).all(...values) as CampaignSummaryRow[]).map(toCampaignSummary);
  }

  /**
   * Folds a campaign's events into per-message facts: each send is read with its status rollup (kept up
   * to date on append), the attributable events are selected in SQL, and attribution is left to the
   * shared `CampaignFactsBuilder`: the same facts the memory store computes.
   * @internal
   */
  async campaignFacts(query: MetricsQuery): Promise<CampaignFacts> {
    return loadCampaignFacts(this.#factsSource(), query);
  }

  /** How the shared SQL fold reads this store's tables. */
  #factsSource(): CampaignFactsSource {
    return {
      dialect: 'sqlite',
      table: this.#table,
      eventColumns: 'e.*',
      rollupTable: this.#rollupTable,
      identityTable: this.#identityTable,
      select: async (sql, values) => this.#db.prepare(sql).all(...values) as StoredEventRow[],
      selectArrays: async (sql, values) =>
        this.#db
          .prepare(sql)
          .raw()
          .all(...values) as unknown[][],
      eachArray: async (sql, values, onRow) => {
        let count = 0;
        for (const row of this.#db
          .prepare(sql)
          .raw()
          .iterate(...values) as IterableIterator<unknown[]>) {
          onRow(row);
          count++;
        }
        return count;
      },
    };
  }

  /** The events appended after `cursor`, in append order (`rowid` order); see `EventStore.readSince`. */
  async readSince(cursor: EventCursor | undefined, limit: number): Promise<EventChanges> {
    return readSinceSql(this.#changeSource(), cursor, limit);
  }

  /** A cursor at the newest event stored now. */
  async latestCursor(): Promise<EventCursor> {
    return latestCursorSql(this.#changeSource());
  }

  #changeSource(): SqlChangeSource {
    return {
      dialect: 'sqlite',
      table: this.#table,
      columns: 'e.*',
      select: async (sql, values) => this.#db.prepare(sql).all(...values) as StoredEventRow[],
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
    const normalized = normalizeRecipientId(recipientId);
    return this.#db
      .transaction(() => {
        const ids = identityLinksFromRows(this.#selectLinks([normalized])).aliases(normalized);
        if (!ids.includes(normalized)) ids.push(normalized);
        return this.#drive(erasureProcedure(this.#privacyTables, ids, key, new Date()));
        // IMMEDIATE: it reads, then writes; taking the write lock first avoids a busy upgrade under WAL.
      })
      .immediate();
  }

  /**
   * Whether a tombstone of this id is stored. Without an erasure key: false while there is no tombstone,
   * else `ConfigError` (another process erased with a key this store was not given).
   */
  async isErased(recipientId: string): Promise<boolean> {
    return this.#drive(isErasedSql(this.#privacyTables, this.#erasureKey, recipientId, OWNER));
  }

  /** Removes the events before `before` in one transaction, keeping the consent record (see `EventStore.purge`). */
  async purge(options: PurgeOptions): Promise<PurgeSummary> {
    const before = new Date(checkPurgeOptions(OWNER, options));
    return this.#db.transaction(() => this.#drive(purgeProcedure(this.#privacyTables, before))).immediate();
  }

  #drive<T>(procedure: SqlProcedure<T>): T {
    return driveSync(procedure, (step: SqlStep) => {
      const statement = this.#db.prepare(step.statement.sql);
      const values = step.statement.values.map((value) =>
        typeof value === 'boolean' ? Number(value) : value,
      );
      return step.kind === 'select'
        ? (statement.all(...values) as StoredEventRow[])
        : statement.run(...values).changes;
    });
  }

  /** Closes the database if the store opened it (a `database` you passed in stays open). */
  async close(): Promise<void> {
    if (this.#ownsDatabase && this.#db.open) this.#db.close();
  }

  /**
   * Inserts every event (validated first, so a bad event writes nothing) and folds the statuses into the
   * status rollup in the same transaction; true where a row was added.
   */
  #write(events: StoredEvent[]): boolean[] {
    if (this.#validate) assertStoredEvents(events);
    const rows = events.map(toEventRow);
    const rollups = foldStatusRollups(rows);
    const pairs = identityPairsOf(events);
    return this.#db.transaction(() => {
      const added = rows.map((row) => this.#insert.run(toSqliteValues(row)).changes === 1);
      for (const [messageId, rollup] of rollups) {
        this.#upsertRollup.run(statusRollupValues(messageId, rollup));
      }
      if (pairs.length > 0) this.#linkIdentities(pairs);
      return added;
    })();
  }

  /** Adds the pairs to the identity table, keeping each person's group whole (inside the write transaction). */
  #linkIdentities(pairs: Array<[string, string]>): void {
    const rows = this.#selectLinks(idsToLookUp(pairs, []));
    const missing = missingLinkRows(this.#selectLinks(idsToLookUp(pairs, rows)), pairs);
    for (const [a, b] of missing) this.#insertLink.run(a, b);
  }

  #selectLinks(ids: readonly string[]): [string, string][] {
    const { sql, values } = selectLinksSql(this.#identityTable, 'sqlite', ids);
    return this.#db
      .prepare(sql)
      .raw()
      .all(...values) as [string, string][];
  }
}

function toSqliteValues(row: EventRowValues): EventRowValues {
  return row.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
}
