import type { MessageEnvelope, RecipientType } from '../types/envelope.js';
import type { MediaSource } from '../types/media-objects.js';

/** Envelope options every builder accepts. */
export interface MessageOptions {
  /** Quote this earlier message (`context.message_id`). */
  replyTo?: string;
  /** `individual` (Meta's default) or `group`. */
  recipientType?: RecipientType;
  /** ≤512 characters echoed back in status webhooks (`biz_opaque_callback_data`). */
  bizOpaqueCallbackData?: string;
}

/** A media id, an http(s) URL (sent as `link`), or an explicit `{ id }` / `{ link }`. */
export type MediaRef = string | MediaSource;

/** The envelope fields of a built message; absent options produce absent keys. */
export function envelope(to: string, options: MessageOptions | undefined): MessageEnvelope & { to: string } {
  const out: MessageEnvelope & { to: string } = { to };
  if (options?.recipientType !== undefined) out.recipient_type = options.recipientType;
  if (options?.replyTo !== undefined) out.context = { message_id: options.replyTo };
  if (options?.bizOpaqueCallbackData !== undefined)
    out.biz_opaque_callback_data = options.bizOpaqueCallbackData;
  return out;
}

/** A string starting with http:// or https:// is a link; anything else is an uploaded media id. */
export function mediaSource(media: MediaRef): MediaSource {
  if (typeof media !== 'string') return media;
  return /^https?:\/\//i.test(media) ? { link: media } : { id: media };
}

/** Copies the entries whose value is defined. */
export function defined<T extends object>(entries: T): T {
  const out = {} as T;
  for (const key of Object.keys(entries) as Array<keyof T>) {
    if (entries[key] !== undefined) out[key] = entries[key];
  }
  return out;
}
