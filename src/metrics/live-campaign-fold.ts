import type { EventCursor } from '../events/event-changes.js';
import { eventKey } from '../events/event-key.js';
import type { EventStore } from '../events/event-store.js';
import {
  type IdentityLinks,
  identityPairs,
  mayLinkIdentities,
  resolveIdentities,
} from '../events/identity-links.js';
import { issuedCodeOf } from '../events/issued-code.js';
import { normalizeRecipientId } from '../events/recipient-id.js';
import type {
  ClickEvent,
  ConversionEvent,
  OutboundEvent,
  SendFailedEvent,
  StoredEvent,
  StoredEventKind,
} from '../events/stored-event.js';
import { CampaignFactsBuilder, sendAsFolded } from './campaign-facts-builder.js';
import { LooseConversions } from './live-loose-conversions.js';
import { LiveMessage, restatusFacts } from './live-message.js';
import { LivePerson } from './live-person.js';
import { unlinkedTarget, unlinkedWindowed } from './live-unlinked.js';
import type { MessageFacts, RejectionFacts } from './message-facts.js';
import { FactsSummary } from './metrics-from-facts.js';
import { type ResolvedMetricsQuery, resolveMetricsQuery } from './metrics-query.js';
import type { CampaignMetrics, MetricsQuery } from './metrics-types.js';
import { emptyStatusSummary, type StatusSummary } from './status-fold.js';

/** Events read from the change feed per call. */
const FEED_PAGE = 5000;
/** Sends folded at a time by `start` by default, about what an update at Meta's rates brings. */
const START_BATCH = 1000;

/** Options of {@link LiveCampaignFold} (internal). */
export interface LiveCampaignFoldOptions {
  /** Sends `start` folds at a time, as an update would (default 1000; tests make it small). */
  startBatch?: number;
}
/** At most this many distinct strings are shared among kept sends (see `LiveCampaignFold.#share`). */
const MAX_SHARED_STRINGS = 10_000;
/** Ids per scan when fetching the events of new messages or new recipients. */
const SCAN_CHUNK = 5000;
const BY_MESSAGE: readonly StoredEventKind[] = [
  'status',
  'inbound',
  'click',
  'opt_out',
  'block',
  'conversion',
];
const BY_RECIPIENT: readonly StoredEventKind[] = ['inbound', 'click', 'opt_out', 'block', 'conversion'];
/** {@link BY_MESSAGE} without statuses: for a store that hands over a message's statuses folded. */
const BY_MESSAGE_NO_STATUS = BY_MESSAGE.filter((kind) => kind !== 'status');

/**
 * A store that keeps each message's statuses folded (PostgreSQL's status rollup): the fold reads a new
 * message's statuses from it, one narrow row instead of every status event.
 */
interface StatusSummarySource {
  statusSummaries(messageIds: readonly string[]): Promise<Map<string, StatusSummary>>;
}

function hasStatusSummaries(store: EventStore): store is EventStore & StatusSummarySource {
  return typeof (store as Partial<StatusSummarySource>).statusSummaries === 'function';
}
/** The suppression list's record of a 131050 failure: the fold ignores it (see CampaignFactsBuilder). */
const ERROR_131050_SOURCE = 'error_131050';
/** Meta's click webhooks name no message and no recipient: they join a tracker click by click id. */
const META_SOURCE = 'meta';

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += SCAN_CHUNK) yield items.slice(i, i + SCAN_CHUNK);
}

/**
 * The incremental fold behind `watchCampaignMetrics` (advanced, internal).
 *
 * Attribution cannot be updated event by event in general: a new send changes which message an earlier
 * unlinked reply belongs to, and a new failure moves such a reply to an earlier message. But it never
 * crosses people: every event either names a message (and so its recipient) or names only its
 * recipient. So the fold keeps, per person, their sends and the events that may concern them; each
 * update reads only the events appended since (the store's `readSince` feed), routes each to its person
 * and re-folds only the people touched, with the same {@link CampaignFactsBuilder} a full computation
 * uses — so the numbers are identical. A new message's earlier events (a status that came before the
 * send was recorded) and a new recipient's earlier replies are fetched from the store by id: the cost
 * of an update follows the new events, not the campaign. Identity links learned from new events merge
 * the people they join. The summary is kept as running totals ({@link FactsSummary}): a refold takes
 * back the people's old facts and adds their new ones, so reading the metrics costs no pass either.
 *
 * @internal
 */
export class LiveCampaignFold {
  readonly #store: EventStore;
  readonly #query: MetricsQuery;
  readonly #resolved: ResolvedMetricsQuery;
  #links: IdentityLinks | undefined;
  readonly #people = new Map<string, LivePerson>();
  /** The campaign's messages (whose they are, their statuses, their counted facts), by message id. */
  readonly #messages = new Map<string, LiveMessage<LivePerson>>();
  /** Messages whose statuses changed since the last update (their person may need no fold). */
  #restatused = new Set<LiveMessage<LivePerson>>();
  #cursor: EventCursor | undefined;
  /** The people to fold again, whole, at the end of this update. */
  #affected = new Set<LivePerson>();
  /**
   * Messages to fold again on their own at the end of this update, by person: that person's facts
   * depend on nothing but each message's own statuses and events (see {@link LiveCampaignFold.#touchMessage}).
   */
  #dirty = new Map<LivePerson, Set<LiveMessage<LivePerson>>>();
  /** Events naming no message that arrived since the last refold, by person (placed by `#placeUnlinked`). */
  #unlinkedNew = new Map<LivePerson, StoredEvent[]>();
  /**
   * For the people whose messages of `#dirty` are folded alone though they have events naming no message:
   * those of these events that go to one of those messages (the refold hands them to the builder).
   */
  #unlinkedGiven = new Map<LivePerson, StoredEvent[]>();
  /** Whether a click reopens the attribution window (then events naming no message fold their whole person). */
  readonly #fromClick: boolean;
  #newMessages: string[] = [];
  #newPeople: LivePerson[] = [];
  #relinked = new Set<LivePerson>();
  /** Meta's clicks seen so far, by click id (each goes to the person whose tracker click recorded the id). */
  readonly #metaClicks = new Map<string, Map<string, ClickEvent>>();
  /** From when (epoch ms, a whole second) Meta's clicks already stored have been read. */
  #metaReadFromMs = Number.POSITIVE_INFINITY;
  /**
   * The people (by key) tracker clicks with a click id were kept for: links may share a click id, and
   * the builder gives that id's Meta clicks to one message among all of theirs (see `#joinClickIds`).
   */
  readonly #peopleByClickId = new Map<string, Set<string>>();
  #firstSendMs = Number.POSITIVE_INFINITY;
  /** Conversions naming a discount code or only the campaign (see {@link LooseConversions}). */
  readonly #loose: LooseConversions;
  /** The summary of every person's facts, kept current as their facts change (see `#refold`). */
  readonly #summary: FactsSummary;
  readonly #startBatch: number;
  /** The variants, segments, template names and time zones of the kept sends, one copy of each (see `#share`). */
  readonly #shared = new Map<string, string>();
  /**
   * `value`, or an equal string kept before: a store hands each row its own copy of a campaign's few
   * variants, segments and template names, and the fold keeps every send. (Bounded, in case a field
   * thought to repeat does not.)
   */
  readonly #share = (value: string): string => {
    const shared = this.#shared.get(value);
    if (shared !== undefined) return shared;
    if (this.#shared.size < MAX_SHARED_STRINGS) this.#shared.set(value, value);
    return value;
  };

  /** A fold of `query` over `store`; call {@link LiveCampaignFold.start} first. */
  constructor(store: EventStore, query: MetricsQuery, options: LiveCampaignFoldOptions = {}) {
    this.#store = store;
    this.#startBatch = Math.max(1, Math.floor(options.startBatch ?? START_BATCH));
    this.#query = query;
    this.#resolved = resolveMetricsQuery(query);
    this.#loose = new LooseConversions(this.#resolved.campaignId);
    this.#fromClick = this.#resolved.attributionWindowFrom === 'click';
    const q = this.#resolved;
    const summarize: ConstructorParameters<typeof FactsSummary>[0] = { timeZone: q.timeZone };
    if (q.groupBy) summarize.groupBy = q.groupBy;
    if (q.rateCard) summarize.rateCard = q.rateCard;
    this.#summary = new FactsSummary(summarize);
  }

  /**
   * Whether the fold can follow this store and query: the store has the `readSince` change feed, and
   * the query does not infer blocks (which depends on the time of asking, not on new events).
   */
  static supports(store: EventStore, query: MetricsQuery): boolean {
    return (
      store.readSince !== undefined &&
      store.latestCursor !== undefined &&
      resolveMetricsQuery(query).blockInferenceAfterMs === undefined
    );
  }

  /** Reads the campaign as it is now (a cursor is taken first, so nothing appended meanwhile is missed). */
  async start(): Promise<void> {
    this.#cursor = await this.#store.latestCursor!();
    this.#links = await this.#store.identityLinks?.();
    const window: { from?: Date; to?: Date } = {};
    if (this.#query.from) window.from = this.#query.from;
    if (this.#query.to) window.to = this.#query.to;
    const sends: StoredEvent[] = [];
    for await (const event of this.#store.scan({
      campaignId: this.#resolved.campaignId,
      kinds: ['outbound', 'send_failed'],
      ...window,
    })) {
      // Held as the copies the fold keeps (routed as such, not copied again), so the events the store
      // decoded die young. Held whole, they would teach V8 that decoded events live on
      // (allocation-site pretenuring), and it would then allocate every event an update decodes, mostly
      // statuses that are garbage at once, in the old generation: full GCs nearly twice as often.
      sends.push(event.kind === 'outbound' ? sendAsFolded(event, this.#share) : event);
    }
    // Folded a batch at a time, as updates fold what was appended: the same code on the same path, so
    // V8 compiles it once with what every update needs (one fold of the whole campaign would compile
    // its loops mid-run, on-stack, with half the type feedback, and the first updates would pay again).
    const batch = this.#startBatch;
    for (let i = 0; i < sends.length; i += batch) {
      const end = Math.min(sends.length, i + batch);
      for (let j = i; j < end; j++) this.#route(sends[j]!, true);
      await this.#settle();
    }
    if (sends.length === 0) await this.#settle();
    // Then what the feed holds after the cursor (taken a little early by a store that reads back a
    // margin, see `latestCursor`): the first update reads only what is new, as every later one does.
    await this.update();
  }

  /** Folds in what was appended since the last call; resolves true when any person's facts were re-folded. */
  async update(): Promise<boolean> {
    for (;;) {
      const changes = await this.#store.readSince!(this.#cursor, FEED_PAGE);
      this.#cursor = changes.cursor;
      for (const event of changes.events) this.#route(event);
      if (!changes.more) break;
    }
    return this.#settle();
  }

  /**
   * The campaign's metrics as of the last fold: read from running totals that each refold corrects for
   * the people it touched (no I/O, no pass over the campaign).
   */
  metrics(): CampaignMetrics {
    // Campaign-only conversions depend on the first send, which may still move: counted for this read.
    const campaignConversions = this.#loose.campaignConversions(this.#firstSendMs);
    for (const c of campaignConversions) this.#summary.addCampaignConversion(c);
    const metrics = this.#summary.metrics();
    for (const c of campaignConversions) this.#summary.addCampaignConversion(c, -1);
    return metrics;
  }

  #keyOf(recipientId: string): string {
    return this.#links ? this.#links.canonical(recipientId) : normalizeRecipientId(recipientId);
  }

  #person(key: string): LivePerson {
    let person = this.#people.get(key);
    if (person === undefined) {
      person = new LivePerson(key);
      this.#people.set(key, person);
    }
    return person;
  }

  /**
   * Sends the event to the person it may concern, if any (the same selection a full computation scans).
   * `keptCopy`: an outbound `event` is already the copy the fold keeps (as `start` holds its sends).
   */
  #route(event: StoredEvent, keptCopy = false): void {
    if (this.#links) this.#learnLinks(event);
    switch (event.kind) {
      case 'outbound':
      case 'send_failed':
        this.#addSend(event, keptCopy);
        return;
      case 'status': {
        const message = this.#messages.get(event.messageId);
        if (message?.addStatus(event)) this.#restatused.add(message);
        return;
      }
      case 'inbound':
        if (event.contextMessageId !== undefined) this.#toOwner(event, event.contextMessageId);
        else this.#toRecipient(event, event.recipientId);
        return;
      case 'click':
        if (event.source === META_SOURCE) {
          this.#addMetaClick(event);
          return;
        }
        if (event.messageId !== undefined) this.#toOwner(event, event.messageId);
        else if (
          event.recipientId !== undefined &&
          (event.campaignId === undefined || event.campaignId === this.#resolved.campaignId)
        ) {
          this.#toRecipient(event, event.recipientId);
        }
        return;
      case 'conversion':
        if (this.#loose.accepts(event)) this.#addLooseConversion(event);
        else if (event.messageId !== undefined) this.#toOwner(event, event.messageId);
        else if (
          event.recipientId !== undefined &&
          (event.campaignId === undefined || event.campaignId === this.#resolved.campaignId)
        ) {
          this.#toRecipient(event, event.recipientId);
        }
        return;
      case 'opt_out':
      case 'block':
        if (event.kind === 'opt_out' && event.source === ERROR_131050_SOURCE) return;
        if (event.messageId !== undefined) this.#toOwner(event, event.messageId);
        else this.#toRecipient(event, event.recipientId);
        return;
      default:
        return;
    }
  }

  /** `keptCopy`: an outbound `event` is already the copy to keep (`sendAsFolded`). */
  #addSend(event: OutboundEvent | SendFailedEvent, keptCopy: boolean): void {
    const q = this.#resolved;
    if (event.campaignId !== q.campaignId) return;
    const atMs = event.at.getTime();
    if (atMs < q.fromMs || atMs >= q.toMs) return;
    if (event.kind === 'send_failed') {
      const person = this.#person(this.#keyOf(event.recipientId));
      if (!person.addRefused(eventKey(event), event)) return;
      this.#touch(person);
      return;
    }
    // One outbound event per message id (its event key): a repeat changes nothing.
    if (this.#messages.has(event.messageId)) return;
    const person = this.#person(this.#keyOf(event.recipientId));
    this.#firstSendMs = Math.min(this.#firstSendMs, atMs);
    const send = keptCopy ? event : sendAsFolded(event, this.#share);
    const message = new LiveMessage<LivePerson>(send, person);
    person.addMessage(message);
    this.#messages.set(event.messageId, message);
    this.#newMessages.push(event.messageId);
    const code = issuedCodeOf(event.metadata);
    // A code ties its holders and conversions together, and a new person's events are not read yet.
    if (code === undefined && person.scanned) this.#touchMessage(message);
    else this.#touch(person);
    if (code !== undefined) {
      const touched = this.#loose.addHolder(code, event.messageId, event.variant);
      this.#markTouched(touched.messageIds, touched.recipientIds);
    }
    if (!person.scanned) {
      person.scanned = true;
      this.#newPeople.push(person);
    }
  }

  #addLooseConversion(event: ConversionEvent): void {
    const touched = this.#loose.add(event);
    this.#markTouched(touched.messageIds, touched.recipientId === undefined ? [] : [touched.recipientId]);
  }

  /** Marks for a refold the people who sent `messageIds` and the people `recipientIds` are. */
  #markTouched(messageIds: readonly string[], recipientIds: readonly string[]): void {
    for (const messageId of messageIds) {
      const message = this.#messages.get(messageId);
      if (message !== undefined) this.#touch(message.owner);
    }
    for (const recipientId of recipientIds) {
      const person = this.#people.get(this.#keyOf(recipientId));
      if (person !== undefined) this.#touch(person);
    }
  }

  /** Marks `person` to be folded again whole at the end of this update. */
  #touch(person: LivePerson): void {
    this.#affected.add(person);
    this.#dirty.delete(person);
  }

  /**
   * Marks `message` to be folded again at the end of this update: on its own when none of its person's
   * conversions goes by a code, and either every event of theirs names its message (as of their last
   * fold: nothing then moves between their messages, each message's facts follow from its own send,
   * statuses and events) or what moves is settled by `#placeUnlinked`; else its whole person.
   */
  #touchMessage(message: LiveMessage<LivePerson>): void {
    const person = message.owner;
    if (this.#affected.has(person)) return;
    if (person.looseConversions || (!person.ownEventsOnly && !this.#placeable(person))) {
      this.#touch(person);
      return;
    }
    const messages = this.#dirty.get(person);
    if (messages === undefined) this.#dirty.set(person, new Set([message]));
    else messages.add(message);
  }

  /**
   * Whether the events naming no message of `person` can be placed message by message (see
   * `#placeUnlinked`): no conversion of theirs goes by a code, no Meta click joins theirs by click id,
   * and a click does not reopen the attribution window.
   */
  #placeable(person: LivePerson): boolean {
    return !person.looseConversions && !person.metaJoined && !this.#fromClick;
  }

  #toOwner(event: StoredEvent, messageId: string): void {
    const message = this.#messages.get(messageId);
    if (message !== undefined) this.#addEvent(message.owner, event, message);
  }

  #toRecipient(event: StoredEvent, recipientId: string): void {
    const person = this.#people.get(this.#keyOf(recipientId));
    if (person?.scanned) this.#addEvent(person, event, undefined);
  }

  /** Keeps `event` for `person`; `named` is the message it names (undefined: it goes by recipient). */
  #addEvent(person: LivePerson, event: StoredEvent, named: LiveMessage<LivePerson> | undefined): void {
    if (!person.addEvent(eventKey(event), event)) return;
    const clickId = event.kind === 'click' ? event.clickId : undefined;
    if (clickId !== undefined) {
      const keys = this.#peopleByClickId.get(clickId);
      if (keys === undefined) this.#peopleByClickId.set(clickId, new Set([person.key]));
      else keys.add(person.key);
    }
    // A Meta click joins by click id whichever message it names: the whole person then.
    if (clickId !== undefined && this.#metaClicks.has(clickId)) this.#touch(person);
    else if (named !== undefined) this.#touchMessage(named);
    else if (this.#affected.has(person)) return;
    else if (!this.#placeable(person)) this.#touch(person);
    else {
      const fresh = this.#unlinkedNew.get(person);
      if (fresh === undefined) this.#unlinkedNew.set(person, [event]);
      else fresh.push(event);
    }
  }

  /**
   * Keeps a Meta click (the refold hands it to the builder beside the tracker click with its click id),
   * and marks the people of the tracker clicks with its click id, if known, for a refold.
   */
  #addMetaClick(event: ClickEvent): void {
    const clickId = event.clickId;
    if (clickId === undefined) return; // names no message in any way: a full computation credits it to none
    const known = this.#metaClicks.get(clickId);
    if (known) known.set(eventKey(event), event);
    else this.#metaClicks.set(clickId, new Map([[eventKey(event), event]]));
    for (const person of this.#peopleWithClickId(clickId)) this.#touch(person);
  }

  /** The people tracker clicks with `clickId` were kept for (keys may have merged since). */
  #peopleWithClickId(clickId: string): LivePerson[] {
    const people: LivePerson[] = [];
    for (const key of this.#peopleByClickId.get(clickId) ?? []) {
      const person = this.#people.get(key) ?? this.#people.get(this.#keyOf(key));
      if (person !== undefined) people.push(person);
    }
    return people;
  }

  /**
   * Adds to the people folded whole everyone sharing a click id that Meta clicks joined with one of
   * theirs: the builder credits those Meta clicks to the lowest message id among all the tracker
   * clicks with that id, so those people fold in one builder or not at all.
   */
  #joinClickIds(): void {
    if (this.#metaClicks.size === 0) return;
    const work = [...this.#affected];
    while (work.length > 0) {
      const person = work.pop()!;
      for (const event of person.keptEvents()) {
        if (event.kind !== 'click' || event.clickId === undefined || !this.#metaClicks.has(event.clickId))
          continue;
        for (const other of this.#peopleWithClickId(event.clickId)) {
          if (this.#affected.has(other)) continue;
          this.#touch(other);
          work.push(other);
        }
      }
    }
  }

  /**
   * An event that ties ids together may make two of our people one, and make a user id's earlier events
   * (attributed to nobody so far) concern a campaign recipient: merge them, and re-read that person's events.
   */
  #learnLinks(event: StoredEvent): void {
    // Most events carry no user id: asked first, so the hot path allocates no empty list of pairs.
    if (!mayLinkIdentities(event)) return;
    const links = this.#links!;
    const pairs = identityPairs(event);
    if (pairs.length === 0) return;
    links.learn(event);
    for (const [a] of pairs) {
      const canonical = links.canonical(a);
      for (const alias of links.aliases(canonical)) {
        if (alias !== canonical && this.#people.has(alias)) this.#merge(alias, canonical);
      }
      const person = this.#people.get(canonical);
      if (person?.scanned && links.aliases(canonical).length > person.aliasCount) this.#relinked.add(person);
    }
  }

  #merge(fromKey: string, toKey: string): void {
    const from = this.#people.get(fromKey)!;
    this.#people.delete(fromKey);
    this.#affected.delete(from);
    this.#dirty.delete(from);
    this.#unlinkedNew.delete(from);
    this.#relinked.delete(from);
    const to = this.#person(toKey);
    // Their facts stay counted until the refold of `to` takes them back with its own.
    to.absorb(from);
    this.#newPeople = this.#newPeople.map((p) => (p === from ? to : p));
    this.#touch(to);
  }

  /** Fetches what new messages and people need from the store, then re-folds every person touched. */
  async #settle(): Promise<boolean> {
    await this.#readEarlierMetaClicks();
    while (this.#newMessages.length > 0 || this.#newPeople.length > 0 || this.#relinked.size > 0) {
      const messageIds = this.#newMessages;
      const keys = [...new Set([...this.#newPeople, ...this.#relinked])].map((person) => {
        person.aliasCount = this.#links ? this.#links.aliases(person.key).length : 1;
        return person.key;
      });
      this.#newMessages = [];
      this.#newPeople = [];
      this.#relinked = new Set();
      await this.#readMessages(messageIds);
      const recipientIds = this.#links ? this.#links.expand(keys) : keys;
      for (const ids of chunks(recipientIds)) {
        for await (const event of this.#store.scan({ kinds: BY_RECIPIENT, recipientIds: ids }))
          this.#route(event);
      }
    }
    const restatused = this.#restatus();
    this.#placeUnlinked();
    this.#joinClickIds();
    if (this.#affected.size === 0 && this.#dirty.size === 0) return restatused;
    this.#refold(this.#affected, this.#dirty);
    this.#affected = new Set();
    this.#dirty = new Map();
    this.#unlinkedGiven = new Map();
    return true;
  }

  /**
   * For each person with messages to fold alone (see `#touchMessage`) or new events naming no message,
   * and events naming no message: works out where each of those events goes now, by the builder's rule
   * ({@link unlinkedTarget}). Folding only some of their messages is exact when no earlier such event
   * moves: no changed message can have failed before or now (the rule skips failed messages), and no
   * earlier event goes to a new message. Then the new events' messages join the ones to fold, and the
   * events going to any of these are kept for the refold; else the whole person is folded.
   */
  #placeUnlinked(): void {
    const people = new Set(this.#unlinkedNew.keys());
    for (const person of this.#dirty.keys()) if (!person.ownEventsOnly) people.add(person);
    for (const person of people) {
      if (this.#affected.has(person)) continue;
      const given = this.#placeFor(person, this.#unlinkedNew.get(person));
      if (given === undefined) this.#touch(person);
      else if (given.length > 0) this.#unlinkedGiven.set(person, given);
    }
    this.#unlinkedNew = new Map();
  }

  /** See `#placeUnlinked`: the events naming no message to give the refold of `person`, or undefined for a whole fold. */
  #placeFor(person: LivePerson, fresh: readonly StoredEvent[] | undefined): StoredEvent[] | undefined {
    if (!this.#placeable(person)) return undefined;
    const dirty = this.#dirty.get(person);
    for (const message of person.messages) {
      if (message.facts !== undefined && !dirty?.has(message)) continue;
      if (message.facts === undefined && !dirty?.has(message)) return undefined;
      if (message.facts?.failed || (message.failedSeen && message.rank < 1)) return undefined;
    }
    // Unchanged messages keep the `failed` they were counted with; changed ones are not failed (above).
    const failed = (message: LiveMessage<LivePerson>) => message.facts?.failed === true;
    const windowMs = this.#resolved.attributionWindowMs;
    const targets = new Set(dirty);
    const placed: Array<[StoredEvent, LiveMessage<LivePerson>]> = [];
    for (const event of person.keptEvents()) {
      const windowed = unlinkedWindowed(event);
      if (windowed === undefined) continue;
      const target = unlinkedTarget(person.messages, event.at.getTime(), windowed, windowMs, failed);
      if (target === undefined) continue;
      if (fresh?.includes(event)) targets.add(target);
      else if (target.facts === undefined) return undefined; // an earlier event moves to a new message
      placed.push([event, target]);
    }
    const messages = dirty ?? new Set<LiveMessage<LivePerson>>();
    for (const target of targets) messages.add(target);
    if (messages.size > 0) this.#dirty.set(person, messages);
    for (const event of fresh ?? []) {
      person.ownEventsOnly = false;
      if (hidesEngagement(event)) person.hiddenEngagement = true;
    }
    const given: StoredEvent[] = [];
    for (const [event, target] of placed) if (messages.has(target)) given.push(event);
    return given;
  }

  /** Reads the events of new messages stored before their send was seen (their statuses folded, when the store can). */
  async #readMessages(messageIds: readonly string[]): Promise<void> {
    const store = this.#store;
    const summaries = hasStatusSummaries(store);
    for (const ids of chunks(messageIds)) {
      for await (const event of store.scan({
        kinds: summaries ? BY_MESSAGE_NO_STATUS : BY_MESSAGE,
        messageIds: ids,
      }))
        this.#route(event);
      if (!summaries) continue;
      for (const [messageId, summary] of await store.statusSummaries(ids)) {
        const message = this.#messages.get(messageId);
        if (message?.addSummary(summary)) this.#restatused.add(message);
      }
    }
  }

  /**
   * Corrects the counted facts of the messages whose statuses changed, each on its own when it is not
   * to be re-folded anyway and the change moves no other event (see {@link restatusFacts}); marks the
   * others for a refold (the message alone when its person allows). Returns whether any facts changed here.
   */
  #restatus(): boolean {
    const messages = this.#restatused;
    if (messages.size === 0) return false;
    this.#restatused = new Set();
    const summary = this.#summary;
    let changed = false;
    for (const message of messages) {
      const person = message.owner;
      if (this.#affected.has(person) || this.#dirty.get(person)?.has(message)) continue;
      const facts = restatusFacts(message, person.ownEventsOnly, person.hiddenEngagement);
      if (facts === undefined) {
        this.#touchMessage(message);
        continue;
      }
      summary.addMessage(message.facts!, -1);
      // Into the counted object: no new one that lives on (it would be copied by the GC).
      const counted = Object.assign(message.facts!, facts);
      summary.addMessage(counted);
      message.count(counted);
      changed = true;
    }
    return changed;
  }

  /**
   * Meta's clicks name no message: a full computation reads every one from the campaign's first send on.
   * When that first send moves earlier (or first appears), read the ones stored before what was read so far.
   */
  async #readEarlierMetaClicks(): Promise<void> {
    if (!Number.isFinite(this.#firstSendMs)) return;
    const fromMs = Math.floor(this.#firstSendMs / 1000) * 1000;
    if (fromMs >= this.#metaReadFromMs) return;
    const filter: { kinds: StoredEventKind[]; from: Date; to?: Date } = {
      kinds: ['click', 'conversion'],
      from: new Date(fromMs),
    };
    if (Number.isFinite(this.#metaReadFromMs)) filter.to = new Date(this.#metaReadFromMs);
    this.#metaReadFromMs = fromMs;
    for await (const event of this.#store.scan(filter)) {
      if (event.kind === 'click' && event.source === META_SOURCE) this.#addMetaClick(event);
      else if (event.kind === 'conversion' && this.#loose.accepts(event)) this.#addLooseConversion(event);
    }
  }

  /**
   * Folds `people` again from their sends, their messages' statuses and their events, and the messages
   * of `dirty` on their own (their send, statuses and the events naming them), and swaps their facts in
   * the running totals; notes for each person folded whole whether a status alone can update their
   * facts and whether a message can be folded alone. (In small steps: V8 compiles, and after a
   * deoptimization compiles again, each on its own, not one large function.)
   */
  #refold(people: ReadonlySet<LivePerson>, dirty: Dirty): void {
    const builder = resolveIdentities(new CampaignFactsBuilder(this.#query, this.#resolved), this.#links);
    /** This fold's messages by id (a small map, unlike the campaign's). */
    const folded = new Map<string, LiveMessage<LivePerson>>();
    addSends(builder, people, dirty, folded);
    addStatuses(builder, folded);
    const keys = new Set<string>();
    for (const person of people) {
      keys.add(person.key);
      this.#addPersonEvents(builder, person);
    }
    addDirtyEvents(builder, dirty, folded, this.#unlinkedGiven);
    this.#addLooseConversionsOf(builder, keys);
    const facts = builder.build();
    const uncounted = this.#takeBack(people, dirty);
    this.#countMessages(facts.messages, folded, people, uncounted);
    this.#countRejections(facts.rejections);
  }

  /**
   * Gives the builder every event of `person` (and the Meta clicks joining theirs), and notes from them
   * what decides how their next changes can be folded (see {@link LivePerson}).
   */
  #addPersonEvents(builder: CampaignFactsBuilder, person: LivePerson): void {
    let ownEventsOnly = true;
    let hiddenEngagement = false;
    let metaJoined = false;
    for (const event of person.keptEvents()) {
      builder.addEvent(event);
      if (!namesItsMessage(event)) ownEventsOnly = false;
      if (hidesEngagement(event)) hiddenEngagement = true;
      if (event.kind !== 'click' || event.clickId === undefined) continue;
      const metaClicks = this.#metaClicks.get(event.clickId);
      if (metaClicks === undefined) continue;
      ownEventsOnly = false;
      metaJoined = true;
      for (const click of metaClicks.values()) builder.addEvent(click);
    }
    person.ownEventsOnly = ownEventsOnly;
    person.hiddenEngagement = hiddenEngagement;
    person.metaJoined = metaJoined;
    person.looseConversions = false;
  }

  /** Gives the builder the loose conversions that go to the people `keys`, and notes them on those people. */
  #addLooseConversionsOf(builder: CampaignFactsBuilder, keys: ReadonlySet<string>): void {
    const messages = this.#messages;
    for (const { conversion, person: key, byRecipient } of this.#loose.forPeople(
      keys,
      (id) => messages.get(id)?.owner.key,
      (id) => this.#keyOf(id),
    )) {
      builder.addEvent(conversion);
      const person = this.#people.get(key);
      if (person === undefined) continue;
      person.hiddenEngagement = true;
      person.looseConversions = true;
      if (byRecipient) person.ownEventsOnly = false;
    }
  }

  /**
   * Takes the facts counted for `people` and for the messages of `dirty` out of the running totals;
   * returns the messages of `dirty` never counted (they join their person's counted ones).
   */
  #takeBack(people: ReadonlySet<LivePerson>, dirty: Dirty): Set<LiveMessage<LivePerson>> {
    const summary = this.#summary;
    for (const person of people) {
      for (const m of person.counted) summary.addMessage(m.facts!, -1);
      for (const r of person.rejections) summary.addRejection(r, -1);
      person.uncount();
    }
    const uncounted = new Set<LiveMessage<LivePerson>>();
    for (const messages of dirty.values()) {
      for (const message of messages) {
        if (message.facts === undefined) uncounted.add(message);
        else summary.addMessage(message.facts, -1);
      }
    }
    return uncounted;
  }

  /** Counts the facts the refold made for its messages in the running totals. */
  #countMessages(
    made: readonly MessageFacts[],
    folded: ReadonlyMap<string, LiveMessage<LivePerson>>,
    people: ReadonlySet<LivePerson>,
    uncounted: ReadonlySet<LiveMessage<LivePerson>>,
  ): void {
    const summary = this.#summary;
    for (const facts of made) {
      const message = folded.get(facts.messageId);
      if (message === undefined) continue;
      // Into the object counted before, if any (taken back above), for the reason given in #restatus.
      const counted = message.facts === undefined ? facts : Object.assign(message.facts, facts);
      // The send's own Date (the builder read the same instant from it), not the builder's copy: one
      // Date per kept message instead of two.
      counted.sentAt = message.send.at;
      message.count(counted);
      if (people.has(message.owner) || uncounted.has(message)) message.owner.countMessage(message);
      summary.addMessage(counted);
    }
  }

  /** Counts the refused sends the refold made facts of, each for its person. */
  #countRejections(rejections: readonly RejectionFacts[]): void {
    for (const rejection of rejections) {
      const person = this.#people.get(this.#keyOf(rejection.recipientId));
      if (person === undefined) continue;
      person.countRejection(rejection);
      this.#summary.addRejection(rejection);
    }
  }
}

/** The messages to fold again on their own, by person (see `LiveCampaignFold.#touchMessage`). */
type Dirty = ReadonlyMap<LivePerson, ReadonlySet<LiveMessage<LivePerson>>>;

/** Gives the builder the sends of `people` (all of them) and of the messages of `dirty`, noted in `folded`. */
function addSends(
  builder: CampaignFactsBuilder,
  people: ReadonlySet<LivePerson>,
  dirty: Dirty,
  folded: Map<string, LiveMessage<LivePerson>>,
): void {
  for (const person of people) {
    for (const message of person.messages) {
      builder.addSend(message.send);
      folded.set(message.send.messageId, message);
    }
    for (const send of person.refusedSends()) builder.addSend(send);
  }
  for (const messages of dirty.values()) {
    for (const message of messages) {
      builder.addSend(message.send);
      folded.set(message.send.messageId, message);
    }
  }
}

/** Gives the builder the statuses (folded) of the messages `folded`. */
function addStatuses(
  builder: CampaignFactsBuilder,
  folded: ReadonlyMap<string, LiveMessage<LivePerson>>,
): void {
  const statuses = emptyStatusSummary();
  for (const [messageId, message] of folded) {
    if (message.hasStatus) builder.addStatusSummary(messageId, message.summary(statuses));
  }
}

/**
 * Gives the builder the events naming the messages of `dirty`, and of `given` (events naming no message
 * that go to one of those, see `LiveCampaignFold.#placeUnlinked`).
 */
function addDirtyEvents(
  builder: CampaignFactsBuilder,
  dirty: Dirty,
  folded: ReadonlyMap<string, LiveMessage<LivePerson>>,
  given: ReadonlyMap<LivePerson, readonly StoredEvent[]>,
): void {
  for (const [person, messages] of dirty) {
    for (const event of given.get(person) ?? []) {
      builder.addEvent(event);
      if (hidesEngagement(event)) person.hiddenEngagement = true;
    }
    for (const event of person.keptEvents()) {
      const named = folded.get(namedMessageId(event) as string);
      if (named === undefined || !messages.has(named)) continue;
      builder.addEvent(event);
      if (hidesEngagement(event)) person.hiddenEngagement = true;
    }
  }
}

/** The message id `event` names, for the builder to credit it to (undefined: it goes by recipient). */
function namedMessageId(event: StoredEvent): string | undefined {
  switch (event.kind) {
    case 'inbound':
      return event.contextMessageId;
    case 'click':
    case 'opt_out':
    case 'block':
    case 'conversion':
      return event.messageId;
    default:
      return undefined;
  }
}

/** Whether the builder credits `event` to the message it names (not to a recipient's latest message). */
function namesItsMessage(event: StoredEvent): boolean {
  return namedMessageId(event) !== undefined;
}

/**
 * Whether `event` is an opt-out or a conversion: engagement a status alone cannot account for when its
 * person's facts are updated (see `LivePerson.hiddenEngagement`).
 */
function hidesEngagement(event: StoredEvent): boolean {
  return event.kind === 'opt_out' || event.kind === 'conversion';
}
