import { ConfigError } from '../errors/index.js';
import { eventKey } from '../events/event-key.js';
import { ISSUED_CODE_METADATA_KEY, issuedCodeOf } from '../events/issued-code.js';
import { normalizeRecipientId } from '../events/recipient-id.js';
import type {
  ClickEvent,
  ConversionEvent,
  OutboundEvent,
  SendFailedEvent,
  StatusEvent,
  StoredEvent,
} from '../events/stored-event.js';
import { isOptOutInbound, type OptOutDetectionOptions } from '../tracking/opt-out-detection.js';
import type {
  CampaignConversionFacts,
  CampaignFacts,
  MessageFacts,
  RejectionFacts,
} from './message-facts.js';
import { type ResolvedMetricsQuery, resolveMetricsQuery } from './metrics-query.js';
import type { MetricsQuery } from './metrics-types.js';
import { addMicros, amountsByCurrency, currencyKey } from './revenue-currency.js';
import type { StatusSummary } from './status-fold.js';

const ALREADY_OPTED_OUT_ERROR = 131050;
const LIMITED_BY_META_ERROR = 131049;
const MICROS = 1_000_000;

/** `opt_out` sources that record the user acting on the message (so they prove it was delivered and read). */
const USER_ACTION_OPT_OUT_SOURCES: ReadonlySet<string> = new Set([
  'user_preferences',
  'keyword',
  'quick_reply',
]);
/** The suppression list's record of a 131050 failure: not a new opt-out, and counted from the failure itself. */
const ERROR_131050_SOURCE = 'error_131050';
/** The `source` of a click Meta reported (Marketing Messages API `user_actions`). */
const META_SOURCE = 'meta';

/** An event that names no message, attributed once every message's state is known (see `build`). */
interface UnlinkedEvent {
  readonly event: StoredEvent;
  /** The recipient's matching key (see `#recipientKey`). */
  readonly key: string;
  /** Whether the attribution window applies (a campaign-scoped click token has none). */
  readonly windowed: boolean;
}

/**
 * A message's engagement, attributed and summed already (what a store that attributes events in SQL hands
 * to {@link CampaignFactsBuilder.addEngagementSummary} instead of the events themselves).
 */
export interface EngagementSummary {
  /** A user's action was credited to it (proof it was delivered and read). */
  proved: boolean;
  /** Distinct clicks credited to it. */
  clicks: number;
  /** A reply other than an opt-out was credited to it. */
  replied: boolean;
  /** When the earliest new opt-out signal credited to it came (epoch ms), if one did. */
  optOutAtMs?: number;
  /** A block was credited to it. */
  blocked: boolean;
  /** A conversion was credited to it. */
  converted: boolean;
  /** The sum of its credited conversion values, in micro-units (each value rounded as the fold does). */
  revenueMicros: number;
  /** The same sums by currency as recorded (keyed here as `revenueByCurrency` keys them), when values came. */
  currencyMicros?: ReadonlyMap<string | undefined, number>;
}

/** How far a message got: sent < delivered < read. */
type Rank = 0 | 1 | 2;
const Rank = { Sent: 0, Delivered: 1, Read: 2 } as const;

/**
 * The fold of one message while its events come in: private to the builder, which emits plain
 * {@link MessageFacts} from it in `build`. Everything here is copied out of the rows and events given,
 * except the clicks, whose repeats are only dropped at the end.
 */
class MessageFold {
  readonly messageId: string;
  readonly recipientId: string;
  readonly templateName: string | undefined;
  readonly recipientTimeZone: string | undefined;
  readonly sentAtMs: number;
  readonly variant: string | undefined;
  readonly segment: string | undefined;
  rank: Rank = Rank.Sent;
  failedSeen = false;
  /** Known once `build` starts: a `failed` status and nothing showing a delivery. */
  failed = false;
  errorCode: number | undefined = undefined;
  /** A user's action on the message was attributed to it: proof it was delivered and read. */
  proved = false;
  replied = false;
  blocked = false;
  /** When the earliest new opt-out signal credited to it came (epoch ms); infinite when none was. */
  optOutAtMs = Number.POSITIVE_INFINITY;
  convertedSeen = false;
  revenueMicros = 0;
  /** The same conversion values by currency (see `currencyKey`), once one had a value. */
  currencyMicros: Map<string, number> | undefined = undefined;
  billableSeen = false;
  /** Where `pricingCategory` came from: 1 a delivered/read status, 0 a `sent` one, -1 none yet. */
  categoryRank = -1;
  pricingCategory: string | undefined = undefined;
  /** The clicks credited to it, repeats included (counted without them in `build`). */
  clickEvents: StoredEvent[] | undefined = undefined;
  /** Distinct clicks credited already counted (see {@link CampaignFactsBuilder.addEngagementSummary}). */
  clickCount = 0;

  constructor(
    messageId: string,
    recipientId: string,
    sentAtMs: number,
    variant: string | undefined,
    segment: string | undefined,
    templateName: string | undefined,
    recipientTimeZone: string | undefined,
  ) {
    this.messageId = messageId;
    this.recipientId = recipientId;
    this.sentAtMs = sentAtMs;
    this.variant = variant;
    this.segment = segment;
    this.templateName = templateName;
    this.recipientTimeZone = recipientTimeZone;
  }
}

/**
 * Records a billable pricing category: one from a delivered/read status (`pricingRank` 1) beats one from
 * a `sent` status (0); between equals, the lowest category wins, so the result is independent of order.
 */
function priceMessage(message: MessageFold, pricingRank: 0 | 1, category: string): void {
  if (
    pricingRank > message.categoryRank ||
    (pricingRank === message.categoryRank && category < message.pricingCategory!)
  ) {
    message.pricingCategory = category;
    message.categoryRank = pricingRank;
  }
}

/** How many of `events` are distinct (by {@link eventKey}); keys are built only for events sharing a time. */
function distinctCount(events: readonly StoredEvent[]): number {
  if (events.length === 1) return 1;
  let count = 0;
  for (let i = 0; i < events.length; i++) {
    const ms = events[i]!.at.getTime();
    let repeat = false;
    for (let j = 0; j < i && !repeat; j++) {
      repeat = events[j]!.at.getTime() === ms && eventKey(events[j]!) === eventKey(events[i]!);
    }
    if (!repeat) count++;
  }
  return count;
}

/** Records a new opt-out signal credited to `message`, keeping the earliest time (order-free). */
function noteOptOut(message: MessageFold, at: Date): void {
  const ms = at.getTime();
  if (ms < message.optOutAtMs) message.optOutAtMs = ms;
}

/**
 * Whether a click credited to `message` came at or before `atMs` and no more than `windowMs` earlier:
 * its latest click before a conversion opens the window again (`attributionWindowFrom: 'click'`).
 */
function clickedWithin(message: MessageFold, atMs: number, windowMs: number): boolean {
  for (const click of message.clickEvents ?? []) {
    const clickMs = click.at.getTime();
    if (clickMs <= atMs && atMs - clickMs <= windowMs) return true;
  }
  return false;
}

/** The first millisecond after the second `atMs` falls in. */
function endOfSecond(atMs: number): number {
  return Math.floor(atMs / 1000) * 1000 + 1000;
}

function bySendTime(a: MessageFold, b: MessageFold): number {
  return a.sentAtMs - b.sentAtMs || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0);
}

/** Sorts by send time unless already sorted (sends usually arrive in order). */
function sortBySendTime(messages: MessageFold[]): void {
  for (let i = 1; i < messages.length; i++) {
    if (bySendTime(messages[i - 1]!, messages[i]!) > 0) {
      messages.sort(bySendTime);
      return;
    }
  }
}

/** The facts of a folded message (once `failed` is known and every event is credited). */
function messageFacts(m: MessageFold): MessageFacts {
  const delivered = m.rank >= Rank.Delivered || m.proved;
  const failed = m.failed;
  const clicks = m.clickCount + (m.clickEvents === undefined ? 0 : distinctCount(m.clickEvents));
  // Every rate over delivered counts only delivered messages (an app-recorded opt-out or a conversion
  // proves nothing about delivery).
  const optedOut = delivered && m.optOutAtMs !== Number.POSITIVE_INFINITY;
  const converted = delivered && m.convertedSeen;
  const billable = m.billableSeen && !failed;
  return {
    messageId: m.messageId,
    recipientId: m.recipientId,
    sentAt: new Date(m.sentAtMs),
    variant: m.variant,
    segment: m.segment,
    templateName: m.templateName,
    recipientTimeZone: m.recipientTimeZone,
    delivered,
    read: m.rank >= Rank.Read || m.proved,
    failed,
    pending: !delivered && !failed,
    errorCode: m.errorCode,
    alreadyOptedOut: failed && m.errorCode === ALREADY_OPTED_OUT_ERROR,
    limitedByMeta: failed && m.errorCode === LIMITED_BY_META_ERROR,
    billable,
    pricingCategory: billable ? m.pricingCategory : undefined,
    clicked: clicks > 0,
    clicks,
    replied: m.replied,
    optedOut,
    optedOutAt: optedOut ? new Date(m.optOutAtMs) : undefined,
    blocked: m.blocked,
    converted,
    revenue: converted ? m.revenueMicros / MICROS : 0,
    revenueByCurrency:
      converted && m.currencyMicros !== undefined ? amountsByCurrency(m.currencyMicros, MICROS) : undefined,
  };
}

/**
 * A copy of `send` with only what {@link CampaignFactsBuilder.addSend} reads of an outbound event (its
 * ids, time, campaign, variant, segment, template, and of its metadata the time zone and discount code):
 * `addSend` makes the same facts of it as of `send` (internal). For a fold that keeps every send of a
 * campaign to fold again, as the live fold does: the rest of an event (the caller's other metadata, the
 * phone number id) is not kept for each message. `share` may swap a string for an equal one kept before
 * (variants, segments and template names repeat across a campaign's sends).
 *
 * @internal
 */
export function sendAsFolded(send: OutboundEvent, share: (value: string) => string): OutboundEvent {
  const metadata = send.metadata;
  let kept: Record<string, unknown> | undefined;
  if (metadata !== undefined) {
    const zone = metadata.timeZone;
    const code = metadata[ISSUED_CODE_METADATA_KEY];
    if (zone !== undefined || code !== undefined) {
      kept = {};
      if (zone !== undefined) kept.timeZone = typeof zone === 'string' ? share(zone) : zone;
      if (code !== undefined) kept[ISSUED_CODE_METADATA_KEY] = code;
    }
  }
  // One shape for every copy, absent fields undefined (the builder reads them as absent).
  return {
    kind: 'outbound',
    messageId: send.messageId,
    recipientId: send.recipientId,
    at: send.at,
    campaignId: send.campaignId === undefined ? undefined : share(send.campaignId),
    variant: send.variant === undefined ? undefined : share(send.variant),
    segment: send.segment === undefined ? undefined : share(send.segment),
    templateName: send.templateName === undefined ? undefined : share(send.templateName),
    metadata: kept,
  };
}

/**
 * Step 1 of the metrics pipeline (advanced): folds one campaign's events into {@link CampaignFacts}.
 * Feed it the campaign's `outbound`/`send_failed` events with {@link CampaignFactsBuilder.addSend}
 * first, then every other event that may concern them with {@link CampaignFactsBuilder.addEvent}
 * (in any order, repeats allowed), then call {@link CampaignFactsBuilder.build}. Stores that push
 * metrics down use it to get results identical to {@link computeCampaignMetrics}.
 */
export class CampaignFactsBuilder {
  readonly #query: ResolvedMetricsQuery;
  readonly #messages = new Map<string, MessageFold>();
  readonly #rejections = new Map<string, RejectionFacts>();
  readonly #byRecipient = new Map<string, MessageFold | MessageFold[]>();
  readonly #conversions = new Set<string>();
  readonly #unlinked: UnlinkedEvent[] = [];
  /** Meta's clicks (`source: 'meta'`): credited in `build` through their `clickId` alone. */
  readonly #metaClicks: ClickEvent[] = [];
  /** The message each Meta click id belongs to, from the redirect's own clicks that recorded it. */
  readonly #messageByClickId = new Map<string, MessageFold>();
  readonly #priorDeliveries = new Map<string, number>();
  /** The messages each discount code was sent with (one for a unique code, several for a shared one). */
  readonly #messagesByCode = new Map<string, MessageFold[]>();
  /** Codes `addSend` read before their message was added (it is added right after). */
  readonly #pendingCodes = new Map<string, string>();
  /** Conversions naming a code and no message: resolved in `build`, once every code is known. */
  readonly #codeConversions: ConversionEvent[] = [];
  /** Conversions naming only the campaign: counted in `build` (in no message). */
  readonly #campaignOnly: ConversionEvent[] = [];
  /** The start of the second of the campaign's first send, known in `build`. */
  #firstSendSecond = Number.POSITIVE_INFINITY;
  /** The campaign-level conversions found so far (kept across `build` calls). */
  readonly #campaignConversions: CampaignConversionFacts[] = [];
  readonly #optOut: OptOutDetectionOptions;
  /** Whether a click opens a recipient-only conversion's window again (`attributionWindowFrom: 'click'`). */
  readonly #fromClick: boolean;
  /** Whether the grouping reads the template name or the recipient's record time zone (see MessageFacts). */
  readonly #labels: boolean;
  #sealed = false;

  /**
   * Starts a fold for the query's campaign (the query is validated; unknown keys are rejected).
   * `resolved`, when given, is `resolveMetricsQuery(query)` done once by the caller: a caller that builds
   * many folds of one query (the live fold, on every update) saves validating it each time.
   */
  constructor(query: MetricsQuery, resolved: ResolvedMetricsQuery = resolveMetricsQuery(query)) {
    this.#query = resolved;
    const groupBy = this.#query.groupBy;
    this.#labels = groupBy === 'template' || groupBy === 'hour' || groupBy === 'weekday';
    this.#optOut = { quickReplyPayloads: this.#query.optOutPayloads };
    if (this.#query.optOutKeywords) this.#optOut.keywords = this.#query.optOutKeywords;
    this.#fromClick = this.#query.attributionWindowFrom === 'click';
  }

  /** The validated query with its defaults. */
  get query(): ResolvedMetricsQuery {
    return this.#query;
  }

  /** The query's opt-out rules (quick-reply payloads, STOP keywords), as the fold tests replies with them. */
  get optOutDetection(): OptOutDetectionOptions {
    return this.#optOut;
  }

  /** The ids of the campaign's messages added so far. */
  messageIds(): string[] {
    return [...this.#messages.keys()];
  }

  /** The distinct recipients of the campaign's messages added so far, as the outbound events name them. */
  recipientIds(): string[] {
    const ids = new Set<string>();
    for (const message of this.#messages.values()) ids.add(message.recipientId);
    return [...ids];
  }

  /**
   * Adds an `outbound` or `send_failed` event; other campaigns' and out-of-range sends are ignored.
   * (What it reads of an outbound event is what {@link sendAsFolded} keeps: change the two together.)
   */
  addSend(event: OutboundEvent | SendFailedEvent): void {
    if (event.campaignId !== this.#query.campaignId) return;
    if (event.kind === 'outbound') {
      const labels = this.#labels;
      const zone = labels ? event.metadata?.timeZone : undefined;
      const code = issuedCodeOf(event.metadata);
      if (code !== undefined) this.addIssuedCode(event.messageId, code, event.at.getTime());
      this.#addMessage(
        event.messageId,
        event.recipientId,
        event.at.getTime(),
        event.variant,
        event.segment,
        labels ? event.templateName : undefined,
        typeof zone === 'string' ? zone : undefined,
      );
      return;
    }
    const q = this.#query;
    const atMs = event.at.getTime();
    if (atMs < q.fromMs || atMs >= q.toMs) return;
    this.#assertNotSealed();
    const key = eventKey(event);
    if (this.#rejections.has(key)) return;
    const rejection: RejectionFacts = { recipientId: event.recipientId, at: event.at };
    if (event.variant !== undefined) rejection.variant = event.variant;
    if (event.segment !== undefined) rejection.segment = event.segment;
    if (event.errorCode !== undefined) rejection.errorCode = event.errorCode;
    this.#rejections.set(key, rejection);
  }

  /**
   * Adds a made-up send standing for messages a store counted by group (a row of a SQL count): `groupValue`
   * goes in the field the query groups by (`variant`, `segment` or `template`; ignored otherwise).
   */
  addGroupSendRow(messageId: string, sentAtMs: number, groupValue: string | undefined): void {
    const groupBy = this.#query.groupBy;
    this.addSendRow(
      messageId,
      '',
      sentAtMs,
      groupBy === 'variant' ? groupValue : undefined,
      groupBy === 'segment' ? groupValue : undefined,
      groupBy === 'template' ? groupValue : undefined,
    );
  }

  /**
   * Adds one accepted send of the query's campaign, given as the values of its row (a store that reads
   * sends from its own rows calls this instead of building `outbound` events). The builder copies the
   * values: nothing passed in is kept. Ignored when sent outside the query's time range, or when
   * `messageId` was added already; like {@link CampaignFactsBuilder.addSend}, it must come before any
   * `addEvent`.
   *
   * @param messageId - the wamid the API returned
   * @param recipientId - the recipient, as the send named it
   * @param sentAtMs - when the API accepted it, in epoch milliseconds
   * @param variant - the send's A/B variant, if any
   * @param segment - the send's audience segment, if any
   * @param templateName - the template sent, if any (kept only when the query groups by template, hour or weekday)
   * @param recipientTimeZone - the IANA zone the send's record gives its recipient, if any (same rule)
   */
  addSendRow(
    messageId: string,
    recipientId: string,
    sentAtMs: number,
    variant: string | undefined,
    segment: string | undefined,
    templateName?: string,
    recipientTimeZone?: string,
  ): void {
    const labels = this.#labels;
    this.#addMessage(
      messageId,
      recipientId,
      sentAtMs,
      variant,
      segment,
      labels ? templateName : undefined,
      labels ? recipientTimeZone : undefined,
    );
  }

  #addMessage(
    messageId: string,
    recipientId: string,
    sentAtMs: number,
    variant: string | undefined,
    segment: string | undefined,
    templateName: string | undefined,
    recipientTimeZone: string | undefined,
  ): void {
    const q = this.#query;
    if (sentAtMs < q.fromMs || sentAtMs >= q.toMs) return;
    this.#assertNotSealed();
    const messages = this.#messages;
    if (messages.get(messageId) === undefined) {
      const message = new MessageFold(
        messageId,
        recipientId,
        sentAtMs,
        variant,
        segment,
        templateName,
        recipientTimeZone,
      );
      messages.set(messageId, message);
      const code = this.#pendingCodes.get(messageId);
      if (code !== undefined) this.#indexCode(message, code);
    }
    this.#pendingCodes.delete(messageId);
  }

  /**
   * Records that the campaign's message `messageId` was sent with the discount `code` (`issueCodes`).
   * `addSend` reads it from the outbound event's metadata itself; a store that reads sends from its own
   * rows calls this, after the send was added, only when {@link CampaignFactsBuilder.needsIssuedCodes}.
   *
   * @param messageId - the message sent with the code
   * @param code - the code
   * @param sentAtMs - when it was sent (ignored outside the query's time range, like the send)
   */
  addIssuedCode(messageId: string, code: string, sentAtMs: number): void {
    const q = this.#query;
    if (sentAtMs < q.fromMs || sentAtMs >= q.toMs) return;
    const pending = this.#pendingCodes;
    const message = this.#messages.get(messageId);
    if (message === undefined) {
      // From `addSend`, which records the code before the message itself.
      pending.set(messageId, code);
      return;
    }
    this.#indexCode(message, code);
  }

  #indexCode(message: MessageFold, code: string): void {
    const list = this.#messagesByCode.get(code);
    if (list === undefined) this.#messagesByCode.set(code, [message]);
    else if (!list.includes(message)) list.push(message);
  }

  /** Whether a conversion naming a discount code was added, so the codes of the sends are needed. */
  needsIssuedCodes(): boolean {
    return this.#codeConversions.length > 0;
  }

  #assertNotSealed(): void {
    if (this.#sealed)
      throw new ConfigError('CampaignFactsBuilder: addSend after addEvent (add every send first)');
  }

  /**
   * Records that `recipientId` had a message (of any campaign) sent at `sentAt` and delivered; used by
   * block inference only.
   */
  addPriorDelivery(recipientId: string, sentAt: Date): void {
    const key = this.#recipientKey(recipientId);
    const ms = sentAt.getTime();
    const known = this.#priorDeliveries.get(key);
    if (known === undefined || ms < known) this.#priorDeliveries.set(key, ms);
  }

  /**
   * The key under which recipients are matched: every comparison of recipient ids in the fold goes
   * through here (the SQL stores match on the same normalisation, stored as `recipient_key`).
   */
  #recipientKey(recipientId: string): string {
    return normalizeRecipientId(recipientId);
  }

  #seal(): void {
    this.#sealed = true;
    for (const message of this.#messages.values()) {
      const key = this.#recipientKey(message.recipientId);
      const known = this.#byRecipient.get(key);
      if (known === undefined) this.#byRecipient.set(key, message);
      else if (Array.isArray(known)) known.push(message);
      else this.#byRecipient.set(key, [known, message]);
    }
    for (const list of this.#byRecipient.values()) if (Array.isArray(list)) sortBySendTime(list);
  }

  /**
   * The campaign's latest message to the recipient sent at or before `atMs` that has not failed, if it
   * was sent within the attribution window (when `windowed`), or, when `fromClick`, was clicked within
   * it (see {@link clickedWithin}). Runs in `build`, once failures and clicks are known.
   * "At or before" is to the second: webhook timestamps are whole seconds while sends are stamped to the
   * millisecond, so a reply stamped 12:00:05 may answer a message sent at 12:00:05.930.
   */
  #latestFor(key: string, atMs: number, windowed: boolean, fromClick = false): MessageFold | undefined {
    const entry = this.#byRecipient.get(key);
    if (entry === undefined) return undefined;
    const sentBefore = endOfSecond(atMs);
    let found: MessageFold | undefined;
    if (Array.isArray(entry)) {
      for (let i = entry.length - 1; i >= 0; i--) {
        const message = entry[i]!;
        if (message.sentAtMs < sentBefore && !message.failed) {
          found = message;
          break;
        }
      }
    } else if (entry.sentAtMs < sentBefore && !entry.failed) {
      found = entry;
    }
    const windowMs = this.#query.attributionWindowMs;
    if (found && windowed && atMs - found.sentAtMs > windowMs) {
      return fromClick && clickedWithin(found, atMs, windowMs) ? found : undefined;
    }
    return found;
  }

  /** Keeps an event that names only its recipient for `build`, when the campaign sent that recipient anything. */
  #keepUnlinked(event: StoredEvent, recipientId: string, windowed: boolean): void {
    const key = this.#recipientKey(recipientId);
    if (!this.#byRecipient.has(key)) return;
    this.#unlinked.push({ event, key, windowed });
  }

  /**
   * Folds one event into the facts of the message it concerns (events of other messages are ignored).
   * An event that names its message is credited now; one that names only its recipient is kept and
   * attributed in `build`, when it is known which messages failed.
   */
  addEvent(event: StoredEvent): void {
    if (!this.#sealed) this.#seal();
    switch (event.kind) {
      case 'status':
        this.#addStatus(event);
        return;
      case 'inbound':
        if (event.contextMessageId !== undefined)
          this.#credit(event, this.#messages.get(event.contextMessageId));
        else this.#keepUnlinked(event, event.recipientId, true);
        return;
      case 'click': {
        if (event.source === META_SOURCE) {
          if (event.clickId !== undefined) this.#metaClicks.push(event);
        } else if (event.messageId !== undefined) {
          const target = this.#messages.get(event.messageId);
          if (target) this.#credit(event, target);
        } else if (
          event.recipientId !== undefined &&
          (event.campaignId === undefined || event.campaignId === this.#query.campaignId)
        ) {
          // A campaign-scoped click token names the campaign: no window; an unscoped one gets the window.
          this.#keepUnlinked(event, event.recipientId, event.campaignId === undefined);
        }
        return;
      }
      case 'opt_out':
      case 'block':
        if (event.kind === 'opt_out' && event.source === ERROR_131050_SOURCE) return;
        if (event.messageId !== undefined) this.#credit(event, this.#messages.get(event.messageId));
        else this.#keepUnlinked(event, event.recipientId, true);
        return;
      case 'conversion':
        this.#addConversion(event);
        return;
      default:
        return;
    }
  }

  /**
   * A conversion goes by the most specific key it carries: its message; a tracked link's token (its
   * campaign and recipient, with no window); a discount code (resolved in `build`); its recipient
   * (within the window); its campaign alone. One that names another campaign is not this campaign's.
   */
  #addConversion(event: ConversionEvent): void {
    if (event.messageId !== undefined) {
      this.#credit(event, this.#messages.get(event.messageId));
      return;
    }
    const campaignId = event.campaignId;
    if (campaignId !== undefined && campaignId !== this.#query.campaignId) return;
    if (event.token !== undefined && event.recipientId !== undefined && campaignId !== undefined) {
      this.#keepUnlinked(event, event.recipientId, false);
    } else if (event.code !== undefined) {
      this.#codeConversions.push(event);
    } else if (event.recipientId !== undefined) {
      this.#keepUnlinked(event, event.recipientId, true);
    } else if (campaignId !== undefined) {
      this.#campaignOnly.push(event);
    }
  }

  /**
   * Attributes a conversion naming a code: a code sent with one message credits that message; a code
   * sent with several (shared) counts for the campaign, under their variant when they all share one. A
   * code the campaign never sent falls back to the conversion's recipient, then its campaign.
   */
  #creditCode(event: ConversionEvent): void {
    const messages = this.#messagesByCode.get(event.code as string);
    if (messages !== undefined && messages.length === 1) {
      // Not a use of the code if stamped before the second its message was sent in.
      const target = messages[0]!;
      if (event.at.getTime() >= endOfSecond(target.sentAtMs) - 1000) this.#credit(event, target);
      return;
    }
    if (messages !== undefined) {
      const variant = messages[0]!.variant;
      const shared = messages.every((m) => m.variant === variant) ? variant : undefined;
      this.#countForCampaign(event, shared);
      return;
    }
    if (event.recipientId !== undefined) {
      const key = this.#recipientKey(event.recipientId);
      if (this.#byRecipient.has(key))
        this.#credit(event, this.#latestFor(key, event.at.getTime(), true, this.#fromClick));
    } else if (event.campaignId !== undefined) {
      this.#countForCampaign(event, undefined);
    }
  }

  /**
   * Counts a conversion for the campaign (and `variant`), in no message; repeats once. Only from the
   * second of the campaign's first send (in the query's range) on: nothing converts before it.
   */
  #countForCampaign(event: ConversionEvent, variant: string | undefined): void {
    if (event.at.getTime() < this.#firstSendSecond) return;
    const key = eventKey(event);
    if (this.#conversions.has(key)) return;
    this.#conversions.add(key);
    const facts: CampaignConversionFacts = { at: event.at, value: event.value ?? 0 };
    if (variant !== undefined) facts.variant = variant;
    if (event.code !== undefined) facts.code = event.code;
    if (event.currency !== undefined) facts.currency = event.currency;
    this.#campaignConversions.push(facts);
  }

  /** Credits an engagement event to the message it is attributed to (nothing when there is none). */
  #credit(event: StoredEvent, target: MessageFold | undefined): void {
    if (!target) return;
    switch (event.kind) {
      case 'click': {
        // Repeats are dropped in `build` (a repeat is credited to the same message, at the same time).
        target.proved = true;
        if (target.clickEvents === undefined) target.clickEvents = [event];
        else target.clickEvents.push(event);
        if (event.clickId !== undefined && event.source !== META_SOURCE) {
          // The lowest message id wins should two links ever carry one click id: order-free.
          const known = this.#messageByClickId.get(event.clickId);
          if (known === undefined || target.messageId < known.messageId) {
            this.#messageByClickId.set(event.clickId, target);
          }
        }
        return;
      }
      case 'inbound':
        if (isOptOutInbound(event, this.#optOut)) {
          noteOptOut(target, event.at);
          target.proved = true;
        } else if (event.messageType !== 'system') {
          target.replied = true;
          target.proved = true;
        }
        return;
      case 'opt_out':
        noteOptOut(target, event.at);
        if (event.source !== undefined && USER_ACTION_OPT_OUT_SOURCES.has(event.source)) target.proved = true;
        return;
      case 'block':
        target.blocked = true;
        return;
      case 'conversion': {
        const key = eventKey(event);
        if (this.#conversions.has(key)) return;
        this.#conversions.add(key);
        target.convertedSeen = true;
        if (event.value !== undefined) {
          const micros = Math.round(event.value * MICROS);
          target.revenueMicros += micros;
          target.currencyMicros ??= new Map();
          addMicros(target.currencyMicros, currencyKey(event.currency), micros);
        }
        return;
      }
      default:
        return;
    }
  }

  /**
   * Folds a message's statuses given already folded (a {@link StatusSummary}, as the SQL stores keep
   * them): the same facts as adding each of those statuses with {@link CampaignFactsBuilder.addEvent}.
   * Unlike `addEvent`, it may be called between sends, once the message's own send was added; it is
   * ignored unless `messageId` is one of the campaign's messages added so far.
   */
  addStatusSummary(messageId: string, summary: StatusSummary): void {
    const message = this.#messages.get(messageId);
    if (!message) return;
    const { maxRank } = summary;
    if (maxRank !== null && maxRank > message.rank) message.rank = Math.min(maxRank, Rank.Read) as Rank;
    if (summary.failedSeen === 1) {
      message.failedSeen = true;
      const { minError } = summary;
      if (minError !== null && (message.errorCode === undefined || minError < message.errorCode)) {
        message.errorCode = minError;
      }
    }
    if (summary.billableSeen === 1) {
      message.billableSeen = true;
      if (summary.categorySent !== null) priceMessage(message, 0, summary.categorySent);
      if (summary.categoryLater !== null) priceMessage(message, 1, summary.categoryLater);
    }
  }

  /**
   * Folds a message's engagement given already attributed (an {@link EngagementSummary}, as the SQL stores
   * compute it): the same facts as crediting the events it sums up to the message. Like
   * {@link CampaignFactsBuilder.addStatusSummary}, it may be called any time after the message's send was
   * added, and is ignored unless `messageId` is one of the campaign's messages.
   */
  addEngagementSummary(messageId: string, summary: EngagementSummary): void {
    const message = this.#messages.get(messageId);
    if (!message) return;
    if (summary.proved) message.proved = true;
    message.clickCount += summary.clicks;
    if (summary.replied) message.replied = true;
    if (summary.optOutAtMs !== undefined && summary.optOutAtMs < message.optOutAtMs)
      message.optOutAtMs = summary.optOutAtMs;
    if (summary.blocked) message.blocked = true;
    if (summary.converted) message.convertedSeen = true;
    message.revenueMicros += summary.revenueMicros;
    if (summary.currencyMicros !== undefined) {
      message.currencyMicros ??= new Map();
      for (const [currency, micros] of summary.currencyMicros)
        addMicros(message.currencyMicros, currencyKey(currency), micros);
    }
  }

  #addStatus(event: StatusEvent): void {
    const message = this.#messages.get(event.messageId);
    if (!message) return;
    let statusRank: Rank;
    switch (event.status) {
      case 'sent':
        statusRank = Rank.Sent;
        break;
      case 'delivered':
        statusRank = Rank.Delivered;
        break;
      case 'read':
      case 'played':
        statusRank = Rank.Read;
        break;
      case 'failed':
        message.failedSeen = true;
        if (event.errorCode !== undefined) {
          if (message.errorCode === undefined || event.errorCode < message.errorCode) {
            message.errorCode = event.errorCode;
          }
        }
        return;
      default:
        return;
    }
    if (statusRank > message.rank) message.rank = statusRank;
    const pricing = event.pricing;
    if (pricing && (pricing.billable === true || pricing.type === 'regular')) {
      message.billableSeen = true;
      if (pricing.category !== undefined)
        priceMessage(message, statusRank === Rank.Sent ? 0 : 1, pricing.category);
    }
  }

  /**
   * Finishes the fold: the campaign's messages (in order of sending) and refused sends, as plain objects
   * made fresh on each call. First each message's state from its statuses and the actions that name it;
   * then the events that name only their recipient go to the latest message not failed (a user's action
   * proves delivery and read, so it never moves a message out of `failed`); then the counts that need a
   * delivered message.
   */
  build(): CampaignFacts {
    if (!this.#sealed) this.#seal();
    const q = this.#query;
    const folds = [...this.#messages.values()];
    for (const m of folds) m.failed = m.failedSeen && m.rank < Rank.Delivered && !m.proved;
    // With `attributionWindowFrom: 'click'`, recipient-only conversions wait until every click is credited.
    const fromClick = this.#fromClick;
    const afterClicks: UnlinkedEvent[] = [];
    for (const unlinked of this.#unlinked) {
      const { event, key, windowed } = unlinked;
      if (fromClick && windowed && event.kind === 'conversion') afterClicks.push(unlinked);
      else this.#credit(event, this.#latestFor(key, event.at.getTime(), windowed));
    }
    // Meta's clicks go to the message of the link click that recorded the same click id (a Meta click
    // and a click on your own link for one tap: both count in `clicks`, the message once in `clicked`).
    for (const click of this.#metaClicks) {
      const target = this.#messageByClickId.get(click.clickId as string);
      // Not a click on the message if stamped before the second it was sent in.
      if (target && click.at.getTime() >= endOfSecond(target.sentAtMs) - 1000) this.#credit(click, target);
    }
    for (const { event, key } of afterClicks)
      this.#credit(event, this.#latestFor(key, event.at.getTime(), true, true));
    let first = Number.POSITIVE_INFINITY;
    for (const m of folds) if (m.sentAtMs < first) first = m.sentAtMs;
    this.#firstSendSecond = endOfSecond(first) - 1000;
    for (const event of this.#codeConversions) this.#creditCode(event);
    for (const event of this.#campaignOnly) this.#countForCampaign(event, undefined);
    // Credited once: a second build() must not count these clicks and conversions again.
    this.#unlinked.length = 0;
    this.#metaClicks.length = 0;
    this.#codeConversions.length = 0;
    this.#campaignOnly.length = 0;
    if (q.blockInferenceAfterMs !== undefined) this.#inferBlocks(folds, q.blockInferenceAfterMs, q.nowMs);
    sortBySendTime(folds);
    const messages: MessageFacts[] = new Array(folds.length);
    for (let i = 0; i < folds.length; i++) messages[i] = messageFacts(folds[i]!);
    const facts: CampaignFacts = { messages, rejections: [...this.#rejections.values()] };
    if (this.#campaignConversions.length > 0) {
      facts.campaignConversions = this.#campaignConversions.map((c) => ({ ...c }));
    }
    return facts;
  }

  /** Marks as blocked the pending messages to recipients who had an earlier message delivered. */
  #inferBlocks(messages: MessageFold[], afterMs: number, nowMs: number): void {
    for (const m of messages) {
      const pending = m.rank < Rank.Delivered && !m.proved && !m.failed;
      if (!pending || nowMs - m.sentAtMs < afterMs) continue;
      const key = this.#recipientKey(m.recipientId);
      const prior = this.#priorDeliveries.get(key);
      let deliveredBefore = prior !== undefined && prior < m.sentAtMs;
      if (!deliveredBefore) {
        const entry = this.#byRecipient.get(key);
        const list = Array.isArray(entry) ? entry : entry ? [entry] : [];
        deliveredBefore = list.some((other) => other.sentAtMs < m.sentAtMs && other.rank >= Rank.Delivered);
      }
      if (deliveredBefore) m.blocked = true;
    }
  }
}
