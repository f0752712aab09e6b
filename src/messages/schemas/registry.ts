import type * as z from 'zod';
import {
  audioMessageSchema,
  contactsMessageSchema,
  documentMessageSchema,
  imageMessageSchema,
  locationMessageSchema,
  reactionMessageSchema,
  stickerMessageSchema,
  textMessageSchema,
  videoMessageSchema,
} from './basic-schemas.js';
import { interactiveMessageSchemas, otherInteractiveSchema } from './interactive-schemas.js';

export { interactiveMessageSchemas };

import { templateMessageSchema } from './template-schemas.js';

/** Message schemas by message `type` (interactive ones are chosen by `interactive.type`). */
export const messageSchemas = {
  text: textMessageSchema,
  image: imageMessageSchema,
  video: videoMessageSchema,
  audio: audioMessageSchema,
  document: documentMessageSchema,
  sticker: stickerMessageSchema,
  location: locationMessageSchema,
  contacts: contactsMessageSchema,
  reaction: reactionMessageSchema,
  template: templateMessageSchema,
} as const;

/** The one schema that applies to a message of kind `type`, or `undefined` for a kind wacloud does not know. */
export function schemaForType(type: string, message: Record<string, unknown>): z.ZodType | undefined {
  if (type === 'interactive') {
    const interactive = message.interactive;
    const kind =
      typeof interactive === 'object' && interactive !== null
        ? (interactive as { type?: unknown }).type
        : undefined;
    if (typeof kind === 'string' && Object.hasOwn(interactiveMessageSchemas, kind)) {
      return interactiveMessageSchemas[kind as keyof typeof interactiveMessageSchemas];
    }
    return otherInteractiveSchema;
  }
  return Object.hasOwn(messageSchemas, type)
    ? messageSchemas[type as keyof typeof messageSchemas]
    : undefined;
}
