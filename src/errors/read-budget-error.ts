import { WhatsAppError } from './whatsapp-error.js';

/**
 * The hourly budget of WhatsApp Business Account reads (insights, pricing and messaging analytics)
 * is spent, or Graph answered a rate-limit error (4, 80004, 80007) on such a read, and waiting
 * would exceed the client's `wabaReadLimit.maxWaitMs`. Nothing was sent for this call: retry after
 * {@link ReadBudgetExhaustedError.retryAfterMs}. `cause` is the Graph error when Graph refused.
 */
export class ReadBudgetExhaustedError extends WhatsAppError {
  /** The WhatsApp Business Account whose budget is spent. */
  readonly businessAccountId: string;
  /** How long to wait before the next read can go out, in milliseconds. */
  readonly retryAfterMs: number;
  /** When the next read can go out. */
  readonly retryAt: Date;

  constructor(init: { businessAccountId: string; retryAfterMs: number; now: number; cause?: unknown }) {
    const seconds = Math.ceil(init.retryAfterMs / 1000);
    super(
      `WhatsApp Business Account ${init.businessAccountId} read budget exhausted: retry in ${seconds} s ` +
        `(at ${new Date(init.now + init.retryAfterMs).toISOString()}).`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.businessAccountId = init.businessAccountId;
    this.retryAfterMs = init.retryAfterMs;
    this.retryAt = new Date(init.now + init.retryAfterMs);
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      businessAccountId: this.businessAccountId,
      retryAfterMs: this.retryAfterMs,
      retryAt: this.retryAt.toISOString(),
    };
  }
}
