import { eventKey } from '../events/event-key.js';
import type { ConversionEvent } from '../events/stored-event.js';
import type { CampaignConversionFacts } from './message-facts.js';

/** A message sent with a discount code: its variant and send time (epoch ms). */
interface Holder {
  readonly variant: string | undefined;
}

/** A loose conversion handed to a refold, and the person it goes to. */
export interface PersonConversion {
  readonly conversion: ConversionEvent;
  /** The key of the person it goes to. */
  readonly person: string;
  /** It goes to that person's latest message by its recipient (its code is carried by no message). */
  readonly byRecipient: boolean;
}

/**
 * The conversions a live fold cannot route to one person when they arrive (advanced, internal): those
 * naming a discount code (which person holds it may change as sends arrive: a code becomes shared when
 * a second message carries it) and those naming only the campaign. It hands each refold the ones that
 * now belong to the people re-folded (a code held by one of their messages; a code nobody holds, by
 * the conversion's recipient) and counts the rest for the campaign exactly as `CampaignFactsBuilder`
 * does, so the live numbers equal a full computation.
 *
 * @internal
 */
export class LooseConversions {
  readonly #campaignId: string;
  readonly #conversions = new Map<string, ConversionEvent>();
  readonly #byCode = new Map<string, Map<string, ConversionEvent>>();
  /** The messages (by id) each code was sent with. */
  readonly #holders = new Map<string, Map<string, Holder>>();

  /** The loose conversions of the campaign `campaignId`. */
  constructor(campaignId: string) {
    this.#campaignId = campaignId;
  }

  /**
   * Whether `event` is one of these: it names no message, does not go by a link token (campaign and
   * recipient), and names a code or no recipient; and it names this campaign or none.
   */
  accepts(event: ConversionEvent): boolean {
    if (event.messageId !== undefined) return false;
    if (event.campaignId !== undefined && event.campaignId !== this.#campaignId) return false;
    if (event.token !== undefined && event.recipientId !== undefined && event.campaignId !== undefined)
      return false;
    return event.code !== undefined || event.recipientId === undefined;
  }

  /**
   * Keeps an accepted conversion; returns the message ids and recipient whose people must be re-folded
   * (none when it is a repeat or counts for the campaign only).
   */
  add(event: ConversionEvent): { messageIds: string[]; recipientId?: string } {
    const key = eventKey(event);
    if (this.#conversions.has(key)) return { messageIds: [] };
    this.#conversions.set(key, event);
    const code = event.code;
    if (code === undefined) return { messageIds: [] };
    let list = this.#byCode.get(code);
    if (list === undefined) {
      list = new Map();
      this.#byCode.set(code, list);
    }
    list.set(key, event);
    const holders = this.#holders.get(code);
    if (holders === undefined)
      return event.recipientId === undefined
        ? { messageIds: [] }
        : { messageIds: [], recipientId: event.recipientId };
    return { messageIds: holders.size === 1 ? [...holders.keys()] : [] };
  }

  /**
   * Records that the campaign's message `messageId` (in the query's range) carried `code`; returns the
   * message ids and recipients whose people must be re-folded: the code's earlier holders (it is shared
   * now) and the recipients of its conversions (they no longer fall back to their recipient).
   */
  addHolder(
    code: string,
    messageId: string,
    variant: string | undefined,
  ): { messageIds: string[]; recipientIds: string[] } {
    let holders = this.#holders.get(code);
    if (holders === undefined) {
      holders = new Map();
      this.#holders.set(code, holders);
    }
    if (holders.has(messageId)) return { messageIds: [], recipientIds: [] };
    const earlier = [...holders.keys()];
    holders.set(messageId, { variant });
    const recipientIds: string[] = [];
    for (const conversion of this.#byCode.get(code)?.values() ?? []) {
      if (conversion.recipientId !== undefined) recipientIds.push(conversion.recipientId);
    }
    return { messageIds: earlier, recipientIds };
  }

  /**
   * The conversions a refold of `people` must see, each with the person it goes to: those whose code
   * only a message of theirs carries, and those whose code nobody carries, by recipient (`byRecipient`:
   * attributed to the recipient's latest message, not to one it names).
   *
   * @param people - the keys of the people re-folded
   * @param ownerOf - the person key of a campaign message
   * @param keyOf - the person key of a recipient id
   */
  forPeople(
    people: ReadonlySet<string>,
    ownerOf: (messageId: string) => string | undefined,
    keyOf: (recipientId: string) => string,
  ): PersonConversion[] {
    const out: PersonConversion[] = [];
    for (const [code, conversions] of this.#byCode) {
      const holders = this.#holders.get(code);
      if (holders !== undefined) {
        if (holders.size !== 1) continue;
        const owner = ownerOf(holders.keys().next().value as string);
        if (owner === undefined || !people.has(owner)) continue;
        for (const conversion of conversions.values())
          out.push({ conversion, person: owner, byRecipient: false });
        continue;
      }
      for (const conversion of conversions.values()) {
        if (conversion.recipientId === undefined) continue;
        const person = keyOf(conversion.recipientId);
        if (people.has(person)) out.push({ conversion, person, byRecipient: true });
      }
    }
    return out;
  }

  /**
   * The conversions counted for the campaign only, from the second of its first send (`firstSendMs`)
   * on: a code several messages carried (under their variant when they share one), or a conversion
   * naming only the campaign (or a code nobody carried, and no recipient).
   */
  campaignConversions(firstSendMs: number): CampaignConversionFacts[] {
    const fromMs = Math.floor(firstSendMs / 1000) * 1000;
    const out: CampaignConversionFacts[] = [];
    for (const event of this.#conversions.values()) {
      if (!(event.at.getTime() >= fromMs)) continue;
      let variant: string | undefined;
      const holders = event.code === undefined ? undefined : this.#holders.get(event.code);
      if (holders !== undefined) {
        if (holders.size === 1) continue;
        const variants = new Set([...holders.values()].map((h) => h.variant));
        variant = variants.size === 1 ? [...variants][0] : undefined;
      } else if (event.recipientId !== undefined || event.campaignId === undefined) continue;
      const facts: CampaignConversionFacts = { at: event.at, value: event.value ?? 0 };
      if (variant !== undefined) facts.variant = variant;
      if (event.code !== undefined) facts.code = event.code;
      if (event.currency !== undefined) facts.currency = event.currency;
      out.push(facts);
    }
    return out;
  }
}
