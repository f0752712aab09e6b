import type { OutboundEvent, StatusEvent } from '../events/stored-event.js';
import type { MessageFacts } from './message-facts.js';
import type { StatusSummary } from './status-fold.js';

const ALREADY_OPTED_OUT_ERROR = 131050;
const LIMITED_BY_META_ERROR = 131049;

/** A status's rank as `CampaignFactsBuilder` folds it: sent < delivered < read (= played). */
const RANKS: Readonly<Record<string, 0 | 1 | 2>> = { sent: 0, delivered: 1, read: 2, played: 2 };

/**
 * One campaign message as the live fold keeps it (advanced, internal): whose it is, its statuses
 * folded (the same order-free fold as {@link StatusSummary}, so repeats and disorder change nothing),
 * and the facts of it counted in the fold's running totals. `Owner` is the fold's record of a person.
 *
 * @internal
 */
export class LiveMessage<Owner = unknown> {
  /** Its send, as much of it as the facts builder reads (see `sendAsFolded`). */
  readonly send: OutboundEvent;
  /** The person it was sent to (changes when two people turn out to be one). */
  owner: Owner;
  /** Highest status rank reported: -1 none, 0 sent, 1 delivered, 2 read or played. */
  maxRank = -1;
  /** A `failed` status was reported. */
  failedSeen = false;
  /** The lowest error code among its `failed` statuses. */
  minError: number | undefined = undefined;
  /** A `sent`/`delivered`/`read`/`played` status carried billable pricing. */
  billableSeen = false;
  /** The lowest billable pricing category of its `sent` statuses. */
  categorySent: string | undefined = undefined;
  /** The lowest billable pricing category of its `delivered`/`read`/`played` statuses. */
  categoryLater: string | undefined = undefined;
  /** Its facts as counted in the running totals (undefined until its person is first folded). */
  facts: MessageFacts | undefined = undefined;
  /** The rank (0 to 2) its statuses had when `facts` were made. */
  countedRank: 0 | 1 | 2 = 0;
  /** Whether a `failed` status was known when `facts` were made. */
  countedFailedSeen = false;

  /** The message `send` sent to `owner`, with no status yet. */
  constructor(send: OutboundEvent, owner: Owner) {
    this.send = send;
    this.owner = owner;
  }

  /** Its rank as the facts builder reads it (no status at all counts as sent). */
  get rank(): 0 | 1 | 2 {
    return this.maxRank < 0 ? 0 : (this.maxRank as 0 | 1 | 2);
  }

  /** Whether any status was folded in (else the builder needs none of it). */
  get hasStatus(): boolean {
    return this.maxRank >= 0 || this.failedSeen;
  }

  /**
   * Folds one status in, as `CampaignFactsBuilder` folds a status event; returns whether anything its
   * facts read changed (a repeat, or a status the fold ignores, changes nothing).
   */
  addStatus(event: StatusEvent): boolean {
    if (event.status === 'failed') {
      const changed = this.#markFailed();
      const code = event.errorCode;
      return (code !== undefined && this.#lowerError(code)) || changed;
    }
    const rank = RANKS[event.status];
    if (rank === undefined) return false;
    let changed = this.#raiseRank(rank);
    const pricing = event.pricing;
    if (!pricing || (pricing.billable !== true && pricing.type !== 'regular')) return changed;
    changed = this.#markBillable() || changed;
    const category = pricing.category;
    if (category === undefined) return changed;
    return (rank === 0 ? this.#lowerCategorySent(category) : this.#lowerCategoryLater(category)) || changed;
  }

  /**
   * Folds in statuses given already folded (a store's status rollup), as adding each of them with
   * {@link LiveMessage.addStatus} would; returns whether anything its facts read changed.
   */
  addSummary(summary: StatusSummary): boolean {
    let changed = false;
    if (summary.maxRank !== null) changed = this.#raiseRank(Math.min(summary.maxRank, 2)) || changed;
    if (summary.failedSeen === 1) changed = this.#markFailed() || changed;
    if (summary.minError !== null) changed = this.#lowerError(summary.minError) || changed;
    if (summary.billableSeen === 1) changed = this.#markBillable() || changed;
    if (summary.categorySent !== null) changed = this.#lowerCategorySent(summary.categorySent) || changed;
    if (summary.categoryLater !== null) changed = this.#lowerCategoryLater(summary.categoryLater) || changed;
    return changed;
  }

  // Each folds one part of a status in (the fold only raises ranks and flags and lowers codes and
  // categories) and returns whether it changed.
  #raiseRank(rank: number): boolean {
    if (rank <= this.maxRank) return false;
    this.maxRank = rank;
    return true;
  }

  #markFailed(): boolean {
    if (this.failedSeen) return false;
    this.failedSeen = true;
    return true;
  }

  #lowerError(code: number): boolean {
    if (this.minError !== undefined && code >= this.minError) return false;
    this.minError = code;
    return true;
  }

  #markBillable(): boolean {
    if (this.billableSeen) return false;
    this.billableSeen = true;
    return true;
  }

  #lowerCategorySent(category: string): boolean {
    if (this.categorySent !== undefined && category >= this.categorySent) return false;
    this.categorySent = category;
    return true;
  }

  #lowerCategoryLater(category: string): boolean {
    if (this.categoryLater !== undefined && category >= this.categoryLater) return false;
    this.categoryLater = category;
    return true;
  }

  /** Writes its statuses into `into` (for `CampaignFactsBuilder.addStatusSummary`) and returns it. */
  summary(into: StatusSummary): StatusSummary {
    into.maxRank = this.maxRank < 0 ? null : this.maxRank;
    into.failedSeen = this.failedSeen ? 1 : 0;
    into.minError = this.minError ?? null;
    into.optOutError = this.minError === ALREADY_OPTED_OUT_ERROR ? 1 : 0;
    into.billableSeen = this.billableSeen ? 1 : 0;
    into.categorySent = this.categorySent ?? null;
    into.categoryLater = this.categoryLater ?? null;
    return into;
  }

  /** Records `facts` as the ones counted now, made from its statuses as they are now. */
  count(facts: MessageFacts): void {
    this.facts = facts;
    this.countedRank = this.rank;
    this.countedFailedSeen = this.failedSeen;
  }
}

/** The facts of a message its statuses decide (what {@link restatusFacts} changes). */
export type StatusFacts = Pick<
  MessageFacts,
  | 'delivered'
  | 'read'
  | 'failed'
  | 'pending'
  | 'errorCode'
  | 'alreadyOptedOut'
  | 'limitedByMeta'
  | 'billable'
  | 'pricingCategory'
>;

/**
 * The facts new statuses decide for a message (to assign over the facts counted before), made from the
 * facts counted before without folding its person again, or undefined when that cannot be known
 * without the fold. The statuses change only what they
 * decide (delivered, read, failed, pending, error code, billing); whether a user's action proved the
 * message delivered is read from the old facts (`delivered` while undelivered, `read` while unread).
 * That holds when the new statuses move no other event: either the person's events all name their
 * message (`ownEventsOnly`: nothing is attributed by recipient, no Meta click joins by click id, so
 * `failed` moves nothing), or the message's `failed` does not change. A message becoming delivered may
 * reveal an opt-out or a conversion its facts hid while undelivered: unless the person has none
 * (`hiddenEngagement` false), that needs the fold too.
 *
 * @internal
 */
export function restatusFacts(
  message: LiveMessage,
  ownEventsOnly: boolean,
  hiddenEngagement: boolean,
): StatusFacts | undefined {
  const before = message.facts;
  if (before === undefined) return undefined;
  const rank = message.rank;
  let failed: boolean;
  if (rank >= 1) failed = false;
  else if (message.failedSeen === message.countedFailedSeen) failed = before.failed;
  // Still undelivered with a first failure: failed unless its own events proved it delivered.
  else if (ownEventsOnly) failed = !before.delivered;
  else return undefined;
  if (failed !== before.failed && !ownEventsOnly) return undefined;
  const delivered = rank >= 1 || before.delivered;
  if (delivered && !before.delivered && hiddenEngagement) return undefined;
  const errorCode = message.minError;
  const billable = message.billableSeen && !failed;
  return {
    delivered,
    read: rank >= 2 || before.read,
    failed,
    pending: !delivered && !failed,
    errorCode,
    alreadyOptedOut: failed && errorCode === ALREADY_OPTED_OUT_ERROR,
    limitedByMeta: failed && errorCode === LIMITED_BY_META_ERROR,
    billable,
    pricingCategory: billable ? (message.categoryLater ?? message.categorySent) : undefined,
  };
}
