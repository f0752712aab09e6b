import type { DocumentObject } from '../types/media-objects.js';
import type {
  TemplateActionParameter,
  TemplateBodyComponent,
  TemplateBodyParameter,
  TemplateButtonComponent,
  TemplateButtonParameter,
  TemplateButtonSubType,
  TemplateCouponCodeParameter,
  TemplateCurrencyParameter,
  TemplateDateTimeParameter,
  TemplateDocumentParameter,
  TemplateHeaderComponent,
  TemplateHeaderParameter,
  TemplateImageParameter,
  TemplateLocationParameter,
  TemplateMessage,
  TemplateMessageComponent,
  TemplatePayloadParameter,
  TemplateProductParameter,
  TemplateTextParameter,
  TemplateVideoParameter,
} from '../types/template.js';
import { envelope, type MediaRef, type MessageOptions, mediaSource } from './builder-options.js';

/** Options of {@link template}. */
export interface TemplateOptions extends MessageOptions {
  /** Sets `language.policy: "deterministic"` (the only policy Meta documents). */
  deterministicLanguage?: boolean;
}

/** A template message: `{ to, type: 'template', template: { name, language: { code }, components? } }`. */
export function template(
  to: string,
  name: string,
  languageCode: string,
  components?: TemplateMessageComponent[],
  options?: TemplateOptions,
): TemplateMessage & { to: string; type: 'template' } {
  return {
    ...envelope(to, options),
    type: 'template',
    template: {
      name,
      language: options?.deterministicLanguage
        ? { code: languageCode, policy: 'deterministic' }
        : { code: languageCode },
      ...(components === undefined ? {} : { components }),
    },
  };
}

const withName = <T extends object>(parameter: T, name: string | undefined): T =>
  name === undefined ? parameter : { ...parameter, parameter_name: name };

/**
 * Template parameter values in Meta's shapes. Pass `name` for templates with named parameters
 * (`parameter_format: NAMED`); leave it out for positional ones. Do not mix the two.
 */
export const templateParams = {
  /** `{ type: 'text', text, parameter_name? }`. */
  text: (value: string, name?: string): TemplateTextParameter =>
    withName({ type: 'text', text: value }, name),
  /** `{ type: 'currency', currency: { fallback_value, code, amount_1000 } }`. */
  currency: (
    fallbackValue: string,
    code: string,
    amount1000: number,
    name?: string,
  ): TemplateCurrencyParameter =>
    withName(
      { type: 'currency', currency: { fallback_value: fallbackValue, code, amount_1000: amount1000 } },
      name,
    ),
  /** `{ type: 'date_time', date_time: { fallback_value } }` (Cloud API always renders the fallback). */
  dateTime: (fallbackValue: string, name?: string): TemplateDateTimeParameter =>
    withName({ type: 'date_time', date_time: { fallback_value: fallbackValue } }, name),
  /** An image header. */
  image: (media: MediaRef): TemplateImageParameter => ({ type: 'image', image: mediaSource(media) }),
  /** A video header. */
  video: (media: MediaRef): TemplateVideoParameter => ({ type: 'video', video: mediaSource(media) }),
  /** A PDF document header, with an optional file name. */
  document: (media: MediaRef, filename?: string): TemplateDocumentParameter => {
    const source: DocumentObject = mediaSource(media);
    return { type: 'document', document: filename === undefined ? source : { ...source, filename } };
  },
  /** A location header (name and address are required by Meta). */
  location: (place: TemplateLocationParameter['location']): TemplateLocationParameter => ({
    type: 'location',
    location: place,
  }),
  /** A catalog product header. */
  product: (catalogId: string, productRetailerId: string): TemplateProductParameter => ({
    type: 'product',
    product: { product_retailer_id: productRetailerId, catalog_id: catalogId },
  }),
  /** A quick-reply button payload. */
  payload: (payload: string): TemplatePayloadParameter => ({ type: 'payload', payload }),
  /** A copy-code button's code (≤15 characters). */
  couponCode: (code: string): TemplateCouponCodeParameter => ({ type: 'coupon_code', coupon_code: code }),
  /** A Flow/catalog/MPM button action. */
  action: (action: Record<string, unknown>): TemplateActionParameter => ({ type: 'action', action }),
};

/** Template components in Meta's shapes. */
export const templateComponents = {
  /** `{ type: 'header', parameters }`. */
  header: (...parameters: TemplateHeaderParameter[]): TemplateHeaderComponent => ({
    type: 'header',
    parameters,
  }),
  /** `{ type: 'body', parameters }`. */
  body: (...parameters: TemplateBodyParameter[]): TemplateBodyComponent => ({ type: 'body', parameters }),
  /** `{ type: 'button', sub_type, index, parameters }`; `index` is sent as a string. */
  button: (
    subType: TemplateButtonSubType,
    index: number | string,
    ...parameters: TemplateButtonParameter[]
  ): TemplateButtonComponent => ({ type: 'button', sub_type: subType, index: String(index), parameters }),
  /** A quick-reply button with its payload. */
  quickReply: (index: number | string, payload: string): TemplateButtonComponent =>
    templateComponents.button('quick_reply', index, templateParams.payload(payload)),
  /** A dynamic URL button with its URL suffix. */
  urlButton: (index: number | string, suffix: string): TemplateButtonComponent =>
    templateComponents.button('url', index, { type: 'text', text: suffix }),
  /** A copy-code button with its coupon code. */
  copyCode: (index: number | string, code: string): TemplateButtonComponent =>
    templateComponents.button('copy_code', index, templateParams.couponCode(code)),
  /** A Flow button with its `flow_token` and optional `flow_action_data`. */
  flowButton: (
    index: number | string,
    action: { flow_token?: string; flow_action_data?: Record<string, unknown> },
  ): TemplateButtonComponent => templateComponents.button('flow', index, templateParams.action(action)),
};
