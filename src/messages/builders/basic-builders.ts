import type {
  AudioMessage,
  DocumentMessage,
  ImageMessage,
  LocationMessage,
  LocationObject,
  ReactionMessage,
  StickerMessage,
  TextMessage,
  VideoMessage,
} from '../types/basic.js';
import type { ContactCard, ContactsMessage } from '../types/contacts.js';
import { defined, envelope, type MediaRef, type MessageOptions, mediaSource } from './builder-options.js';

/** Options of {@link text}. */
export interface TextOptions extends MessageOptions {
  /** Show a preview of the first URL in the body (`preview_url`). */
  previewUrl?: boolean;
}

/** Options of {@link image} and {@link video}. */
export interface CaptionOptions extends MessageOptions {
  /** Up to 1024 characters. */
  caption?: string;
}

/** Options of {@link document}. */
export interface DocumentOptions extends CaptionOptions {
  /** File name shown to the recipient. */
  filename?: string;
}

/** Options of {@link audio}. */
export interface AudioOptions extends MessageOptions {
  /** Send as a voice note (`voice: true`; .ogg/OPUS). */
  voice?: boolean;
}

/** A text message: `{ to, type: 'text', text: { body, preview_url? } }`. */
export function text(to: string, body: string, options?: TextOptions): TextMessage {
  return {
    ...envelope(to, options),
    type: 'text',
    text: defined({ body, preview_url: options?.previewUrl }),
  };
}

/** An image by media id or link, with an optional caption. */
export function image(to: string, media: MediaRef, options?: CaptionOptions): ImageMessage {
  return {
    ...envelope(to, options),
    type: 'image',
    image: { ...mediaSource(media), ...defined({ caption: options?.caption }) },
  };
}

/** A video by media id or link, with an optional caption. */
export function video(to: string, media: MediaRef, options?: CaptionOptions): VideoMessage {
  return {
    ...envelope(to, options),
    type: 'video',
    video: { ...mediaSource(media), ...defined({ caption: options?.caption }) },
  };
}

/** An audio file (or a voice note with `voice: true`) by media id or link. */
export function audio(to: string, media: MediaRef, options?: AudioOptions): AudioMessage {
  return {
    ...envelope(to, options),
    type: 'audio',
    audio: { ...mediaSource(media), ...defined({ voice: options?.voice }) },
  };
}

/** A document by media id or link, with optional caption and file name. */
export function document(to: string, media: MediaRef, options?: DocumentOptions): DocumentMessage {
  return {
    ...envelope(to, options),
    type: 'document',
    document: {
      ...mediaSource(media),
      ...defined({ caption: options?.caption, filename: options?.filename }),
    },
  };
}

/** A webp sticker by media id or link. */
export function sticker(to: string, media: MediaRef, options?: MessageOptions): StickerMessage {
  return { ...envelope(to, options), type: 'sticker', sticker: mediaSource(media) };
}

/** A location pin. */
export function location(to: string, place: LocationObject, options?: MessageOptions): LocationMessage {
  return { ...envelope(to, options), type: 'location', location: place };
}

/** One or more contact cards. */
export function contacts(
  to: string,
  cards: ContactCard | ContactCard[],
  options?: MessageOptions,
): ContactsMessage {
  return { ...envelope(to, options), type: 'contacts', contacts: Array.isArray(cards) ? cards : [cards] };
}

/** A reaction to `messageId`; pass `""` as `emoji` to remove an earlier reaction. */
export function reaction(
  to: string,
  messageId: string,
  emoji: string,
  options?: MessageOptions,
): ReactionMessage {
  return { ...envelope(to, options), type: 'reaction', reaction: { message_id: messageId, emoji } };
}
