/** Outgoing messages: their types, the `msg` builders, validation (public: every name here is exported from the root). */

export type {
  AudioOptions,
  CaptionOptions,
  DocumentOptions,
  TextOptions,
} from './builders/basic-builders.js';
export type { MediaRef, MessageOptions } from './builders/builder-options.js';
export * as msg from './builders/index.js';
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
export type { TemplateOptions } from './builders/template-builders.js';
export type {
  AudioMessage,
  DocumentMessage,
  ImageMessage,
  LocationMessage,
  LocationObject,
  ReactionMessage,
  ReactionObject,
  StickerMessage,
  TextMessage,
  TextObject,
  VideoMessage,
} from './types/basic.js';
export type {
  ContactAddress,
  ContactCard,
  ContactEmail,
  ContactFieldType,
  ContactName,
  ContactOrg,
  ContactPhone,
  ContactsMessage,
  ContactUrl,
} from './types/contacts.js';
export type { MessageContext, MessageEnvelope, RecipientType } from './types/envelope.js';
export type {
  ButtonInteractive,
  CallPermissionRequestInteractive,
  CarouselCard,
  CarouselInteractive,
  CatalogInteractive,
  CtaUrlInteractive,
  FlowActionParameters,
  FlowInteractive,
  InteractiveBody,
  InteractiveFooter,
  InteractiveHeader,
  InteractiveMessage,
  InteractiveObject,
  ListInteractive,
  ListRow,
  ListSection,
  LocationRequestInteractive,
  OtherInteractive,
  ProductInteractive,
  ProductListInteractive,
  ProductSection,
  ReplyButton,
} from './types/interactive.js';
export type {
  AudioObject,
  DocumentObject,
  ImageObject,
  MediaById,
  MediaByLink,
  MediaSource,
  StickerObject,
  VideoObject,
} from './types/media-objects.js';
export type { OutgoingMessage, OutgoingMessageType } from './types/outgoing-message.js';
export type {
  TemplateActionParameter,
  TemplateBodyComponent,
  TemplateBodyParameter,
  TemplateButtonComponent,
  TemplateButtonParameter,
  TemplateButtonSubType,
  TemplateButtonTextParameter,
  TemplateCarouselCard,
  TemplateCarouselComponent,
  TemplateCouponCodeParameter,
  TemplateCurrencyParameter,
  TemplateDateTimeParameter,
  TemplateDocumentParameter,
  TemplateHeaderComponent,
  TemplateHeaderParameter,
  TemplateImageParameter,
  TemplateLimitedTimeOfferComponent,
  TemplateLimitedTimeOfferParameter,
  TemplateLocationParameter,
  TemplateMessage,
  TemplateMessageComponent,
  TemplateNamedParameter,
  TemplateObject,
  TemplateParameter,
  TemplatePayloadParameter,
  TemplateProductParameter,
  TemplateTextParameter,
  TemplateVideoParameter,
} from './types/template.js';
export { validateOutgoingMessage } from './validate.js';
