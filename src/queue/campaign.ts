import { EventEmitter } from 'eventemitter3';
import { ValidationError, type WhatsAppError } from '../errors/index.js';
import { normalizeRecipientId } from '../events/recipient-id.js';
import type { EnqueueOptions } from './adapter.js';
import { checkHoldout, isHeldOut } from './holdout.js';
import { recipientIdOf } from './message-recipient.js';
import type { SendOutcome } from './outcome.js';
import { asWhatsAppError, defined } from './policy-runtime.js';
import { preflightTemplate } from './preflight.js';
import type { OutgoingMessageLike, QueueClient } from './send-client.js';
import { assignVariant, type VariantSpec } from './variants.js';

/** What `build` gets besides the recipient. */
export interface CampaignBuildContext {
  /** The campaign id. */
  campaignId: string;
  /** The A/B variant assigned to this recipient (undefined without variants). */
  variant: string | undefined;
  /** 0-based position of the recipient in the stream. */
  index: number;
}

/** What `sendCampaign()` takes. */
export interface CampaignSpec<R> {
  /** Campaign id, recorded with every send. */
  campaignId: string;
  /** Recipients: an array, iterable, async iterable, or a Readable stream (CSV rows, a DB cursor). */
  recipients: Iterable<R> | AsyncIterable<R>;
  /** Builds the message for one recipient. */
  build(recipient: R, context: CampaignBuildContext): OutgoingMessageLike | Promise<OutgoingMessageLike>;
  /** A/B variants, assigned deterministically by recipient. */
  variants?: ReadonlyArray<string | VariantSpec>;
  /**
   * The stable key variants are assigned by (default: the recipient itself when it is a string,
   * else its `to`, `phone`, `wa_id`, `recipient` or `id` field).
   */
  recipientKey?: (recipient: R) => string;
  /** Segment name per recipient. */
  segment?: (recipient: R) => string | undefined;
  /** Metadata stored with each `outbound` event. */
  metadata?: (recipient: R) => Record<string, unknown> | undefined;
  /** Idempotency key per message (default `<campaignId>:<recipientId>`, so a re-run skips what was sent). */
  idempotencyKey?: (recipient: R, message: OutgoingMessageLike) => string;
  /** Check each template (exists, APPROVED, parameter counts) before its first send; a failure rejects `done`. */
  preflight?: boolean;
  /** Number of recipients, for `remaining` and ETA when `recipients` is not an array. */
  total?: number;
  /** Most messages of this campaign queued but not finished (default 1,000): the memory bound. */
  maxPending?: number;
  /**
   * Share of recipients held out as a control group (from 0 to below 1, e.g. `0.05`): a stable draw by
   * campaign id and recipient, so a restart holds out the same people. They are not sent; a `held_out`
   * event is stored instead, and `computeCampaignMetrics` compares their conversions with those of the
   * recipients sent to (`CampaignMetrics.holdout`). A held-out recipient who would have been skipped
   * when sent to (erased, suppressed, region rule, no consent under `requireConsent`) is `skipped` instead.
   */
  holdout?: number;
}

/** Progress of a campaign. */
export interface CampaignProgress {
  /** Messages Meta accepted. */
  sent: number;
  /** Messages that failed (including recipients whose message could not be built). */
  failed: number;
  /** Messages skipped (suppressed, duplicate, queue closed). */
  skipped: number;
  /** Recipients held out (the control group of `holdout`): not sent, recorded as `held_out` events. */
  heldOut: number;
  /** Messages with no answer (may have been sent). */
  unknown: number;
  /** Recipients read from the source so far. */
  read: number;
  /** Messages still to finish: of `total` when known, else of those read so far. */
  remaining: number;
  /** Finished messages per second since the first one was queued. */
  ratePerSecond: number;
  /** Estimated milliseconds to finish (undefined when the total is unknown or the rate is 0). */
  etaMs: number | undefined;
  /** Whether the source is exhausted and every message finished. */
  done: boolean;
  /**
   * Messages waiting for their time (send window, `notBefore`, 131049 deferral). They do not count
   * against `maxPending`, so the campaign goes on with recipients who can be sent to now.
   */
  waiting: number;
  /** While some wait: the latest time one of them is due (a bound on when the waiting is over). */
  waitingUntil: Date | undefined;
}

/** Events of a {@link CampaignHandle}. */
export interface CampaignEvents {
  /** After every finished message. */
  progress: (progress: CampaignProgress) => void;
  /** One message finished. */
  outcome: (outcome: SendOutcome) => void;
  /** One recipient was held out (not sent: the control group of `holdout`). */
  heldOut: (recipientId: string) => void;
}

/** A running campaign. */
export interface CampaignHandle extends EventEmitter<CampaignEvents> {
  /** The campaign id. */
  readonly campaignId: string;
  /** Current progress. */
  progress(): CampaignProgress;
  /** Stops reading recipients; messages already queued still finish. */
  cancel(): void;
  /**
   * Resolves with the final progress once every recipient read has exactly one outcome; rejects only
   * when pre-flight fails or the source throws, and then only after the sends already queued finished.
   */
  readonly done: Promise<CampaignProgress>;
}

/** The part of `SendQueue` a campaign drives. */
export interface CampaignQueue {
  /** Queues one message; `onWaiting` is told (once) when it starts waiting for its time. */
  enqueue(
    message: OutgoingMessageLike,
    options?: EnqueueOptions,
    onWaiting?: (until: Date) => void,
  ): Promise<SendOutcome>;
  /** The client, for pre-flight. */
  readonly client: QueueClient;
  /** Writes buffered store events. */
  flushStore(): Promise<void>;
  /** Current time. */
  now(): number;
  /** Stores a `send_failed` event for a message that never reached the queue (its build failed). */
  recordUnsent(outcome: SendOutcome, options: EnqueueOptions): void;
  /**
   * Holds a recipient out: resolves with a `skipped` outcome when they would not be sent to anyway
   * (erased, suppressed, region rule, no consent), else stores their `held_out` event and resolves
   * `undefined`.
   */
  holdOut(
    recipientId: string,
    message: OutgoingMessageLike,
    options: EnqueueOptions,
  ): Promise<SendOutcome | undefined>;
}

const KEY_FIELDS = ['to', 'phone', 'wa_id', 'recipient', 'id'] as const;

function defaultKey(recipient: unknown): string | undefined {
  if (typeof recipient === 'string') return recipient;
  if (recipient && typeof recipient === 'object') {
    for (const field of KEY_FIELDS) {
      const value = (recipient as Record<string, unknown>)[field];
      if (typeof value === 'string' || typeof value === 'number') return String(value);
    }
  }
  return undefined;
}

class Campaign<R> extends EventEmitter<CampaignEvents> implements CampaignHandle {
  readonly campaignId: string;
  readonly done: Promise<CampaignProgress>;
  #counts = { sent: 0, failed: 0, skipped: 0, unknown: 0 };
  #heldOut = 0;
  readonly #holdout: number;
  #read = 0;
  #pending = 0;
  #waiting = 0;
  #waitingUntil: number | undefined;
  #finished = false;
  #cancelled = false;
  readonly #preflighted = new Set<string>();
  #startedAt: number | undefined;
  #wakeReader: (() => void) | undefined;
  readonly #total: number | undefined;

  readonly #spec: CampaignSpec<R>;

  readonly #queue: CampaignQueue;

  constructor(queue: CampaignQueue, spec: CampaignSpec<R>) {
    super();
    this.#queue = queue;
    this.#spec = spec;
    this.#holdout = checkHoldout(spec.holdout);
    this.campaignId = spec.campaignId;
    this.#total = spec.total ?? (Array.isArray(spec.recipients) ? spec.recipients.length : undefined);
    this.done = this.#run();
    this.done.catch(() => undefined);
  }

  cancel(): void {
    this.#cancelled = true;
  }

  progress(): CampaignProgress {
    const finishedCount =
      this.#counts.sent + this.#counts.failed + this.#counts.skipped + this.#counts.unknown + this.#heldOut;
    const elapsed = this.#startedAt === undefined ? 0 : (this.#queue.now() - this.#startedAt) / 1000;
    const ratePerSecond = elapsed > 0 ? finishedCount / elapsed : 0;
    const remaining = Math.max(
      0,
      (this.#finished ? this.#read : (this.#total ?? this.#read)) - finishedCount,
    );
    const etaMs =
      this.#total !== undefined && ratePerSecond > 0 ? (remaining / ratePerSecond) * 1000 : undefined;
    return {
      ...this.#counts,
      heldOut: this.#heldOut,
      read: this.#read,
      remaining,
      ratePerSecond,
      etaMs,
      done: this.#finished && this.#pending === 0 && this.#waiting === 0,
      waiting: this.#waiting,
      waitingUntil: this.#waitingUntil === undefined ? undefined : new Date(this.#waitingUntil),
    };
  }

  async #run(): Promise<CampaignProgress> {
    const maxPending = this.#spec.maxPending ?? 1000;
    let failure: { error: unknown } | undefined;
    try {
      for await (const recipient of this.#spec.recipients) {
        if (this.#cancelled) break;
        while (this.#pending >= maxPending)
          await new Promise<void>((resolve) => (this.#wakeReader = resolve));
        const index = this.#read++;
        this.#startedAt ??= this.#queue.now();
        await this.#queueOne(recipient, index);
      }
    } catch (error) {
      failure = { error };
    }
    this.#finished = true;
    // Even when the source or pre-flight failed, settle only once every queued send has its outcome.
    while (this.#pending + this.#waiting > 0)
      await new Promise<void>((resolve) => (this.#wakeReader = resolve));
    await this.#queue.flushStore();
    if (failure) throw failure.error;
    return this.progress();
  }

  async #queueOne(recipient: R, index: number): Promise<void> {
    const spec = this.#spec;
    let key: string | undefined;
    let variant: string | undefined;
    let message: OutgoingMessageLike;
    let options: EnqueueOptions;
    try {
      key = spec.recipientKey ? spec.recipientKey(recipient) : defaultKey(recipient);
      variant =
        spec.variants && key !== undefined ? assignVariant(key, spec.variants, this.campaignId) : undefined;
      message = await spec.build(recipient, { campaignId: this.campaignId, variant, index });
      const recipientId = recipientIdOf(message);
      const variantOf =
        variant ?? (spec.variants ? assignVariant(recipientId, spec.variants, this.campaignId) : undefined);
      options = {
        campaignId: this.campaignId,
        idempotencyKey: spec.idempotencyKey
          ? spec.idempotencyKey(recipient, message)
          : `${this.campaignId}:${recipientId}`,
        ...defined({
          variant: variantOf,
          segment: spec.segment?.(recipient),
          metadata: spec.metadata?.(recipient),
        }),
      };
    } catch (error) {
      this.#unsent(recipient, index, key, variant, asWhatsAppError(error));
      return;
    }
    // Pre-flight errors reject `done` before any message of the campaign is sent.
    // Each distinct template (name + language) is checked once, before its first send.
    const templateKey = message.template
      ? `${message.template.name}|${message.template.language?.code ?? ''}`
      : '';
    if (spec.preflight && !this.#preflighted.has(templateKey)) {
      await preflightTemplate(this.#queue.client, message);
      this.#preflighted.add(templateKey);
    }
    if (this.#holdout > 0 && isHeldOut(this.campaignId, recipientIdOf(message), this.#holdout)) {
      this.#pending++;
      this.#queue.holdOut(normalizeRecipientId(recipientIdOf(message)), message, options).then(
        (outcome) => this.#settleHeldOut(outcome, recipientIdOf(message)),
        (error: unknown) =>
          this.#settle(
            {
              status: 'failed',
              error: asWhatsAppError(error),
              attempts: 0,
              recipientId: recipientIdOf(message),
            },
            false,
          ),
      );
      return;
    }
    this.#pending++;
    let waited = false;
    // A send that waits for its time gives its `maxPending` slot back: waiting is not work in progress.
    const onWaiting = (until: Date) => {
      waited = true;
      this.#pending--;
      this.#waiting++;
      this.#waitingUntil = Math.max(this.#waitingUntil ?? 0, until.getTime());
      this.#wake();
    };
    this.#queue.enqueue(message, options, onWaiting).then(
      (outcome) => this.#settle(outcome, waited),
      (error: unknown) =>
        this.#settle(
          {
            status: 'failed',
            error: asWhatsAppError(error),
            attempts: 0,
            recipientId: recipientIdOfFailed(recipient, key, index),
          },
          waited,
        ),
    );
  }

  /**
   * A recipient whose message could not be built (or named no recipient): one `failed` outcome,
   * stored as a `send_failed` event under the recipient's id. A recipient without an id
   * (`recipientKey`, or a `to`/`phone`/`wa_id`/`recipient`/`id` field) cannot be stored; its outcome
   * carries a `ValidationError` naming its position instead.
   */
  #unsent(
    recipient: R,
    index: number,
    key: string | undefined,
    variant: string | undefined,
    error: WhatsAppError,
  ): void {
    const raw = key ?? (typeof recipient === 'string' ? recipient : undefined);
    if (raw === undefined || raw.trim() === '') {
      const problem = new ValidationError(
        [
          {
            path: `recipients[${index}]`,
            message: `has no ${KEY_FIELDS.join(', ')} field (or recipientKey) to identify it, and its message failed: ${error.message}`,
            code: 'no_recipient_id',
          },
        ],
        'campaign recipient',
      );
      Object.defineProperty(problem, 'cause', { value: error, enumerable: false });
      this.#record({ status: 'failed', error: problem, attempts: 0, recipientId: `recipients[${index}]` });
      return;
    }
    const recipientId = normalizeRecipientId(raw.trim());
    const outcome: SendOutcome = { status: 'failed', error, attempts: 0, recipientId };
    this.#queue.recordUnsent(outcome, { campaignId: this.campaignId, ...defined({ variant }) });
    this.#record(outcome);
  }

  #settle(outcome: SendOutcome, waited: boolean): void {
    if (!waited) this.#pending--;
    else if (--this.#waiting === 0) this.#waitingUntil = undefined;
    this.#record(outcome);
    this.#wake();
  }

  #settleHeldOut(outcome: SendOutcome | undefined, recipientId: string): void {
    if (outcome) {
      this.#settle(outcome, false);
      return;
    }
    this.#pending--;
    this.#heldOut++;
    this.emit('heldOut', recipientId);
    this.emit('progress', this.progress());
    this.#wake();
  }

  #wake(): void {
    const wake = this.#wakeReader;
    this.#wakeReader = undefined;
    wake?.();
  }

  #record(outcome: SendOutcome): void {
    this.#counts[outcome.status]++;
    this.emit('outcome', outcome);
    this.emit('progress', this.progress());
  }
}

function recipientIdOfFailed<R>(recipient: R, key: string | undefined, index: number): string {
  const raw = key ?? (typeof recipient === 'string' ? recipient : undefined);
  return raw === undefined || raw.trim() === '' ? `recipients[${index}]` : normalizeRecipientId(raw.trim());
}

/** Starts a campaign on a queue (what `SendQueue.sendCampaign` calls). */
export function startCampaign<R>(queue: CampaignQueue, spec: CampaignSpec<R>): CampaignHandle {
  return new Campaign(queue, spec);
}
