/**
 * Meta's inbound message objects (`value.messages[]`), kept in Meta's snake_case shape and typed by
 * `type`. Every object may carry fields not listed here; they are kept as received.
 */

/** An error Meta attaches to a webhook element (`statuses[].errors[]`, `messages[].errors[]`, `value.errors[]`). */
export interface WebhookErrorDetail {
  code: number;
  title?: string;
  message?: string;
  error_data?: { details?: string; [key: string]: unknown };
  href?: string;
  [key: string]: unknown;
}

/** `context` of an inbound message: the message it replies to, a referred product, or forward flags. */
export interface InboundMessageContext {
  from?: string;
  id?: string;
  forwarded?: boolean;
  frequently_forwarded?: boolean;
  referred_product?: { catalog_id: string; product_retailer_id: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** `referral` of the first message after a click-to-WhatsApp ad or post. */
export interface InboundReferral {
  source_url?: string;
  source_id?: string;
  source_type?: string;
  body?: string;
  headline?: string;
  media_type?: string;
  image_url?: string;
  video_url?: string;
  thumbnail_url?: string;
  ctwa_clid?: string;
  welcome_message?: { text?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Fields every inbound message has. `from` may be absent for a username-only (BSUID) user. */
export interface InboundMessageBase {
  id: string;
  timestamp: string;
  from?: string;
  /** Business-scoped user ID (BSUID), e.g. `US.13491208655302741918`. */
  from_user_id?: string;
  context?: InboundMessageContext;
  referral?: InboundReferral;
  errors?: WebhookErrorDetail[];
  [key: string]: unknown;
}

/** Media descriptor of an inbound image, video, audio, document or sticker. */
export interface InboundMedia {
  id: string;
  mime_type?: string;
  sha256?: string;
  caption?: string;
  url?: string;
  [key: string]: unknown;
}

/** A text message. */
export interface InboundTextMessage extends InboundMessageBase {
  type: 'text';
  text: { body: string; [key: string]: unknown };
}
/** An image. */
export interface InboundImageMessage extends InboundMessageBase {
  type: 'image';
  image: InboundMedia;
}
/** A video. */
export interface InboundVideoMessage extends InboundMessageBase {
  type: 'video';
  video: InboundMedia;
}
/** An audio file or voice note (`voice: true`). */
export interface InboundAudioMessage extends InboundMessageBase {
  type: 'audio';
  audio: InboundMedia & { voice?: boolean };
}
/** A document. */
export interface InboundDocumentMessage extends InboundMessageBase {
  type: 'document';
  document: InboundMedia & { filename?: string };
}
/** A sticker. */
export interface InboundStickerMessage extends InboundMessageBase {
  type: 'sticker';
  sticker: InboundMedia & { animated?: boolean };
}
/** A shared location. */
export interface InboundLocationMessage extends InboundMessageBase {
  type: 'location';
  location: {
    latitude: number;
    longitude: number;
    name?: string;
    address?: string;
    url?: string;
    [key: string]: unknown;
  };
}
/** Shared contact cards (same structure as outgoing `contacts`). */
export interface InboundContactsMessage extends InboundMessageBase {
  type: 'contacts';
  contacts: Array<Record<string, unknown>>;
}
/** A tap on a template quick-reply button: `payload` is what you set when sending. */
export interface InboundButtonMessage extends InboundMessageBase {
  type: 'button';
  button: { text: string; payload?: string; [key: string]: unknown };
}
/** A reply to an interactive message: a reply button, a list row, or a submitted flow (`nfm_reply`). */
export interface InboundInteractiveMessage extends InboundMessageBase {
  type: 'interactive';
  interactive: {
    type: 'button_reply' | 'list_reply' | 'nfm_reply' | (string & {});
    button_reply?: { id: string; title: string; [key: string]: unknown };
    list_reply?: { id: string; title: string; description?: string; [key: string]: unknown };
    nfm_reply?: { response_json: string; name?: string; body?: string; [key: string]: unknown };
    [key: string]: unknown;
  };
}
/** A reaction to one of your messages; an empty or absent `emoji` removes the reaction. */
export interface InboundReactionMessage extends InboundMessageBase {
  type: 'reaction';
  reaction: { message_id: string; emoji?: string; [key: string]: unknown };
}
/** A cart sent from a catalog. */
export interface InboundOrderMessage extends InboundMessageBase {
  type: 'order';
  order: {
    catalog_id: string;
    text?: string;
    product_items: Array<{
      product_retailer_id: string;
      quantity: number;
      item_price: number;
      currency: string;
      [key: string]: unknown;
    }>;
    [key: string]: unknown;
  };
}
/** A system notice, e.g. `user_changed_number` or `customer_identity_changed`. */
export interface InboundSystemMessage extends InboundMessageBase {
  type: 'system';
  system: { body?: string; type?: string; wa_id?: string; [key: string]: unknown };
  identity?: {
    acknowledged?: boolean;
    created_timestamp?: string | number;
    hash?: string;
    [key: string]: unknown;
  };
}
/** The user edited an earlier message. */
export interface InboundEditMessage extends InboundMessageBase {
  type: 'edit';
  edit: { original_message_id?: string; message?: Record<string, unknown>; [key: string]: unknown };
}
/** The user deleted ("revoked") an earlier message. */
export interface InboundRevokeMessage extends InboundMessageBase {
  type: 'revoke';
  revoke: { original_message_id?: string; [key: string]: unknown };
}
/** A message type Meta does not support on Cloud API (`errors` usually holds 131051). */
export interface InboundUnsupportedMessage extends InboundMessageBase {
  type: 'unsupported' | 'unknown';
}
/** The user opened a chat for the first time (welcome-message request). */
export interface InboundRequestWelcomeMessage extends InboundMessageBase {
  type: 'request_welcome';
}

/**
 * An inbound message, discriminated on `type`. A type Meta adds later is passed through unchanged with
 * its own `type` string (treat an unexpected `type` like `unsupported`).
 */
export type InboundMessage =
  | InboundTextMessage
  | InboundImageMessage
  | InboundVideoMessage
  | InboundAudioMessage
  | InboundDocumentMessage
  | InboundStickerMessage
  | InboundLocationMessage
  | InboundContactsMessage
  | InboundButtonMessage
  | InboundInteractiveMessage
  | InboundReactionMessage
  | InboundOrderMessage
  | InboundSystemMessage
  | InboundEditMessage
  | InboundRevokeMessage
  | InboundUnsupportedMessage
  | InboundRequestWelcomeMessage;

/** Every `type` of {@link InboundMessage}. */
export type InboundMessageType = InboundMessage['type'];

/** The inbound message type named `T`. */
export type InboundMessageOfType<T extends InboundMessageType> = Extract<InboundMessage, { type: T }>;
