import type { CampaignMetrics, MetricsQuery } from '../metrics/metrics-types.js';
import type { CampaignSummary, CampaignSummaryRange } from './campaign-summary.js';
import type { ErasureSummary, PurgeOptions, PurgeSummary } from './erasure.js';
import type { EventChanges, EventCursor } from './event-changes.js';
import type { IdentityLinks } from './identity-links.js';
import type { StoredEvent, StoredEventKind } from './stored-event.js';

/**
 * Which events {@link EventStore.scan} yields. Every criterion given must hold (they are AND-ed);
 * an empty filter yields every event.
 */
export interface EventFilter {
  /**
   * Only events that carry this `campaignId` (`outbound`, `send_failed`, and `click`/`conversion` when
   * set). `status` and `inbound` events carry no campaign: fetch them with `messageIds`/`recipientIds`.
   */
  campaignId?: string;
  /** Only events of these kinds. */
  kinds?: readonly StoredEventKind[];
  /** Only events with `at` at or after this instant (inclusive). */
  from?: Date;
  /** Only events with `at` strictly before this instant (exclusive). */
  to?: Date;
  /** Only events about one of these messages: their `messageId`, or an inbound event's `contextMessageId`. */
  messageIds?: readonly string[];
  /**
   * Only events of one of these recipients (`recipientId`, compared after
   * {@link adapters!normalizeRecipientId}, so `+1 650-555-1234` matches `16505551234`).
   */
  recipientIds?: readonly string[];
}

/**
 * Where wacloud keeps {@link StoredEvent}s and computes metrics from. Implementations: `MemoryEventStore`
 * (root entry), `SqliteEventStore` (`wacloud/sqlite`), `PostgresEventStore` (`wacloud/postgres`).
 *
 * Rules every store follows (checked by the store conformance suite):
 * - `append` is idempotent: an event whose {@link adapters!eventKey} is already stored is ignored, so a status
 *   delivered twice by Meta is stored once.
 * - `scan` yields events in ascending `at`, ties in append order.
 * - Text is stored the same everywhere: in every string of an event (ids, text, metadata keys and
 *   values), a NUL character or a lone UTF-16 surrogate, which PostgreSQL refuses and SQLite rewrites,
 *   is stored as U+FFFD. `appendNew` still returns the events as they were passed in.
 */
export interface EventStore {
  /** Stores the events, skipping any whose {@link adapters!eventKey} is already stored (or repeats in the batch). */
  append(events: StoredEvent[]): Promise<void>;
  /** Streams the events matching the filter, in ascending `at` (ties in append order). */
  scan(filter: EventFilter): AsyncIterable<StoredEvent>;
  /** Optional push-down: computes a campaign's metrics inside the store. Must equal the generic result. */
  aggregate?(query: MetricsQuery): Promise<CampaignMetrics>;
  /**
   * Optional push-down of `summarizeCampaigns`: every campaign with sends in the range, counted inside the
   * store (in any order). Must equal the generic result.
   */
  summarizeCampaigns?(range: CampaignSummaryRange): Promise<CampaignSummary[]>;
  /**
   * Optional: appends like {@link EventStore.append} and returns only the events that were not stored
   * before (in input order). The webhook handler uses it to deduplicate against the store.
   */
  appendNew?(events: StoredEvent[]): Promise<StoredEvent[]>;
  /**
   * Optional: which ids are one person — a phone number and the business-scoped user ids Meta reported
   * with it, following `user_changed_user_id` — learned from every appended event. Covers at least the
   * people `recipientIds` name (every person when omitted). Metrics count each person once through it,
   * and `StoreSuppressionList` reads the signals of every id of the person. A store without it keeps
   * every id apart: an event that names a person only by a user id is then attributed to nobody.
   */
  identityLinks?(recipientIds?: readonly string[]): Promise<IdentityLinks>;
  /**
   * Optional change feed: the events appended after `cursor` (from the first event when `undefined`), in
   * append order, at most `limit` of them. `watchCampaignMetrics` reads only what was appended since
   * its last update through it; without it, it recomputes the metrics in full each time. An event may
   * come twice (readers fold repeats away) but none appended after the cursor is left out.
   */
  readSince?(cursor: EventCursor | undefined, limit: number): Promise<EventChanges>;
  /** Optional, with `readSince`: a cursor at the newest event now stored (reading from it yields later appends). */
  latestCursor?(): Promise<EventCursor>;
  /**
   * Optional (every bundled store has it): forgets a person (GDPR art. 17, KVKK art. 7). Afterwards no
   * scan, export or identity look-up finds them by phone number or user id: their events are rewritten
   * to one anonymous id (message ids, user ids, reply and consent texts, URLs and idempotency keys
   * replaced or dropped, see `planErasure`), so past campaigns' metrics keep their counts; their identity
   * links are removed; and a keyed-hash tombstone of each of their ids is kept, so
   * {@link EventStore.isErased} still knows them and the send queue skips them (reason `erased`).
   * Throws `ConfigError` (option `erasureKey`) when the store has no erasure key.
   */
  eraseRecipient?(recipientId: string): Promise<ErasureSummary>;
  /** Optional, with `eraseRecipient`: whether a tombstone says this id was erased (every id of a person gets one). */
  isErased?(recipientId: string): Promise<boolean>;
  /**
   * Optional (every bundled store has it): applies a retention period, removing every event with
   * `at < before` except the consent record (`opt_in`, `opt_out`, `block`: see `RETAINED_KINDS`).
   * Tombstones and identity links are kept. Metrics of the purged period are gone afterwards.
   */
  purge?(options: PurgeOptions): Promise<PurgeSummary>;
}
