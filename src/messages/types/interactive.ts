import type { MessageEnvelope } from './envelope.js';
import type { DocumentObject, MediaSource } from './media-objects.js';

/** Interactive header: text (≤60 characters) or media. */
export type InteractiveHeader =
  | { type: 'text'; text: string; sub_text?: string }
  | { type: 'image'; image: MediaSource }
  | { type: 'video'; video: MediaSource }
  | { type: 'document'; document: DocumentObject };

/** Interactive body: ≤1024 characters (≤4096 for lists). */
export interface InteractiveBody {
  /** The body text; emojis and markdown allowed. */
  text: string;
}

/** Interactive footer: ≤60 characters. */
export interface InteractiveFooter {
  /** The footer text. */
  text: string;
}

/** One reply button: `id` ≤256 characters, `title` ≤20 and unique in the message. */
export interface ReplyButton {
  /** Always `reply`. */
  type: 'reply';
  /** The button. */
  reply: { id: string; title: string };
}

/** Reply buttons (1 to 3). */
export interface ButtonInteractive {
  /** `button`. */
  type: 'button';
  /** Optional text or media header. */
  header?: InteractiveHeader;
  /** Required body. */
  body: InteractiveBody;
  /** Optional footer. */
  footer?: InteractiveFooter;
  /** The buttons. */
  action: { buttons: ReplyButton[] };
}

/** One list row: `id` ≤200, `title` ≤24, `description` ≤72 characters. */
export interface ListRow {
  /** Returned in the `list_reply` webhook; unique in the message. */
  id: string;
  /** Row title. */
  title: string;
  /** Row description. */
  description?: string;
}

/** One list section: `title` ≤24 characters (required when there are several sections). */
export interface ListSection {
  /** Section title. */
  title?: string;
  /** The rows (10 in total across all sections). */
  rows: ListRow[];
}

/** A list message: up to 10 sections and 10 rows in total; the header must be text. */
export interface ListInteractive {
  /** `list`. */
  type: 'list';
  /** Optional text header. */
  header?: { type: 'text'; text: string };
  /** Required body (≤4096 characters). */
  body: InteractiveBody;
  /** Optional footer. */
  footer?: InteractiveFooter;
  /** The button label (≤20) and sections. */
  action: { button: string; sections: ListSection[] };
}

/** A call-to-action URL button (no webhook fires on tap). */
export interface CtaUrlInteractive {
  /** `cta_url`. */
  type: 'cta_url';
  /** Optional text or media header. */
  header?: InteractiveHeader;
  /** Required body (≤1024 characters). */
  body: InteractiveBody;
  /** Optional footer. */
  footer?: InteractiveFooter;
  /** Button label (≤20) and target URL. */
  action: { name: 'cta_url'; parameters: { display_text: string; url: string } };
}

/** Parameters of a Flow message. Give exactly one of `flow_id` and `flow_name`. */
export interface FlowActionParameters {
  /** Flow message version, `"3"`. */
  flow_message_version: string;
  /** The Flow id (or give `flow_name`). */
  flow_id?: string;
  /** The Flow name (or give `flow_id`). */
  flow_name?: string;
  /** Button label, ≤30 characters. */
  flow_cta: string;
  /** `published` (default) or `draft`. */
  mode?: 'draft' | 'published';
  /** Your identifier for this Flow session. */
  flow_token?: string;
  /** `navigate` (default) or `data_exchange`. */
  flow_action?: 'navigate' | 'data_exchange';
  /** First screen and its input data (for `navigate`). */
  flow_action_payload?: { screen?: string; data?: Record<string, unknown> };
}

/** A WhatsApp Flow message. */
export interface FlowInteractive {
  /** `flow`. */
  type: 'flow';
  /** Optional header. */
  header?: InteractiveHeader;
  /** Required body. */
  body: InteractiveBody;
  /** Optional footer. */
  footer?: InteractiveFooter;
  /** The Flow to open. */
  action: { name: 'flow'; parameters: FlowActionParameters };
}

/** Asks the user to share their location. */
export interface LocationRequestInteractive {
  /** `location_request_message`. */
  type: 'location_request_message';
  /** Required body. */
  body: InteractiveBody;
  /** Always `send_location`. */
  action: { name: 'send_location' };
}

/** A single catalog product (no header allowed). */
export interface ProductInteractive {
  /** `product`. */
  type: 'product';
  /** Optional body. */
  body?: InteractiveBody;
  /** Optional footer. */
  footer?: InteractiveFooter;
  /** The product. */
  action: { catalog_id: string; product_retailer_id: string };
}

/** One multi-product section: `title` ≤24 characters. */
export interface ProductSection {
  /** Section title. */
  title?: string;
  /** Products (30 in total across all sections). */
  product_items: Array<{ product_retailer_id: string }>;
}

/** A multi-product message: text header required, ≤10 sections, ≤30 products in total. */
export interface ProductListInteractive {
  /** `product_list`. */
  type: 'product_list';
  /** Required text header. */
  header: { type: 'text'; text: string };
  /** Required body. */
  body: InteractiveBody;
  /** Optional footer. */
  footer?: InteractiveFooter;
  /** The catalog and its sections. */
  action: { catalog_id: string; sections: ProductSection[] };
}

/** Shows the business's whole catalog. */
export interface CatalogInteractive {
  /** `catalog_message`. */
  type: 'catalog_message';
  /** Required body. */
  body: InteractiveBody;
  /** Optional footer. */
  footer?: InteractiveFooter;
  /** `thumbnail_product_retailer_id` picks the thumbnail product. */
  action: { name: 'catalog_message'; parameters?: { thumbnail_product_retailer_id?: string } };
}

/** Asks the user for permission to call them (Calling API). */
export interface CallPermissionRequestInteractive {
  /** `call_permission_request`. */
  type: 'call_permission_request';
  /** Required body. */
  body: InteractiveBody;
  /** Optional footer. */
  footer?: InteractiveFooter;
  /** Always `call_permission_request`. */
  action: { name: 'call_permission_request' };
}

/** One card of an interactive carousel. */
export interface CarouselCard {
  /** Position, from 0. */
  card_index: number;
  /** Card kind, e.g. `cta_url` or `product`. */
  type: string;
  /** Card header (image or video). */
  header?: InteractiveHeader;
  /** Card body. */
  body?: InteractiveBody;
  /** Card action, shaped by `type`. */
  action: Record<string, unknown>;
}

/** A horizontally scrolling carousel of 2 to 10 cards. */
export interface CarouselInteractive {
  /** `carousel`. */
  type: 'carousel';
  /** Required body above the cards. */
  body: InteractiveBody;
  /** The cards. */
  action: { cards: CarouselCard[] };
}

/**
 * Any other interactive kind Meta documents (`order_details`, `order_status`, `address_message`,
 * `voice_call`, ...). Validated only for the common header/body/footer limits.
 */
export interface OtherInteractive {
  /** The interactive kind. */
  type: 'order_details' | 'order_status' | 'address_message' | 'voice_call';
  /** Optional header. */
  header?: InteractiveHeader;
  /** Body. */
  body?: InteractiveBody;
  /** Optional footer. */
  footer?: InteractiveFooter;
  /** The action, shaped by `type`. */
  action: Record<string, unknown>;
}

/** The `interactive` object, by `type`. */
export type InteractiveObject =
  | ButtonInteractive
  | ListInteractive
  | CtaUrlInteractive
  | FlowInteractive
  | LocationRequestInteractive
  | ProductInteractive
  | ProductListInteractive
  | CatalogInteractive
  | CallPermissionRequestInteractive
  | CarouselInteractive
  | OtherInteractive;

/** An interactive message (buttons, list, CTA URL, Flow, products, ...). */
export interface InteractiveMessage extends MessageEnvelope {
  /** `interactive` (may be omitted; inferred from the `interactive` key). */
  type?: 'interactive';
  /** The interactive content. */
  interactive: InteractiveObject;
}
