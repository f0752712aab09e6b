import type { WebhookEvent } from './webhook-events.js';

/**
 * A bounded set of recently seen keys: remembers at most `size` keys and forgets the oldest first
 * (a `Map` keeps insertion order, so it is a FIFO ring without a separate index).
 */
export class DedupeWindow {
  readonly #keys = new Map<string, true>();
  readonly #size: number;

  /** `size` is how many keys are remembered (0 turns deduplication off). */
  constructor(size: number) {
    this.#size = size;
  }

  /** Records `key`; returns `false` when it was already in the window (a repeat). */
  add(key: string): boolean {
    if (this.#size === 0) return true;
    if (this.#keys.has(key)) return false;
    this.#keys.set(key, true);
    if (this.#keys.size > this.#size) {
      const oldest = this.#keys.keys().next().value as string;
      this.#keys.delete(oldest);
    }
    return true;
  }

  /** Forgets `key` (used when processing an event failed, so that Meta's retry is not dropped). */
  delete(key: string): void {
    this.#keys.delete(key);
  }

  /** How many keys are remembered now. */
  get size(): number {
    return this.#keys.size;
  }
}

/**
 * The dedupe key of a webhook event: (messageId, status) for statuses, the message id for messages,
 * (user, value, timestamp) for user preferences; `undefined` for events that are not deduplicated
 * (template and account updates carry no id that tells a repeat from a new event).
 */
export function dedupeKeyOf(event: WebhookEvent): string | undefined {
  switch (event.type) {
    case 'status':
      return `s\u001f${event.messageId}\u001f${event.status}`;
    case 'message':
      return `m\u001f${event.messageId}`;
    case 'user_preferences':
      return `u\u001f${event.waId}\u001f${event.category}\u001f${event.value}\u001f${event.timestamp.getTime()}`;
    default:
      return undefined;
  }
}

/** The events the processor deduplicates: statuses (message id + status), messages (id) and user preferences. */
export type DedupedWebhookEvent = Extract<WebhookEvent, { type: 'status' | 'message' | 'user_preferences' }>;
