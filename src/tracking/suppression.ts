import { normalizeRecipientId } from '../events/recipient-id.js';

/**
 * Who must not be messaged (opted out, or blocked). The send queue checks it before every send and
 * skips suppressed recipients. Recipient ids are compared after {@link normalizeRecipientId}.
 */
export interface SuppressionList {
  /** Whether messages to this recipient must be skipped. */
  isSuppressed(recipientId: string): boolean | Promise<boolean>;
  /** Suppresses a recipient, with an optional reason (e.g. `opt_out`, `block`, `manual`). */
  suppress(recipientId: string, reason?: string): void | Promise<void>;
  /** Lifts a recipient's suppression. */
  unsuppress(recipientId: string): void | Promise<void>;
}

/** A {@link SuppressionList} held in memory (per instance; nothing global). */
export class MemorySuppressionList implements SuppressionList {
  readonly #reasons = new Map<string, string>();

  /** Starts with the given recipients suppressed (reason `manual`). */
  constructor(recipientIds: Iterable<string> = []) {
    for (const id of recipientIds) this.suppress(id);
  }

  /** Whether the recipient is suppressed. */
  isSuppressed(recipientId: string): boolean {
    return this.#reasons.has(normalizeRecipientId(recipientId));
  }

  /** Suppresses the recipient. */
  suppress(recipientId: string, reason = 'manual'): void {
    this.#reasons.set(normalizeRecipientId(recipientId), reason);
  }

  /** Lifts the recipient's suppression. */
  unsuppress(recipientId: string): void {
    this.#reasons.delete(normalizeRecipientId(recipientId));
  }

  /** Why the recipient is suppressed, or `undefined` when it is not. */
  reason(recipientId: string): string | undefined {
    return this.#reasons.get(normalizeRecipientId(recipientId));
  }

  /** How many recipients are suppressed. */
  get size(): number {
    return this.#reasons.size;
  }
}
