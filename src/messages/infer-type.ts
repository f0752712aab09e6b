import type { OutgoingMessageType } from './types/outgoing-message.js';

/** Payload keys in the order wacloud looks for them when `type` is omitted. */
export const OUTGOING_MESSAGE_TYPES: readonly OutgoingMessageType[] = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'reaction',
  'interactive',
  'template',
];

/**
 * The message kind of an outgoing message: its `type` when given, else the one payload key present
 * (`text`, `image`, ..., `template`). Returns `undefined` when there is no payload key, or more than one.
 */
export function inferMessageType(message: Record<string, unknown>): string | undefined {
  if (typeof message.type === 'string') return message.type;
  let found: OutgoingMessageType | undefined;
  for (const key of OUTGOING_MESSAGE_TYPES) {
    if (message[key] === undefined) continue;
    if (found !== undefined) return undefined;
    found = key;
  }
  return found;
}
