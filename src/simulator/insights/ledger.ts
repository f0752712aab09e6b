import type { PlannedStatus } from '../plan.js';
import { countryOf } from './country.js';

/** Simulated price per delivered billable message, by pricing category (USD). */
export const SIMULATED_PRICES: Readonly<Record<string, number>> = {
  marketing: 0.025,
  utility: 0.004,
  authentication: 0.0035,
  service: 0,
};

/** What the simulator knows about one accepted message, for Meta's analytics endpoints. */
export interface MessageFacts {
  /** `wamid`. */
  id: string;
  /** Stable numeric id of its history entry. */
  historyId: string;
  /** Business phone number id. */
  phoneNumberId: string;
  /** Business display number (digits). */
  displayPhoneNumber: string;
  /** Recipient country (ISO alpha-2, `ZZ` unknown). */
  country: string;
  /** Acceptance time, ms. */
  acceptedAt: number;
  /** Template id, for template sends. */
  templateId: string | undefined;
  /** Pricing category (`marketing`, `utility`, `authentication`, `service`). */
  category: string;
  /** `regular` (charged on delivery) or `free_customer_service`. */
  pricingType: 'regular' | 'free_customer_service';
  /** Button text by URL, for template URL buttons. */
  urlButtons: ReadonlyMap<string, string>;
  /** Statuses whose webhooks went out, first time each, with their time (ms) and error code. */
  statuses: Map<PlannedStatus, { at: number; errorCode?: number }>;
  /** Quick-reply taps and URL-button clicks that happened: button type and text. */
  clicks: Array<{ type: 'quick_reply_button' | 'url_button'; content: string }>;
}

/**
 * The simulator's record of what it actually did, for the analytics endpoints: one entry per
 * accepted message, updated when each status webhook, tap or click is fired. Analytics are computed
 * from here, so Meta's numbers and the webhooks a receiver got always agree.
 */
export class InsightsLedger {
  /** Every accepted message, in acceptance order. */
  readonly messages: MessageFacts[] = [];
  /** Whether `is_enabled_for_insights` was set. */
  enabled: boolean;
  readonly #byId = new Map<string, MessageFacts>();
  readonly #byHistoryId = new Map<string, MessageFacts>();
  readonly #reads: number[] = [];

  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  /** Records an accepted message. */
  accept(
    facts: Omit<MessageFacts, 'historyId' | 'statuses' | 'clicks' | 'country'> & { waId: string },
  ): void {
    const { waId, ...rest } = facts;
    const entry: MessageFacts = {
      ...rest,
      country: countryOf(waId),
      historyId: String(1_000_000_000_000_000n + BigInt(this.messages.length + 1)),
      statuses: new Map(),
      clicks: [],
    };
    this.messages.push(entry);
    this.#byId.set(entry.id, entry);
    this.#byHistoryId.set(entry.historyId, entry);
  }

  /** The message of a history entry id. */
  byHistoryId(historyId: string): MessageFacts | undefined {
    return this.#byHistoryId.get(historyId);
  }

  /** Records a status webhook going out (repeats keep the first time). */
  status(messageId: string, status: PlannedStatus, at: number, errorCode?: number): void {
    const facts = this.#byId.get(messageId);
    if (!facts || facts.statuses.has(status)) return;
    facts.statuses.set(status, errorCode === undefined ? { at } : { at, errorCode });
  }

  /** Records a quick-reply tap (`text`) or a URL click (`url`). */
  click(messageId: string, kind: 'quick_reply_button' | 'url_button', contentOrUrl: string): void {
    const facts = this.#byId.get(messageId);
    if (!facts) return;
    if (kind === 'url_button') {
      const text = facts.urlButtons.get(contentOrUrl);
      // Meta counts URL-button clicks only; a link in a body parameter is not a button.
      if (text !== undefined) facts.clicks.push({ type: kind, content: text });
      return;
    }
    facts.clicks.push({ type: kind, content: contentOrUrl });
  }

  /**
   * Spends one WABA read of the sliding hour; false when `limit` reads were already made in it
   * (the caller answers 80007).
   */
  spendRead(now: number, limit: number): boolean {
    while (this.#reads.length > 0 && (this.#reads[0] as number) <= now - 3_600_000) this.#reads.shift();
    if (this.#reads.length >= limit) return false;
    this.#reads.push(now);
    return true;
  }
}

/** Folded state of a message from the statuses that went out: read ⇒ delivered ⇒ sent; failed otherwise. */
export function stateOf(facts: MessageFacts): { sent: boolean; delivered: boolean; read: boolean } {
  const s = facts.statuses;
  const read = s.has('read');
  const delivered = read || s.has('delivered');
  const sent = delivered || (s.has('sent') && !s.has('failed'));
  return { sent, delivered, read };
}
