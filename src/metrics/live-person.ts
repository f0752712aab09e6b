import type { SendFailedEvent, StoredEvent } from '../events/stored-event.js';
import type { LiveMessage } from './live-message.js';
import type { RejectionFacts } from './message-facts.js';

/** The empty list every person starts with (shared, so frozen: lists grow by copy, see `appended`). */
const NONE: readonly never[] = Object.freeze([]);

/**
 * `list` with `item` at its end. Most people have a message or two: a short list is copied to its exact
 * size (`push` would give a one-element list room for 17), a longer one grows in place. `list` must not
 * be shared with anyone who keeps it, except {@link NONE}.
 */
function appended<T>(list: readonly T[], item: T): readonly T[] {
  if (list.length === 0) return [item];
  if (list.length < 32) return list.concat([item]);
  (list as T[]).push(item);
  return list;
}

/**
 * Everything the live fold knows about one person of the campaign (one canonical recipient id), and
 * what of it is counted in the fold's running totals (advanced, internal).
 *
 * The fold keeps one per recipient of a campaign that may have millions, so it holds no empty map or
 * list of its own: the maps are made on first use and the lists are sized to what they hold.
 *
 * @internal
 */
export class LivePerson {
  /** Their key in the fold: their canonical recipient id. */
  key: string;
  /** Their accepted messages of the campaign, in the order they were learned. */
  messages: readonly LiveMessage<LivePerson>[] = NONE;
  /** Their refused sends (`send_failed`) of the campaign, by event key (undefined: none yet). */
  #refused: Map<string, SendFailedEvent> | undefined = undefined;
  /**
   * The events other than statuses that may concern their messages, by event key (repeats fold away;
   * statuses are folded into each {@link LiveMessage} instead); undefined: none yet.
   */
  #events: Map<string, StoredEvent> | undefined = undefined;
  /** Whether their earlier events were fetched from the store (done on their first message). */
  scanned = false;
  /** How many ids (phone number, user ids) they had when their events were last fetched by recipient. */
  aliasCount = 0;
  /** Their messages whose facts are counted (as of the last fold, or a status since). */
  counted: readonly LiveMessage<LivePerson>[] = NONE;
  /** Their refused sends as counted at the last fold. */
  rejections: readonly RejectionFacts[] = NONE;
  /**
   * As of the last fold: every event of theirs names its message (none is attributed by recipient, no
   * Meta click joins one by click id), so a status changes only its own message's facts.
   */
  ownEventsOnly = false;
  /** As of the last fold: a Meta click joins one of their clicks by click id. */
  metaJoined = false;
  /** As of the last fold: an opt-out or conversion of theirs may be hidden in an undelivered message's facts. */
  hiddenEngagement = true;
  /**
   * As of the last fold: a conversion without a message id went to them (by a code one of their
   * messages carries, or by recipient), so a message of theirs cannot be folded alone.
   */
  looseConversions = false;

  /** A person known by `key`, with nothing yet. */
  constructor(key: string) {
    this.key = key;
  }

  /** Adds `message` to their messages. */
  addMessage(message: LiveMessage<LivePerson>): void {
    this.messages = appended(this.messages, message);
  }

  /** Keeps the refused send `event` with event key `id`; false when it was kept already. */
  addRefused(id: string, event: SendFailedEvent): boolean {
    if (this.#refused === undefined) this.#refused = new Map();
    else if (this.#refused.has(id)) return false;
    this.#refused.set(id, event);
    return true;
  }

  /** Keeps `event` with event key `id`; false when it was kept already. */
  addEvent(id: string, event: StoredEvent): boolean {
    if (this.#events === undefined) this.#events = new Map();
    else if (this.#events.has(id)) return false;
    this.#events.set(id, event);
    return true;
  }

  /** Their refused sends. */
  refusedSends(): Iterable<SendFailedEvent> {
    return this.#refused === undefined ? NONE : this.#refused.values();
  }

  /** Their events kept by {@link LivePerson.addEvent}, in the order they were kept. */
  keptEvents(): Iterable<StoredEvent> {
    return this.#events === undefined ? NONE : this.#events.values();
  }

  /** Notes `message` among the ones counted. */
  countMessage(message: LiveMessage<LivePerson>): void {
    this.counted = appended(this.counted, message);
  }

  /** Notes `rejection` among the ones counted. */
  countRejection(rejection: RejectionFacts): void {
    this.rejections = appended(this.rejections, rejection);
  }

  /** Forgets what was counted (the caller took it out of the totals). */
  uncount(): void {
    this.counted = NONE;
    this.rejections = NONE;
  }

  /** Takes over everything `other` holds (two ids turned out to be one person); their counted facts stay counted. */
  absorb(other: LivePerson): void {
    for (const message of other.messages) {
      message.owner = this;
      this.addMessage(message);
    }
    for (const [id, send] of other.#refused ?? []) this.addRefused(id, send);
    for (const [id, event] of other.#events ?? []) this.addEvent(id, event);
    for (const message of other.counted) this.countMessage(message);
    for (const rejection of other.rejections) this.countRejection(rejection);
    this.scanned ||= other.scanned;
  }
}
