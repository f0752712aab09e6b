import type {
  ButtonInteractive,
  CatalogInteractive,
  CtaUrlInteractive,
  FlowActionParameters,
  FlowInteractive,
  InteractiveFooter,
  InteractiveHeader,
  InteractiveMessage,
  ListInteractive,
  ListSection,
  LocationRequestInteractive,
  ProductInteractive,
  ProductListInteractive,
  ProductSection,
} from '../types/interactive.js';
import { envelope, type MessageOptions } from './builder-options.js';

/** Options of interactive builders that take a header and a footer. */
export interface InteractiveOptions extends MessageOptions {
  /** A text header (a string) or a media header object. */
  header?: string | InteractiveHeader;
  /** Footer text, ≤60 characters. */
  footer?: string;
}

/** Options of builders whose header, if any, must be text. */
export interface TextHeaderOptions extends MessageOptions {
  /** Header text, ≤60 characters. */
  header?: string;
  /** Footer text, ≤60 characters. */
  footer?: string;
}

/** Options of builders that only take a footer. */
export interface FooterOptions extends MessageOptions {
  /** Footer text, ≤60 characters. */
  footer?: string;
}

/** One reply button as given to {@link buttons}. */
export interface ReplyButtonInput {
  /** Returned in the `button_reply` webhook; ≤256 characters. */
  id: string;
  /** ≤20 characters, unique in the message. */
  title: string;
}

/** Parameters of {@link flow}; `flow_message_version` defaults to `"3"`. */
export type FlowInput = Omit<FlowActionParameters, 'flow_message_version'> & {
  flow_message_version?: string;
};

/** An interactive message of a given interactive kind. */
export type InteractiveMessageOf<T> = InteractiveMessage & { type: 'interactive'; interactive: T };

function header(value: string | InteractiveHeader): InteractiveHeader {
  return typeof value === 'string' ? { type: 'text', text: value } : value;
}

function footer(text: string | undefined): { footer?: InteractiveFooter } {
  return text === undefined ? {} : { footer: { text } };
}

function wrap<T>(to: string, options: MessageOptions | undefined, interactive: T): InteractiveMessageOf<T> {
  return { ...envelope(to, options), type: 'interactive', interactive } as InteractiveMessageOf<T>;
}

/** Reply buttons (1 to 3). */
export function buttons(
  to: string,
  body: string,
  replies: ReplyButtonInput[],
  options?: InteractiveOptions,
): InteractiveMessageOf<ButtonInteractive> {
  return wrap(to, options, {
    type: 'button',
    ...(options?.header === undefined ? {} : { header: header(options.header) }),
    body: { text: body },
    ...footer(options?.footer),
    action: { buttons: replies.map(({ id, title }) => ({ type: 'reply' as const, reply: { id, title } })) },
  });
}

/** A list message: `buttonLabel` opens up to 10 sections holding up to 10 rows in total. */
export function list(
  to: string,
  body: string,
  buttonLabel: string,
  sections: ListSection[],
  options?: TextHeaderOptions,
): InteractiveMessageOf<ListInteractive> {
  return wrap(to, options, {
    type: 'list',
    ...(options?.header === undefined ? {} : { header: { type: 'text' as const, text: options.header } }),
    body: { text: body },
    ...footer(options?.footer),
    action: { button: buttonLabel, sections },
  });
}

/** A call-to-action button that opens `url`. */
export function ctaUrl(
  to: string,
  body: string,
  displayText: string,
  url: string,
  options?: InteractiveOptions,
): InteractiveMessageOf<CtaUrlInteractive> {
  return wrap(to, options, {
    type: 'cta_url',
    ...(options?.header === undefined ? {} : { header: header(options.header) }),
    body: { text: body },
    ...footer(options?.footer),
    action: { name: 'cta_url', parameters: { display_text: displayText, url } },
  });
}

/** A WhatsApp Flow message (give `flow_id` or `flow_name`, and `flow_cta`). */
export function flow(
  to: string,
  body: string,
  parameters: FlowInput,
  options?: InteractiveOptions,
): InteractiveMessageOf<FlowInteractive> {
  return wrap(to, options, {
    type: 'flow',
    ...(options?.header === undefined ? {} : { header: header(options.header) }),
    body: { text: body },
    ...footer(options?.footer),
    action: { name: 'flow', parameters: { flow_message_version: '3', ...parameters } },
  });
}

/** Asks the user to share their location. */
export function locationRequest(
  to: string,
  body: string,
  options?: MessageOptions,
): InteractiveMessageOf<LocationRequestInteractive> {
  return wrap(to, options, {
    type: 'location_request_message',
    body: { text: body },
    action: { name: 'send_location' },
  });
}

/** Options of {@link product}. */
export interface ProductOptions extends FooterOptions {
  /** Optional body text. */
  body?: string;
}

/** A single catalog product. */
export function product(
  to: string,
  catalogId: string,
  productRetailerId: string,
  options?: ProductOptions,
): InteractiveMessageOf<ProductInteractive> {
  return wrap(to, options, {
    type: 'product',
    ...(options?.body === undefined ? {} : { body: { text: options.body } }),
    ...footer(options?.footer),
    action: { catalog_id: catalogId, product_retailer_id: productRetailerId },
  });
}

/** A multi-product message: text header, up to 10 sections and 30 products. */
export function productList(
  to: string,
  headerText: string,
  body: string,
  catalogId: string,
  sections: ProductSection[],
  options?: FooterOptions,
): InteractiveMessageOf<ProductListInteractive> {
  return wrap(to, options, {
    type: 'product_list',
    header: { type: 'text', text: headerText },
    body: { text: body },
    ...footer(options?.footer),
    action: { catalog_id: catalogId, sections },
  });
}

/** Options of {@link catalog}. */
export interface CatalogOptions extends FooterOptions {
  /** Product shown as the catalog thumbnail. */
  thumbnailProductRetailerId?: string;
}

/** Opens the business's catalog. */
export function catalog(
  to: string,
  body: string,
  options?: CatalogOptions,
): InteractiveMessageOf<CatalogInteractive> {
  return wrap(to, options, {
    type: 'catalog_message',
    body: { text: body },
    ...footer(options?.footer),
    action: {
      name: 'catalog_message',
      ...(options?.thumbnailProductRetailerId === undefined
        ? {}
        : { parameters: { thumbnail_product_retailer_id: options.thumbnailProductRetailerId } }),
    },
  });
}
