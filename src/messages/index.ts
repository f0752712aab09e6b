export type { AudioOptions, CaptionOptions, DocumentOptions, TextOptions } from './builders/basic.js';
export {
  audio,
  contacts,
  document,
  image,
  location,
  reaction,
  sticker,
  text,
  video,
} from './builders/basic.js';
export type {
  CatalogOptions,
  FlowInput,
  FooterOptions,
  InteractiveMessageOf,
  InteractiveOptions,
  ProductOptions,
  ReplyButtonInput,
  TextHeaderOptions,
} from './builders/interactive.js';
export {
  buttons,
  catalog,
  ctaUrl,
  flow,
  list,
  locationRequest,
  product,
  productList,
} from './builders/interactive.js';
export type { MediaRef, MessageOptions } from './builders/options.js';
export type { TemplateOptions } from './builders/template.js';
export { template, templateComponents, templateParams } from './builders/template.js';
export { inferMessageType, OUTGOING_MESSAGE_TYPES } from './infer-type.js';
export {
  interactiveMessageSchemas,
  messageSchemas,
  outgoingMessageSchema,
} from './schemas/outgoing-message.js';
export type * from './types/basic.js';
export type * from './types/contacts.js';
export type * from './types/envelope.js';
export type * from './types/interactive.js';
export type * from './types/media.js';
export type * from './types/outgoing-message.js';
export type * from './types/template.js';
export { validateOutgoingMessage } from './validate.js';
