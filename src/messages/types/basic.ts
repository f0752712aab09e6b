import type { MessageEnvelope } from './envelope.js';
import type {
  AudioObject,
  DocumentObject,
  ImageObject,
  StickerObject,
  VideoObject,
} from './media-objects.js';

/** The `text` object of a text message. */
export interface TextObject {
  /** 1 to 4096 characters. */
  body: string;
  /** Render a link preview for the first URL in `body`. */
  preview_url?: boolean;
}

/** A text message. `type` may be omitted: Meta defaults to text. */
export interface TextMessage extends MessageEnvelope {
  /** `text`, or omitted. */
  type?: 'text';
  /** The message text. */
  text: TextObject;
}

/** An image message. */
export interface ImageMessage extends MessageEnvelope {
  /** `image` (may be omitted; wacloud infers it from the `image` key). */
  type?: 'image';
  /** The image, by id or link. */
  image: ImageObject;
}

/** A video message. */
export interface VideoMessage extends MessageEnvelope {
  /** `video` (may be omitted; inferred from the `video` key). */
  type?: 'video';
  /** The video, by id or link. */
  video: VideoObject;
}

/** An audio message or voice note. */
export interface AudioMessage extends MessageEnvelope {
  /** `audio` (may be omitted; inferred from the `audio` key). */
  type?: 'audio';
  /** The audio, by id or link. */
  audio: AudioObject;
}

/** A document message. */
export interface DocumentMessage extends MessageEnvelope {
  /** `document` (may be omitted; inferred from the `document` key). */
  type?: 'document';
  /** The document, by id or link. */
  document: DocumentObject;
}

/** A sticker message. */
export interface StickerMessage extends MessageEnvelope {
  /** `sticker` (may be omitted; inferred from the `sticker` key). */
  type?: 'sticker';
  /** The sticker, by id or link. */
  sticker: StickerObject;
}

/** The `location` object. Latitude −90..90, longitude −180..180. */
export interface LocationObject {
  /** Degrees, −90..90. */
  latitude: number | string;
  /** Degrees, −180..180. */
  longitude: number | string;
  /** Place name. */
  name?: string;
  /** Street address. */
  address?: string;
}

/** A location pin. */
export interface LocationMessage extends MessageEnvelope {
  /** `location` (may be omitted; inferred from the `location` key). */
  type?: 'location';
  /** The place. */
  location: LocationObject;
}

/** The `reaction` object. */
export interface ReactionObject {
  /** The `wamid.…` of the message to react to (≤30 days old). */
  message_id: string;
  /** One emoji; `""` removes an earlier reaction. */
  emoji: string;
}

/** A reaction to a message (produces only a `sent` status). */
export interface ReactionMessage extends MessageEnvelope {
  /** `reaction` (may be omitted; inferred from the `reaction` key). */
  type?: 'reaction';
  /** The reaction. */
  reaction: ReactionObject;
}
