import { messageSchema } from './envelope-schema.js';
import {
  audioObjectSchema,
  captionedMediaSchema,
  documentObjectSchema,
  mediaSourceSchema,
} from './media-schemas.js';
import {
  anyString,
  arrayOf,
  bool,
  limitedString,
  looseObject,
  nonEmptyString,
  numberInRange,
} from './primitives.js';

/** Schema of a text message: body 1..4096 characters. */
export const textMessageSchema = messageSchema(
  'text',
  looseObject({ body: limitedString(4096), preview_url: bool().optional() }),
);

/** Schema of an image message. */
export const imageMessageSchema = messageSchema('image', captionedMediaSchema);

/** Schema of a video message. */
export const videoMessageSchema = messageSchema('video', captionedMediaSchema);

/** Schema of an audio message. */
export const audioMessageSchema = messageSchema('audio', audioObjectSchema);

/** Schema of a document message. */
export const documentMessageSchema = messageSchema('document', documentObjectSchema);

/** Schema of a sticker message. */
export const stickerMessageSchema = messageSchema('sticker', mediaSourceSchema);

/** Schema of a location message: latitude −90..90, longitude −180..180. */
export const locationMessageSchema = messageSchema(
  'location',
  looseObject({
    latitude: numberInRange(-90, 90),
    longitude: numberInRange(-180, 180),
    name: anyString().optional(),
    address: anyString().optional(),
  }),
);

/** Schema of a reaction: `message_id` required; `emoji: ""` removes the reaction. */
export const reactionMessageSchema = messageSchema(
  'reaction',
  looseObject({ message_id: nonEmptyString(), emoji: anyString() }),
);

const contactCardSchema = looseObject({
  name: looseObject({ formatted_name: nonEmptyString() }),
  phones: arrayOf(looseObject({ phone: nonEmptyString() })).optional(),
  emails: arrayOf(looseObject({ email: nonEmptyString() })).optional(),
  urls: arrayOf(looseObject({ url: nonEmptyString() })).optional(),
  addresses: arrayOf(looseObject({})).optional(),
});

/** Schema of a contacts message: at least one card, each with `name.formatted_name`. */
export const contactsMessageSchema = messageSchema('contacts', arrayOf(contactCardSchema, 1, 'contacts'));
