import type {
  AudioMessage,
  DocumentMessage,
  ImageMessage,
  LocationMessage,
  ReactionMessage,
  StickerMessage,
  TextMessage,
  VideoMessage,
} from './basic.js';
import type { ContactsMessage } from './contacts.js';
import type { InteractiveMessage } from './interactive.js';
import type { TemplateMessage } from './template.js';

/**
 * Any message `messages.send()` accepts: the Cloud API request body without `messaging_product`,
 * in Meta's own snake_case shape. `type` may be omitted; it is inferred from the payload key.
 */
export type OutgoingMessage =
  | TextMessage
  | ImageMessage
  | VideoMessage
  | AudioMessage
  | DocumentMessage
  | StickerMessage
  | LocationMessage
  | ContactsMessage
  | ReactionMessage
  | InteractiveMessage
  | TemplateMessage;

/** The message kinds wacloud knows (the value of `type`, or the payload key when `type` is omitted). */
export type OutgoingMessageType =
  | 'text'
  | 'image'
  | 'video'
  | 'audio'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contacts'
  | 'reaction'
  | 'interactive'
  | 'template';
