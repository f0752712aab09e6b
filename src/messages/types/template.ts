import type { MessageEnvelope } from './envelope.js';
import type { DocumentObject, MediaSource } from './media-objects.js';

/** Named parameters carry `parameter_name` (lowercase a–z and `_`); positional ones do not. Never mix. */
export interface TemplateNamedParameter {
  /** The `{{name}}` this value fills, for templates with `parameter_format: NAMED`. */
  parameter_name?: string;
}

/** A text parameter (header ≤60 characters; body ≤32768). */
export interface TemplateTextParameter extends TemplateNamedParameter {
  /** `text`. */
  type: 'text';
  /** The value. */
  text: string;
}

/** A currency parameter; Cloud API always renders `fallback_value`. */
export interface TemplateCurrencyParameter extends TemplateNamedParameter {
  /** `currency`. */
  type: 'currency';
  /** The amount. */
  currency: { fallback_value: string; code: string; amount_1000: number };
}

/** A date/time parameter; Cloud API always renders `fallback_value`. */
export interface TemplateDateTimeParameter extends TemplateNamedParameter {
  /** `date_time`. */
  type: 'date_time';
  /** The date; other fields (`day_of_month`, `year`, ...) are accepted and ignored by Meta. */
  date_time: { fallback_value: string; [field: string]: unknown };
}

/** An image header parameter. */
export interface TemplateImageParameter {
  /** `image`. */
  type: 'image';
  /** The image, by id or link. */
  image: MediaSource;
}

/** A video header parameter. */
export interface TemplateVideoParameter {
  /** `video`. */
  type: 'video';
  /** The video, by id or link. */
  video: MediaSource;
}

/** A document (PDF) header parameter. */
export interface TemplateDocumentParameter {
  /** `document`. */
  type: 'document';
  /** The document, by id or link, with optional `filename`. */
  document: DocumentObject;
}

/** A location header parameter (name and address required). */
export interface TemplateLocationParameter {
  /** `location`. */
  type: 'location';
  /** The place. */
  location: { latitude: number | string; longitude: number | string; name: string; address: string };
}

/** A catalog product header parameter (product card carousels, single-product templates). */
export interface TemplateProductParameter {
  /** `product`. */
  type: 'product';
  /** The product. */
  product: { product_retailer_id: string; catalog_id: string };
}

/** A quick-reply button payload, returned in the inbound `button` webhook. */
export interface TemplatePayloadParameter {
  /** `payload`. */
  type: 'payload';
  /** Your payload. */
  payload: string;
}

/** A copy-code button's coupon code. */
export interface TemplateCouponCodeParameter {
  /** `coupon_code`. */
  type: 'coupon_code';
  /** The code to copy. */
  coupon_code: string;
}

/** A Flow, catalog or multi-product button action. */
export interface TemplateActionParameter {
  /** `action`. */
  type: 'action';
  /** E.g. `{ flow_token, flow_action_data }` or `{ thumbnail_product_retailer_id, sections? }`. */
  action: Record<string, unknown>;
}

/** A URL button's dynamic suffix (or an authentication code). Meta's own examples also pass booleans. */
export interface TemplateButtonTextParameter {
  /** `text`. */
  type: 'text';
  /** The value. */
  text: string | boolean;
}

/** A limited-time-offer expiration. */
export interface TemplateLimitedTimeOfferParameter {
  /** `limited_time_offer`. */
  type: 'limited_time_offer';
  /** Expiration, in Unix milliseconds. */
  limited_time_offer: { expiration_time_ms: number };
}

/** Parameters a header component accepts. */
export type TemplateHeaderParameter =
  | TemplateTextParameter
  | TemplateCurrencyParameter
  | TemplateDateTimeParameter
  | TemplateImageParameter
  | TemplateVideoParameter
  | TemplateDocumentParameter
  | TemplateLocationParameter
  | TemplateProductParameter;

/** Parameters a body component accepts. */
export type TemplateBodyParameter =
  | TemplateTextParameter
  | TemplateCurrencyParameter
  | TemplateDateTimeParameter;

/** Parameters a button component accepts. */
export type TemplateButtonParameter =
  | TemplatePayloadParameter
  | TemplateButtonTextParameter
  | TemplateCouponCodeParameter
  | TemplateActionParameter;

/** Any template parameter. */
export type TemplateParameter =
  | TemplateHeaderParameter
  | TemplateBodyParameter
  | TemplateButtonParameter
  | TemplateLimitedTimeOfferParameter;

/** Values for the template header. */
export interface TemplateHeaderComponent {
  /** `header`. */
  type: 'header';
  /** One parameter. */
  parameters: TemplateHeaderParameter[];
}

/** Values for the template body. */
export interface TemplateBodyComponent {
  /** `body`. */
  type: 'body';
  /** One per variable, in order (positional) or by `parameter_name` (named). */
  parameters: TemplateBodyParameter[];
}

/** Button kinds a template button component can address. */
export type TemplateButtonSubType =
  | 'quick_reply'
  | 'url'
  | 'copy_code'
  | 'flow'
  | 'catalog'
  | 'mpm'
  | 'voice_call'
  | 'order_details'
  | (string & {});

/** Values for one template button. */
export interface TemplateButtonComponent {
  /** `button`. */
  type: 'button';
  /** The button kind (Meta's examples also use upper case, e.g. `CATALOG`). */
  sub_type: TemplateButtonSubType;
  /** Button position, 0–9, as a string (a number is accepted too). */
  index: string | number;
  /** The button's parameters. */
  parameters: TemplateButtonParameter[];
}

/** A limited-time-offer component. */
export interface TemplateLimitedTimeOfferComponent {
  /** `limited_time_offer`. */
  type: 'limited_time_offer';
  /** The expiration. */
  parameters: TemplateLimitedTimeOfferParameter[];
}

/** One carousel card: its own header, body and button components. */
export interface TemplateCarouselCard {
  /** Position, from 0. */
  card_index: number;
  /** The card's components. */
  components: Array<TemplateHeaderComponent | TemplateBodyComponent | TemplateButtonComponent>;
}

/** A media or product card carousel (up to 10 cards). */
export interface TemplateCarouselComponent {
  /** `carousel`. */
  type: 'carousel';
  /** The cards. */
  cards: TemplateCarouselCard[];
}

/** One template component with its parameter values. */
export type TemplateMessageComponent =
  | TemplateHeaderComponent
  | TemplateBodyComponent
  | TemplateButtonComponent
  | TemplateLimitedTimeOfferComponent
  | TemplateCarouselComponent;

/** Which approved template to send, in which language, with which values. */
export interface TemplateObject {
  /** The template name (as approved: lowercase, digits, `_`). */
  name: string;
  /** Language/locale code, e.g. `en_US`; `policy` is always `deterministic` when given. */
  language: { code: string; policy?: 'deterministic' };
  /** Parameter values; omit for templates without variables. */
  components?: TemplateMessageComponent[];
}

/** A template message: the only kind allowed outside the 24-hour customer service window. */
export interface TemplateMessage extends MessageEnvelope {
  /** `template` (may be omitted; inferred from the `template` key). */
  type?: 'template';
  /** The template. */
  template: TemplateObject;
}
