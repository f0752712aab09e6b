import type { Logger } from '../client/logger.js';

/**
 * An outgoing message as the queue sees it: the Cloud API body without `messaging_product`,
 * addressed with `to` (phone number) or `recipient` (business-scoped user ID). Only the fields the
 * queue reads are listed; every other field of the body is passed to the client untouched (no index
 * signature, so the builders' precise types are accepted as they are).
 */
export interface OutgoingMessageLike {
  /** Recipient phone number (E.164 with `+` recommended). */
  to?: string;
  /** Business-scoped user ID, used when `to` is absent. */
  recipient?: string;
  /** Message type (`text`, `template`, ...). */
  type?: string;
  /** The template body, for template messages. */
  template?: {
    name: string;
    language?: { code: string; policy?: string };
    components?: ReadonlyArray<{ type: string; parameters?: readonly unknown[] }>;
  };
}

/** What a successful send resolves to (the client's `messages.send` contract). */
export interface SendResultLike {
  /** The `wamid.…` id Meta assigned. */
  messageId: string;
  /** The `to` value Meta received. */
  input: string;
  /** WhatsApp id of the recipient, when Meta returned one. */
  waId?: string;
  /** `accepted`, `held_for_quality_assessment` or `paused` (template sends only). */
  messageStatus?: string;
}

/** A message template as the Graph API returns it (only the fields pre-flight reads). */
export interface TemplateLike {
  name: string;
  language?: string;
  status?: string;
  components?: ReadonlyArray<{ type: string; text?: string; format?: string; [key: string]: unknown }>;
  [key: string]: unknown;
}

/**
 * The minimal client the queue needs; `WhatsAppClient` satisfies it. The queue always passes
 * `maxRetries: 0`: retrying is the queue's job, with its own policy.
 */
export interface QueueClient {
  /** The sending phone number id: rate limits are kept per number. */
  readonly phoneNumberId: string;
  /** The client's logger, if any: the queue logs its background errors there by default. */
  readonly logger?: Logger | undefined;
  /** Message sending. */
  messages: {
    send(
      message: OutgoingMessageLike,
      options?: { signal?: AbortSignal; maxRetries?: number },
    ): Promise<SendResultLike>;
    /** The Marketing Messages API, for sends enqueued with `via: 'marketing_messages'`. */
    sendMarketing?(
      message: OutgoingMessageLike,
      options?: { signal?: AbortSignal; maxRetries?: number },
    ): Promise<SendResultLike>;
  };
  /** Template lookup, used by the optional campaign pre-flight. */
  templates?: {
    list?(filter?: Record<string, unknown>): AsyncIterable<TemplateLike>;
  };
}
