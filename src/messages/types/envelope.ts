/** Who a message goes to: a single WhatsApp user or a group (Groups API). */
export type RecipientType = 'individual' | 'group';

/** Makes a message a quoted reply to an earlier message. */
export interface MessageContext {
  /** The `wamid.…` of the message being replied to. */
  message_id: string;
}

/**
 * Fields every outgoing message may carry, whatever its type (the Cloud API body without
 * `messaging_product`, which the client adds). Give `to` (a phone number, E.164 with `+` recommended,
 * or a group id) or `recipient` (a business-scoped user id such as `US.13491208655302741918`); when
 * both are given, Meta uses `to`.
 */
export interface MessageEnvelope {
  /** Recipient phone number (E.164, with `+`) or group id. Required unless `recipient` is given. */
  to?: string;
  /** Recipient business-scoped user id (BSUID), for sends without a phone number. */
  recipient?: string;
  /** Defaults to `individual` on Meta's side. */
  recipient_type?: RecipientType;
  /** Quote an earlier message. */
  context?: MessageContext;
  /** Up to 512 characters, echoed back only in status webhooks (handy for campaign ids). */
  biz_opaque_callback_data?: string;
}
