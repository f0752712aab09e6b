import { ConfigError } from '../../errors/index.js';
import { CampaignFactsBuilder } from '../../metrics/campaign-facts-builder.js';
import { summarizeMessageFacts } from '../../metrics/metrics-from-facts.js';
import type { CampaignMetrics, MetricsQuery } from '../../metrics/metrics-types.js';
import { assertKnownOptions, invalidOption, optionKeys } from '../../schemas/validate-options.js';
import {
  checkPurgeOptions,
  type ErasureSummary,
  messageIdsOf,
  type PurgeOptions,
  type PurgeSummary,
  planErasure,
  RETAINED_KINDS,
  randomErasureKey,
  resolveErasureKey,
  tombstoneOf,
} from '../erasure.js';
import type { EventChanges, EventCursor } from '../event-changes.js';
import type { EventFilter, EventStore } from '../event-store.js';
import { IdentityLinks, resolveIdentities } from '../identity-links.js';
import { normalizeRecipientId } from '../recipient-id.js';
import { toStorableValue } from '../storable-text.js';
import type { StoredEvent, StoredEventKind } from '../stored-event.js';
import { assertStoredEvents } from '../stored-event-schema.js';
import { EventIdentitySet } from './event-identity-set.js';

/** Options of {@link MemoryEventStore}. */
export interface MemoryEventStoreOptions {
  /** Check appended events against `storedEventSchema` (default `true`; turn off only for trusted bulk loads). */
  validate?: boolean;
  /**
   * Key of the tombstones `eraseRecipient` keeps (at least 16 bytes; default: the `WACLOUD_ERASURE_KEY`
   * environment variable, else a random key of this instance, as its data dies with the process anyway).
   */
  erasureKey?: string | Uint8Array;
}

interface Row {
  /** Replaced in place only by an erasure (same kind, time and campaign). */
  event: StoredEvent;
  readonly seq: number;
  readonly atMs: number;
}

const OPTION_KEYS = optionKeys<MemoryEventStoreOptions>()({ validate: true, erasureKey: true });
const OWNER = 'MemoryEventStore';
const FILTER_KEYS = optionKeys<EventFilter>()({
  campaignId: true,
  kinds: true,
  from: true,
  to: true,
  messageIds: true,
  recipientIds: true,
});
const RECIPIENT_KINDS: ReadonlySet<StoredEventKind> = new Set([
  'inbound',
  'click',
  'opt_out',
  'block',
  'conversion',
]);

function byTime(a: Row, b: Row): number {
  return a.atMs - b.atMs || a.seq - b.seq;
}

function push<K>(index: Map<K, Row[]>, key: K, row: Row): void {
  const list = index.get(key);
  if (list) list.push(row);
  else index.set(key, [row]);
}

/**
 * The default {@link EventStore}: everything in process memory, indexed by campaign, message and
 * recipient. Idempotent (events are keyed with `eventKey`), scans in time order, and computes metrics
 * with an in-memory push-down (`aggregate`). Events are kept by reference (copied only when a string
 * needs U+FFFD, see `EventStore`): do not mutate them after appending. Data is lost when the process
 * exits: use the SQLite or PostgreSQL store to keep it.
 */
export class MemoryEventStore implements EventStore {
  readonly #validate: boolean;
  #rows: Row[] = [];
  #sorted = true;
  #keys = new EventIdentitySet();
  #byCampaign = new Map<string, Row[]>();
  #byMessage = new Map<string, Row[]>();
  #byRecipient = new Map<string, Row[]>();
  /** Meta's clicks (`source: 'meta'`, found by click id, not by message or recipient; see `ClickEvent`). */
  #metaClicks: Row[] = [];
  /** Conversions naming no message (a code, a token, a recipient or only a campaign), for `aggregate`. */
  #looseConversions: Row[] = [];
  #identities = new IdentityLinks();
  /**
   * Every stored event in append order: the change feed `readSince` reads (the rows get sorted by time).
   * A purged or erased-away event leaves a hole, so cursors (positions) stay valid.
   */
  readonly #log: Array<StoredEvent | undefined> = [];
  /** The next row's `seq`, which is also its position in `#log` (both count appends). */
  #seq = 0;
  readonly #erasureKey: string | Uint8Array;
  readonly #tombstones = new Set<string>();

  /** Creates an empty store. Unknown option keys throw {@link ConfigError}. */
  constructor(options: MemoryEventStoreOptions = {}) {
    assertKnownOptions('MemoryEventStore', options, OPTION_KEYS);
    if (options.validate !== undefined && typeof options.validate !== 'boolean') {
      throw invalidOption('MemoryEventStore', 'validate', 'must be a boolean');
    }
    this.#validate = options.validate ?? true;
    this.#erasureKey = resolveErasureKey(OWNER, options.erasureKey) ?? randomErasureKey();
  }

  /** How many distinct events are stored. */
  get size(): number {
    return this.#rows.length;
  }

  /** Stores the events, skipping those already stored. Throws `ValidationError` (storing nothing) on a bad event. */
  async append(events: StoredEvent[]): Promise<void> {
    this.#store(events, undefined);
  }

  /** Stores the events and returns only those that were not stored before, in input order. */
  async appendNew(events: StoredEvent[]): Promise<StoredEvent[]> {
    const added: StoredEvent[] = [];
    this.#store(events, added);
    return added;
  }

  #store(events: StoredEvent[], added: StoredEvent[] | undefined): void {
    if (this.#validate) assertStoredEvents(events);
    const rows = this.#rows;
    for (const input of events) {
      const event = toStorableValue(input);
      if (!this.#keys.add(event)) continue;
      const row: Row = { event, seq: this.#seq++, atMs: event.at.getTime() };
      const last = rows[rows.length - 1];
      if (last && last.atMs > row.atMs) this.#sorted = false;
      rows.push(row);
      this.#log.push(event);
      this.#index(row);
      this.#identities.learn(event);
      added?.push(input);
    }
  }

  #index(row: Row): void {
    const event = row.event;
    if ('campaignId' in event && event.campaignId !== undefined)
      push(this.#byCampaign, event.campaignId, row);
    this.#indexIds(row);
    if (event.kind === 'click' && event.source === 'meta') this.#metaClicks.push(row);
    else if (event.kind === 'conversion' && event.messageId === undefined) this.#looseConversions.push(row);
  }

  /** The message and recipient index entries of a row (what an erasure changes). */
  #idKeys(row: Row): Array<[Map<string, Row[]>, string]> {
    const event = row.event;
    const keys: Array<[Map<string, Row[]>, string]> = [];
    if ('messageId' in event && event.messageId !== undefined) keys.push([this.#byMessage, event.messageId]);
    if (event.kind === 'inbound' && event.contextMessageId !== undefined)
      keys.push([this.#byMessage, event.contextMessageId]);
    if (event.recipientId !== undefined)
      keys.push([this.#byRecipient, normalizeRecipientId(event.recipientId)]);
    return keys;
  }

  #indexIds(row: Row): void {
    for (const [index, key] of this.#idKeys(row)) push(index, key, row);
  }

  #unindexIds(row: Row): void {
    for (const [index, key] of this.#idKeys(row)) {
      const list = index.get(key)?.filter((other) => other !== row);
      if (list === undefined || list.length === 0) index.delete(key);
      else index.set(key, list);
    }
  }

  #allRows(): Row[] {
    if (!this.#sorted) {
      this.#rows.sort(byTime);
      this.#sorted = true;
    }
    return this.#rows;
  }

  /** Rows from the smallest index that can answer the filter (unsorted, possibly with repeats), or undefined for all rows. */
  #candidates(filter: EventFilter): Row[] | undefined {
    const options: Row[][][] = [];
    if (filter.campaignId !== undefined) options.push([this.#byCampaign.get(filter.campaignId) ?? []]);
    if (filter.messageIds) options.push(filter.messageIds.map((id) => this.#byMessage.get(id) ?? []));
    if (filter.recipientIds) {
      options.push(filter.recipientIds.map((id) => this.#byRecipient.get(normalizeRecipientId(id)) ?? []));
    }
    if (options.length === 0) return undefined;
    let best: Row[][] | undefined;
    let bestSize = Number.POSITIVE_INFINITY;
    for (const lists of options) {
      let size = 0;
      for (const list of lists) size += list.length;
      if (size < bestSize) {
        best = lists;
        bestSize = size;
      }
    }
    return best!.length === 1 ? best![0]! : best!.flat();
  }

  #select(filter: EventFilter): Row[] {
    assertKnownOptions('EventFilter', filter, FILTER_KEYS);
    const kinds = filter.kinds ? new Set(filter.kinds) : undefined;
    const fromMs = filter.from ? filter.from.getTime() : Number.NEGATIVE_INFINITY;
    const toMs = filter.to ? filter.to.getTime() : Number.POSITIVE_INFINITY;
    const messageIds = filter.messageIds ? new Set(filter.messageIds) : undefined;
    const recipientIds = filter.recipientIds
      ? new Set(filter.recipientIds.map(normalizeRecipientId))
      : undefined;
    const candidates = this.#candidates(filter);
    const source = candidates ?? this.#allRows();
    const seen = candidates ? new Set<number>() : undefined;
    const out: Row[] = [];
    for (const row of source) {
      const event = row.event;
      if (kinds && !kinds.has(event.kind)) continue;
      if (row.atMs < fromMs || row.atMs >= toMs) continue;
      if (
        filter.campaignId !== undefined &&
        (!('campaignId' in event) || event.campaignId !== filter.campaignId)
      ) {
        continue;
      }
      if (messageIds) {
        const own = 'messageId' in event && event.messageId !== undefined && messageIds.has(event.messageId);
        const context =
          event.kind === 'inbound' &&
          event.contextMessageId !== undefined &&
          messageIds.has(event.contextMessageId);
        if (!own && !context) continue;
      }
      if (
        recipientIds &&
        (event.recipientId === undefined || !recipientIds.has(normalizeRecipientId(event.recipientId)))
      ) {
        continue;
      }
      if (seen) {
        if (seen.has(row.seq)) continue;
        seen.add(row.seq);
      }
      out.push(row);
    }
    if (candidates) out.sort(byTime);
    return out;
  }

  /** The ids known to be one person with each of these (phone numbers and business-scoped user ids). */
  async identityLinks(_recipientIds?: readonly string[]): Promise<IdentityLinks> {
    return this.#identities;
  }

  /** The events appended after `cursor` (an append count), in append order; see `EventStore.readSince`. */
  async readSince(cursor: EventCursor | undefined, limit: number): Promise<EventChanges> {
    const start = cursor === undefined ? 0 : Number(cursor);
    if (!Number.isSafeInteger(start) || start < 0)
      throw new ConfigError('MemoryEventStore: not a cursor of this store');
    const end = Math.min(this.#log.length, start + limit);
    const events: StoredEvent[] = [];
    for (let i = start; i < end; i++) {
      const event = this.#log[i];
      if (event !== undefined) events.push(event);
    }
    return { events, cursor: String(end), more: end < this.#log.length };
  }

  /** A cursor after the newest event stored now. */
  async latestCursor(): Promise<EventCursor> {
    return String(this.#log.length);
  }

  /**
   * Forgets a person (see `EventStore.eraseRecipient`): their events and the events about their messages
   * are rewritten to anonymous ids, their identity links go, and a tombstone of each of their ids stays.
   */
  async eraseRecipient(recipientId: string): Promise<ErasureSummary> {
    const key = normalizeRecipientId(recipientId);
    const ids = new Set(this.#identities.aliases(key));
    ids.add(key);
    const own = this.#select({ recipientIds: [...ids] });
    const seen = new Set(own.map((row) => row.seq));
    const related = this.#select({ messageIds: [...messageIdsOf(own.map((row) => row.event))] }).filter(
      (row) => !seen.has(row.seq),
    );
    const plan = planErasure([...own, ...related], (row) => row.event, ids);
    if (plan.changes.some((change) => change.after === undefined)) {
      const replaced = new Map<number, StoredEvent | undefined>();
      for (const { before, after } of plan.changes) replaced.set(before.seq, after);
      this.#rebuild((row) => (replaced.has(row.seq) ? replaced.get(row.seq) : row.event));
    } else {
      // The usual case: rewrite the few rows in place and move them in the id indexes.
      for (const { before: row, after } of plan.changes) {
        this.#keys.delete(row.event);
        this.#unindexIds(row);
        row.event = after as StoredEvent;
        this.#log[row.seq] = row.event;
        this.#keys.add(row.event);
        this.#indexIds(row);
      }
      // Only a person known by several ids had links (now gone with their user ids): relearn the rest.
      if (ids.size > 1) this.#identities = IdentityLinks.fromEvents(this.#rows.map((row) => row.event));
    }
    let tombstones = 0;
    for (const id of ids) {
      const tombstone = tombstoneOf(id, this.#erasureKey);
      if (!this.#tombstones.has(tombstone)) tombstones++;
      this.#tombstones.add(tombstone);
    }
    const deleted = plan.changes.filter((change) => change.after === undefined).length;
    return {
      ids: ids.size,
      eventsRewritten: plan.changes.length - deleted,
      eventsDeleted: deleted,
      tombstones,
    };
  }

  /** Whether `eraseRecipient` erased this id. */
  async isErased(recipientId: string): Promise<boolean> {
    return this.#tombstones.size > 0 && this.#tombstones.has(tombstoneOf(recipientId, this.#erasureKey));
  }

  /** Removes the events before `before`, keeping the consent record (see `EventStore.purge`). */
  async purge(options: PurgeOptions): Promise<PurgeSummary> {
    const beforeMs = checkPurgeOptions(OWNER, options);
    const retained = new Set<string>(RETAINED_KINDS);
    const summary: PurgeSummary = { deleted: 0, byKind: {} };
    this.#rebuild((row) => {
      if (row.atMs >= beforeMs || retained.has(row.event.kind)) return row.event;
      summary.deleted++;
      summary.byKind[row.event.kind] = (summary.byKind[row.event.kind] ?? 0) + 1;
      return undefined;
    });
    return summary;
  }

  /** Rebuilds every row and index with each event replaced (or removed, `undefined`); seqs and the log's positions stay. */
  #rebuild(replace: (row: Row) => StoredEvent | undefined): void {
    const rows = this.#rows;
    this.#rows = [];
    this.#keys = new EventIdentitySet();
    this.#byCampaign = new Map();
    this.#byMessage = new Map();
    this.#byRecipient = new Map();
    this.#metaClicks = [];
    this.#looseConversions = [];
    this.#identities = new IdentityLinks();
    // Re-index in append order, so index lists stay in append order as `#store` leaves them.
    const inAppendOrder = [...rows].sort((a, b) => a.seq - b.seq);
    for (const old of inAppendOrder) {
      const event = replace(old);
      this.#log[old.seq] = event;
      if (event === undefined) continue;
      const row: Row = event === old.event ? old : { event, seq: old.seq, atMs: old.atMs };
      this.#keys.add(event);
      this.#rows.push(row);
      this.#index(row);
      this.#identities.learn(event);
    }
    this.#sorted = false;
  }

  /** Streams the matching events in ascending `at` (ties in append order), from a snapshot taken at the start. */
  async *scan(filter: EventFilter): AsyncIterable<StoredEvent> {
    const rows = this.#select(filter);
    for (const row of rows) yield row.event;
  }

  /** Computes a campaign's metrics in memory; equal to the generic `computeCampaignMetrics` result. */
  async aggregate(query: MetricsQuery): Promise<CampaignMetrics> {
    const builder = resolveIdentities(new CampaignFactsBuilder(query), this.#identities);
    const q = builder.query;
    const sends = this.#byCampaign.get(q.campaignId) ?? [];
    let messageCount = 0;
    for (const row of sends) {
      const event = row.event;
      if (event.kind === 'outbound' || event.kind === 'send_failed') {
        builder.addSend(event);
        if (event.kind === 'outbound') messageCount++;
      }
    }
    // A campaign that is a large share of the store is folded in one pass; a small one through the indexes.
    if (messageCount * 8 >= this.#rows.length) {
      for (const row of this.#rows) {
        const kind = row.event.kind;
        if (kind !== 'outbound' && kind !== 'send_failed') builder.addEvent(row.event);
      }
    } else {
      for (const messageId of builder.messageIds()) {
        for (const row of this.#byMessage.get(messageId) ?? []) {
          if (row.event.kind !== 'outbound') builder.addEvent(row.event);
        }
      }
      for (const recipientId of this.#identities.expand(builder.recipientIds())) {
        for (const row of this.#byRecipient.get(normalizeRecipientId(recipientId)) ?? []) {
          if (RECIPIENT_KINDS.has(row.event.kind)) builder.addEvent(row.event);
        }
      }
      for (const row of this.#metaClicks) builder.addEvent(row.event);
      for (const row of this.#looseConversions) builder.addEvent(row.event);
    }
    if (q.blockInferenceAfterMs !== undefined) this.#addPriorDeliveries(builder);
    const summarize: Parameters<typeof summarizeMessageFacts>[1] = { timeZone: q.timeZone };
    if (q.groupBy) summarize.groupBy = q.groupBy;
    if (q.rateCard) summarize.rateCard = q.rateCard;
    return summarizeMessageFacts(builder.build(), summarize);
  }

  #addPriorDeliveries(builder: CampaignFactsBuilder): void {
    for (const recipientId of this.#identities.expand(builder.recipientIds())) {
      for (const row of this.#byRecipient.get(normalizeRecipientId(recipientId)) ?? []) {
        const send = row.event;
        if (send.kind !== 'outbound') continue;
        const delivered = (this.#byMessage.get(send.messageId) ?? []).some(
          ({ event }) =>
            event.kind === 'status' &&
            (event.status === 'delivered' || event.status === 'read' || event.status === 'played'),
        );
        if (delivered) builder.addPriorDelivery(send.recipientId, send.at);
      }
    }
  }
}
