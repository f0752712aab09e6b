import type { WhatsAppError } from '../errors/index.js';

/**
 * How one enqueued message ended. Exactly one outcome per message:
 * `sent` (Meta accepted it), `failed` (refused, or retries exhausted), `skipped` (never sent:
 * suppressed, duplicate idempotency key, or the queue closed first), `unknown` (the request may
 * have reached Meta but no answer came back; never re-sent automatically).
 */
export type SendStatus = 'sent' | 'failed' | 'skipped' | 'unknown';

/**
 * Why a message was `skipped`: `suppressed` (opted out, blocked), `duplicate` (idempotency key),
 * `closed` (the queue closed first), `no_consent` (`requireConsent` and no standing marketing opt-in),
 * `frequency_cap` (the recipient's cap is reached), `region` (marketing to a US number, see
 * `skipUsMarketing`), `erased` (the person asked to be forgotten), `rule` (one of your pre-send `rules`
 * answered with a reason, in the outcome's `detail`). `paused` is never a final outcome:
 * an adapter hands a send of a paused campaign back with it, and the queue keeps the send until the
 * campaign resumes (or ends it `closed`).
 */
export type SkipReason =
  | 'suppressed'
  | 'duplicate'
  | 'closed'
  | 'no_consent'
  | 'frequency_cap'
  | 'region'
  | 'erased'
  | 'rule'
  | 'paused';

/** The result every `enqueue()` promise resolves to (it never rejects). */
export interface SendOutcome {
  /** How the message ended. */
  status: SendStatus;
  /** Meta's message id, when `sent`. */
  messageId?: string;
  /** The typed error, when `failed` or `unknown`. */
  error?: WhatsAppError;
  /** Requests made for this message (0 when skipped before any request). */
  attempts: number;
  /** Why it was skipped, when `skipped`. */
  reason?: SkipReason;
  /** When skipped with reason `rule`: the reason your rule answered (`rule_error` when it threw). */
  detail?: string;
  /** Who the message was for (`to`, digits only, or the BSUID). */
  recipientId: string;
  /** The idempotency key the message was enqueued with. */
  idempotencyKey?: string;
  /**
   * When `sent` as a template: Meta's `message_status` from the send response, `accepted` or
   * `held_for_quality_assessment` (template pacing holds it; it is delivered later, or fails with 132015).
   */
  messageStatus?: string;
}
