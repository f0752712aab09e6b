/**
 * What one campaign message amounts to once all its events are folded: its send, its final state and
 * the engagement attributed to it. Step 1 of the metrics pipeline (see {@link CampaignFactsBuilder});
 * {@link summarizeMessageFacts} turns a list of them into metrics. A plain data object: the builder's
 * own fold state stays inside it, and each `build()` makes fresh ones.
 */
export interface MessageFacts {
  /** The wamid the API returned. */
  messageId: string;
  /** The recipient, as the outbound event named it. */
  recipientId: string;
  /** When the API accepted the message. */
  sentAt: Date;
  /** A/B variant of the send, if any. */
  variant?: string;
  /** Audience segment of the send, if any. */
  segment?: string;
  /**
   * The template sent (`templateName` of the outbound event); kept only when the query groups by
   * `template`, `hour` or `weekday`, the groupings that read it or the next field.
   */
  templateName?: string;
  /** The recipient's time zone from their record (`metadata.timeZone` of the outbound event); kept as `templateName`. */
  recipientTimeZone?: string;
  /** Delivered: a `delivered`, `read` or `played` status arrived, or a user's action proves it. */
  delivered: boolean;
  /** Read: a `read` or `played` status arrived, or a user's action proves it. */
  read: boolean;
  /** Failed: a `failed` status arrived and nothing shows a delivery. */
  failed: boolean;
  /** Neither delivered nor failed (yet): `sent = delivered + failed + pending`. */
  pending: boolean;
  /** The lowest error code among the message's `failed` statuses. */
  errorCode?: number;
  /** Failed with 131050: the user had stopped marketing messages before this one. */
  alreadyOptedOut: boolean;
  /** Failed with 131049: Meta's per-user marketing message limit. */
  limitedByMeta: boolean;
  /** A status priced it as billable (`pricing.billable` or `pricing.type: 'regular'`) and it did not fail. */
  billable: boolean;
  /** The pricing category of a billable message (from a delivered/read pricing when there is one). */
  pricingCategory?: string;
  /** At least one tracked-link click is attributed to it. */
  clicked: boolean;
  /** How many distinct tracked-link clicks are attributed to it. */
  clicks: number;
  /** At least one reply (other than an opt-out) is attributed to it. */
  replied: boolean;
  /** Delivered, and at least one new opt-out signal is attributed to it (131050 is not one). */
  optedOut: boolean;
  /** When `optedOut`: the time of the earliest new opt-out signal credited to it (what the report charts). */
  optedOutAt?: Date;
  /** At least one block (or, if enabled, an inferred block) is attributed to it. */
  blocked: boolean;
  /** Delivered, and at least one conversion is attributed to it. */
  converted: boolean;
  /** Sum of the attributed conversion values of a converted message (else 0), exact to 1e-6. */
  revenue: number;
  /**
   * The same values by currency (`{ EUR: 40, USD: 12.5 }`; values without a currency under `(none)`),
   * when a converted message's conversions carried values; else absent.
   */
  revenueByCurrency?: Readonly<Record<string, number>>;
}

/** A send the API refused (`send_failed`): counted only as `rejected`. */
export interface RejectionFacts {
  /** Who the send was for. */
  recipientId: string;
  /** When it was refused. */
  at: Date;
  /** A/B variant, if any. */
  variant?: string;
  /** Audience segment, if any. */
  segment?: string;
  /** The Graph error code, if known. */
  errorCode?: number;
}

/**
 * A conversion counted for the campaign but for no message: it named only the campaign, or a discount
 * code shared by several messages. It adds to the campaign's revenue and return on spend, never to a
 * per-message rate.
 */
export interface CampaignConversionFacts {
  /** When it happened. */
  at: Date;
  /** Its value (0 when it had none). */
  value: number;
  /** The variant, when a shared code was sent to one variant only. */
  variant?: string;
  /** The shared discount code it named, if any. */
  code?: string;
  /** Its currency, as recorded (`revenueByCurrency` keeps it apart). */
  currency?: string;
}

/** Everything {@link summarizeMessageFacts} needs about one campaign. */
export interface CampaignFacts {
  /** One entry per accepted message, in order of sending. */
  messages: MessageFacts[];
  /** One entry per refused send. */
  rejections: RejectionFacts[];
  /** Conversions counted for the campaign but no message (absent when there are none). */
  campaignConversions?: CampaignConversionFacts[];
}
