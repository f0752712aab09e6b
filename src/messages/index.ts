export type {
  AudioOptions,
  CaptionOptions,
  DocumentOptions,
  TextOptions,
} from './builders/basic-builders.js';
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
} from './builders/basic-builders.js';
export type { MediaRef, MessageOptions } from './builders/builder-options.js';
export type {
  CatalogOptions,
  FlowInput,
  FooterOptions,
  InteractiveMessageOf,
  InteractiveOptions,
  ProductOptions,
  ReplyButtonInput,
  TextHeaderOptions,
} from './builders/interactive-builders.js';
export {
  buttons,
  catalog,
  ctaUrl,
  flow,
  list,
  locationRequest,
  product,
  productList,
} from './builders/interactive-builders.js';
export type { TemplateOptions } from './builders/template-builders.js';
export { template, templateComponents, templateParams } from './builders/template-builders.js';
export { inferMessageType, OUTGOING_MESSAGE_TYPES } from './infer-type.js';
export {
  interactiveMessageSchemas,
  messageSchemas,
  outgoingMessageSchema,
} from './schemas/outgoing-message-schema.js';
export type * from './types/basic.js';
export type * from './types/contacts.js';
export type * from './types/envelope.js';
export type * from './types/interactive.js';
export type * from './types/media-objects.js';
export type * from './types/outgoing-message.js';
export type * from './types/template.js';
export { validateOutgoingMessage } from './validate.js';
