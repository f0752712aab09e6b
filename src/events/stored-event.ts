/**
 * The events wacloud stores and computes metrics from. One union on `kind`; ids are strings and `at`
 * is a `Date`. Written by the send queue (`outbound`, `send_failed`), the webhook handler (`status`,
 * `inbound`, `opt_out`, `opt_in`), the click tracker (`click`), a campaign with a holdout (`held_out`) and
 * your app (`block`, `conversion`, `resolved`, and `outbound` for replies sent outside the queue:
 * `recordOutbound`).
 */
export type StoredEvent =
  | OutboundEvent
  | SendFailedEvent
  | StatusEvent
  | InboundEvent
  | ClickEvent
  | PreferenceEvent
  | ConversionEvent
  | ResolvedEvent
  | HeldOutEvent;

/** Every `kind` a {@link StoredEvent} can have. */
export type StoredEventKind = StoredEvent['kind'];

/**
 * Who a user is besides `recipientId`, as Meta reported it (since 2026): their business-scoped user id
 * (`US.13491208655302741918`), its parent (`US.ENT.…`) and username. When Meta sends only a user id,
 * `recipientId` holds the user id; when it sends both, `recipientId` is the phone number and the
 * store links the two (see `IdentityLinks`).
 */
export interface UserIdentityFields {
  /** The business-scoped user id (`recipient_user_id`, `from_user_id`, `user_id`). */
  userId?: string;
  /** The parent business-scoped user id (`parent_user_id`). */
  parentUserId?: string;
  /** The user's WhatsApp username. */
  username?: string;
}

/** A message the Cloud API accepted (it has a `messageId`). */
export interface OutboundEvent {
  kind: 'outbound';
  messageId: string;
  recipientId: string;
  at: Date;
  campaignId?: string;
  variant?: string;
  segment?: string;
  templateName?: string;
  phoneNumberId?: string;
  metadata?: Record<string, unknown>;
}

/** A send the Cloud API refused synchronously (no `messageId`); counted only as `rejected`. */
export interface SendFailedEvent {
  kind: 'send_failed';
  recipientId: string;
  at: Date;
  campaignId?: string;
  variant?: string;
  segment?: string;
  errorCode?: number;
  idempotencyKey?: string;
}

/** Pricing of a status, as Meta reports it on `sent` and on `delivered` or `read`. */
export interface StoredPricing {
  category?: string;
  type?: string;
  billable?: boolean;
}

/** A status webhook for one of your messages. */
export interface StatusEvent extends UserIdentityFields {
  kind: 'status';
  messageId: string;
  /** `sent`, `delivered`, `read`, `played`, `failed`, or a status Meta adds later. */
  status: string;
  at: Date;
  recipientId?: string;
  errorCode?: number;
  pricing?: StoredPricing;
  /**
   * Where the status came from: a webhook (`webhook`, also when absent) or Meta's message history
   * (`history`, appended by `fillGapsFromHistory` for a webhook that never came). Not part of the
   * event key: the same status of the same message is stored once, whichever way it came first.
   */
  source?: 'webhook' | 'history' | (string & {});
}

/** A message a user sent you. `recipientId` is who wrote; `messageId` is the reply's own id. */
export interface InboundEvent extends UserIdentityFields {
  kind: 'inbound';
  messageId: string;
  recipientId: string;
  at: Date;
  /** The message this one answers (`context.id`), which attribution prefers. */
  contextMessageId?: string;
  messageType?: string;
  /** What the user typed, or the title of the button or list row they tapped. */
  text?: string;
  /** The id of the button or list row tapped (a template quick reply's payload, an interactive reply's id). */
  buttonPayload?: string;
  /** On a `user_changed_user_id` system message: the user id the user had before (`userId` is the new one). */
  previousUserId?: string;
  /** On a `user_changed_user_id` system message: the parent user id the user had before. */
  previousParentUserId?: string;
}

/**
 * A tap on a link. `source` says who saw it: wacloud's own redirect (`link`, also when absent) or Meta's
 * Marketing Messages API click webhook (`meta`). A `meta` click names no message: it belongs to the
 * message of the `link` click that carries the same `clickId` (Meta appends its click id to the URL it
 * opens, as `fbclid`, and the redirect records it).
 */
export interface ClickEvent {
  kind: 'click';
  at: Date;
  messageId?: string;
  recipientId?: string;
  campaignId?: string;
  url?: string;
  /** `link` (wacloud's redirect; the default when absent) or `meta` (a `user_actions` click webhook). */
  source?: 'link' | 'meta' | (string & {});
  /** Meta's click id: from the webhook on a `meta` click, from the URL's `fbclid` on a `link` click. */
  clickId?: string;
  /** Meta's `tracking_token` of a `meta` click. */
  trackingToken?: string;
  /** Where the user tapped, on a `meta` click: `cta` or `body`. */
  component?: string;
  /** The product tapped, on a `meta` click, when Meta reports one. */
  productId?: string;
}

/** A recipient opted out, opted back in, or blocked you (blocks come from your app; WhatsApp reports none). */
export interface PreferenceEvent extends UserIdentityFields {
  kind: 'opt_out' | 'opt_in' | 'block';
  recipientId: string;
  at: Date;
  /** Where the signal came from, e.g. `user_preferences`, `keyword`, `error_131050`, `app`, `web_form`, `import`. */
  source?: string;
  messageId?: string;
  /**
   * The message category the consent is about (`marketing`, `utility`...). Absent: every category
   * (an `opt_out` or `block` without one revokes them all). See `consentStatus`.
   */
  category?: string;
  /** On `opt_in`: the wording the person agreed to, kept as proof of consent. */
  text?: string;
}

/**
 * A conversion (purchase, signup...) your app records. It is attributed by the most specific key it
 * carries: `messageId`, then a tracked link's `token`, then a discount `code` the campaign issued, then
 * `recipientId` (within the attribution window), then `campaignId` alone (see docs/metrics.md).
 */
export interface ConversionEvent {
  kind: 'conversion';
  at: Date;
  value?: number;
  currency?: string;
  messageId?: string;
  recipientId?: string;
  campaignId?: string;
  /**
   * The tracked link's token the conversion came through (set by `LinkTracker.conversion`, which
   * verified it and copied its message, campaign and recipient here). With a campaign and recipient but
   * no message, it is attributed like a click on that link: with no attribution window.
   */
  token?: string;
  /** A discount code the campaign issued (`issueCodes`); it names the message (or, shared, the variant) it was sent with. */
  code?: string;
}

/**
 * Your team closed the conversation with a customer (a ticket marked solved, a bot's flow finished).
 * `computeServiceMetrics` ends the conversation going on with `recipientId` here: its resolution time
 * runs to this instant instead of to its last message before the quiet period, and the customer's next
 * message starts a new conversation.
 */
export interface ResolvedEvent {
  kind: 'resolved';
  recipientId: string;
  at: Date;
  /** Who or what resolved it, e.g. `agent`, `bot`, `helpdesk` (a label, not a person's name). */
  source?: string;
}

/**
 * A campaign recipient drawn into the holdout (control) group: deliberately not sent, recorded so
 * metrics can compare the conversions of those who got the campaign with those who did not
 * (`CampaignMetrics.holdout`). One per recipient and campaign: a restarted campaign records it again
 * and the store keeps the first.
 */
export interface HeldOutEvent {
  kind: 'held_out';
  recipientId: string;
  /** When the recipient was held out: the instant the campaign would have sent to them. */
  at: Date;
  campaignId: string;
  variant?: string;
  segment?: string;
}
