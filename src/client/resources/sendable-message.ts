/**
 * A Cloud API message body without `messaging_product` (the client adds it), e.g.
 * `{ to: '+16505551234', type: 'text', text: { body: 'hi' } }`. `type` may be omitted where Meta
 * allows it. The message builders of `wacloud` return exactly these objects.
 */
export interface SendableMessage {
  /** Recipient phone number (E.164 with `+`) or group id. */
  to?: string;
  /** Recipient business-scoped user id, when sending without a phone number. */
  recipient?: string;
  /** Message type: `text`, `image`, `template`, `interactive`, ... */
  type?: string;
  /** The per-type payload (`text`, `image`, `template`, ...) and envelope fields. */
  [key: string]: unknown;
}
