import { EventEmitter } from 'eventemitter3';
import { ValidationError, type WhatsAppError } from '../errors/index.js';
import { normalizeRecipientId } from '../events/recipient-id.js';
import type { EnqueueOptions } from './adapter.js';
import { CodeIssuer, DISCOUNT_CODE_METADATA_KEY, type IssueCodesOptions } from './discount-codes.js';
import type { CampaignPauseInfo } from './governance/campaign-pauses.js';
import { categoryOf, checkCategory, type MessageCategory } from './governance/message-category.js';
import { HeldRecipients } from './held-recipients.js';
import { checkHoldout, isHeldOut } from './holdout.js';
import { recipientIdOf } from './message-recipient.js';
import type { SendOutcome } from './outcome.js';
import { asWhatsAppError, defined } from './policy-runtime.js';
import { preflightTemplate } from './preflight.js';
import type { OutgoingMessageLike, QueueClient } from './send-client.js';
import type { SendRoute } from './send-route.js';
import { assignVariant, type VariantSpec } from './variants.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';

/**
 * The reader lets the event loop turn after this many recipients: reading, building and queueing are
 * promise continuations that never give way on their own, and a campaign whose sends wait (for their
 * window, for portfolio budget) reads on without a pause, so 90,000 recipients lining up for budget
 * would hold responses and timers back for seconds.
 */
const RECIPIENTS_PER_TURN = 100;

/** What `build` gets besides the recipient. */
export interface CampaignBuildContext {
  /** The campaign id. */
  campaignId: string;
  /** The A/B variant assigned to this recipient (undefined without variants). */
  variant: string | undefined;
  /** 0-based position of the recipient in the stream. */
  index: number;
  /**
   * The discount code issued to this recipient (with `issueCodes`), to put into the template's
   * parameters, e.g. `msg.template('spring', 'en', { body: [name, code] })`; recorded with the send.
   */
  code?: string;
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
  /**
   * Issue a discount code per recipient (`true`: a unique random code each; or see
   * {@link IssueCodesOptions}: a shared code per variant, your own generator). `build` gets it as
   * `context.code`; the send records it as `metadata.discountCode`, so a conversion naming the code is
   * attributed to the message (docs/metrics.md).
   */
  issueCodes?: true | IssueCodesOptions<R>;
  /**
   * Send through the Marketing Messages API (`'marketing_messages'`: marketing templates, with Meta's
   * click events) instead of the Cloud API (default). See {@link CampaignSpec.fallback}.
   */
  via?: SendRoute;
  /** With `via: 'marketing_messages'`: send a message it refuses as not eligible through the Cloud API. */
  fallback?: 'cloud_api';
  /** Idempotency key per message (default `<campaignId>:<recipientId>`, so a re-run skips what was sent). */
  idempotencyKey?: (recipient: R, message: OutgoingMessageLike) => string;
  /**
   * Check each template (exists, APPROVED, parameter counts) before its first send; a failure rejects `done`.
   * It also reads each template's category, which governance then applies (unless `category` is given).
   */
  preflight?: boolean;
  /**
   * Meta's category of the campaign's messages, for governance: consent, frequency caps, quiet hours
   * and the US marketing pause apply to `marketing` only. Default: each template's category as
   * `preflight` reads it from Meta, else `marketing` for a template (the strict reading), `service` for
   * anything else. An order-update campaign of utility templates should say `'utility'` (or use `preflight`).
   */
  category?: MessageCategory;
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
  /** Whether the campaign is paused (a quality signal, or `pause()`): no recipient is read, queued sends wait. */
  paused: boolean;
  /** Sent templates Meta answered with `message_status: held_for_quality_assessment` (template pacing). */
  heldForQualityAssessment: number;
}

/** Events of a {@link CampaignHandle}. */
export interface CampaignEvents {
  /** After every finished message. */
  progress: (progress: CampaignProgress) => void;
  /** One message finished. */
  outcome: (outcome: SendOutcome) => void;
  /** The campaign was paused (why: `reason`, and the `webhook` that did it). */
  paused: (info: CampaignPauseInfo) => void;
  /** The campaign goes on (`resumedBy`: `manual` or `automatic`). */
  resumed: (info: CampaignPauseInfo) => void;
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
  /** Pauses the campaign (`paused` event, reason `manual`): no recipient is read, queued sends wait. */
  pause(): void;
  /**
   * Continues a paused campaign, also one a quality signal paused (that cause no longer holds it; a new
   * one pauses it again). Returns false when it was not paused.
   */
  resume(): boolean;
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
  /** How many times faster than real time `now` runs (default 1; see `Clock.speed`). */
  readonly speed?: number;
  /** Stores a `send_failed` event for a message that never reached the queue (its build failed). */
  recordUnsent(outcome: SendOutcome, options: EnqueueOptions): void;
  /** Quality pauses of campaigns. */
  readonly pauses: CampaignPauseControl;
  /**
   * When a send of `category` to `recipientId` would wait for its send window: the instant it may start
   * (epoch ms); `undefined` when it may start now, is not held by the window, or would be skipped.
   */
  holdUntil(recipientId: string, category: MessageCategory): number | undefined;
  /** Registers a running campaign's recipients held for their window; returns the unregister function. */
  holdRecipients(held: CampaignHeldRecipients): () => void;
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

/** What a running campaign tells its queue about the recipients it holds for their window. */
export interface CampaignHeldRecipients {
  /** How many are held. */
  count(): number;
  /** When the earliest is due (epoch ms), or `undefined` when none is held. */
  nextAt(now: number): number | undefined;
  /** The queue is closing: every held recipient is due now, and a pause no longer stops reading (all end `skipped`, `closed`). */
  queueClosed(): void;
}

/** The queue's campaign pauses, as a campaign drives them. */
export interface CampaignPauseControl {
  /** Whether the campaign is paused. */
  isPaused(campaignId: string): boolean;
  /** Pauses it by hand. */
  pause(campaignId: string): void;
  /** Resumes it; false when it was not paused. */
  resume(campaignId: string): boolean;
  /** Marks the campaign as running (signals pause it at once) or finished. */
  setRunning(campaignId: string, running: boolean): void;
  /** Calls `listener` on the campaign's pauses and resumes; returns the unsubscribe function. */
  watch(
    campaignId: string,
    listener: (change: 'paused' | 'resumed', info: CampaignPauseInfo) => void,
  ): () => void;
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
  #heldForQualityAssessment = 0;
  #heldOut = 0;
  readonly #holdout: number;
  #read = 0;
  #pending = 0;
  #waiting = 0;
  #waitingUntil: number | undefined;
  #finished = false;
  #cancelled = false;
  /** The templates checked by pre-flight (name and language), with the category Meta files each under. */
  readonly #preflighted = new Map<string, MessageCategory | undefined>();
  #startedAt: number | undefined;
  #wakeReader: (() => void) | undefined;
  readonly #total: number | undefined;
  /** Recipients held unbuilt until their send window opens (the compact form of a waiting send). */
  readonly #held: HeldRecipients<R>;
  /** The category of the campaign's messages, learnt from the first one built (and pre-flighted). */
  #category: MessageCategory | undefined;
  /** The queue closed: nothing waits any more (every send ends `skipped`, `closed`). */
  #queueClosed = false;

  readonly #spec: CampaignSpec<R>;
  readonly #codes: CodeIssuer<R> | undefined;

  readonly #queue: CampaignQueue;

  constructor(queue: CampaignQueue, spec: CampaignSpec<R>) {
    super();
    this.#queue = queue;
    this.#spec = spec;
    this.#holdout = checkHoldout(spec.holdout);
    checkCategory(spec.category);
    this.campaignId = spec.campaignId;
    this.#codes = spec.issueCodes === undefined ? undefined : new CodeIssuer(spec.issueCodes);
    this.#total = spec.total ?? (Array.isArray(spec.recipients) ? spec.recipients.length : undefined);
    this.#held = new HeldRecipients<R>({
      onDue: () => this.#wake(),
      now: () => queue.now(),
      ...(queue.speed === undefined ? {} : { speed: queue.speed }),
    });
    this.done = this.#run();
    this.done.catch(() => undefined);
  }

  cancel(): void {
    this.#cancelled = true;
    this.#wake();
  }

  pause(): void {
    this.#queue.pauses.pause(this.campaignId);
  }

  resume(): boolean {
    return this.#queue.pauses.resume(this.campaignId);
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
      paused: this.#queue.pauses.isPaused(this.campaignId),
      heldForQualityAssessment: this.#heldForQualityAssessment,
    };
  }

  async #run(): Promise<CampaignProgress> {
    const pauses = this.#queue.pauses;
    pauses.setRunning(this.campaignId, true);
    const unwatch = pauses.watch(this.campaignId, (change, info) => {
      this.emit(change, info);
      this.#wake();
    });
    const held = this.#held;
    const unclose = this.#queue.holdRecipients({
      count: () => held.size,
      nextAt: (now) => held.nextAt(now),
      queueClosed: () => {
        this.#queueClosed = true;
        held.releaseAll();
      },
    });
    try {
      return await this.#readRecipients();
    } finally {
      unwatch();
      unclose();
      pauses.setRunning(this.campaignId, false);
    }
  }

  /**
   * Reads the source, holds recipients whose window is closed (unbuilt, see {@link HeldRecipients}),
   * and queues the others and the held ones as they fall due; stops reading while paused.
   */
  async #readRecipients(): Promise<CampaignProgress> {
    const maxPending = this.#spec.maxPending ?? 1000;
    const source = iterate(this.#spec.recipients);
    let exhausted = false;
    let failure: { error: unknown } | undefined;
    let sinceTurn = 0;
    try {
      for (;;) {
        if (++sinceTurn >= RECIPIENTS_PER_TURN) {
          sinceTurn = 0;
          await yieldToEventLoop();
        }
        while (
          this.#pending >= maxPending ||
          (!this.#queueClosed && this.#queue.pauses.isPaused(this.campaignId))
        )
          await this.#sleep();
        const due = this.#held.take();
        if (due) {
          if (--this.#waiting === 0 && this.#held.size === 0) this.#waitingUntil = undefined;
          // The queue closed: a held recipient ends `closed` without being built (a fast shutdown).
          if (this.#queueClosed) this.#record(this.#closedUnbuilt(due.recipient, due.index));
          else await this.#queueOne(due.recipient, due.index);
          continue;
        }
        if (exhausted || this.#cancelled) {
          if (this.#held.size === 0) break;
          await this.#sleep();
          continue;
        }
        const next = await source.next();
        if (next.done) {
          exhausted = true;
          continue;
        }
        const recipient = await next.value;
        const index = this.#read++;
        this.#startedAt ??= this.#queue.now();
        const until = this.#holdUntil(recipient);
        if (until !== undefined) {
          this.#held.add(recipient, index, until);
          this.#waiting++;
          this.#waitingUntil = Math.max(this.#waitingUntil ?? 0, until);
          continue;
        }
        await this.#queueOne(recipient, index);
      }
    } catch (error) {
      failure = { error };
    } finally {
      if (!exhausted) await closeSource(source);
    }
    this.#finished = true;
    // Even when the source or pre-flight failed, settle only once every queued send has its outcome.
    while (this.#pending + this.#waiting > 0) await this.#sleep();
    await this.#queue.flushStore();
    if (failure) throw failure.error;
    return this.progress();
  }

  /** `skipped` (`closed`) for a held recipient the queue closed on; it never reached the queue. */
  #closedUnbuilt(recipient: R, index: number): SendOutcome {
    let key: string | undefined;
    try {
      key = this.#spec.recipientKey ? this.#spec.recipientKey(recipient) : defaultKey(recipient);
    } catch {
      key = undefined;
    }
    return {
      status: 'skipped',
      reason: 'closed',
      attempts: 0,
      recipientId: recipientIdOfFailed(recipient, key, index),
    };
  }

  #sleep(): Promise<void> {
    return new Promise<void>((resolve) => (this.#wakeReader = resolve));
  }

  /**
   * When the recipient's send window is closed: the instant it opens (the recipient is then held
   * unbuilt). Only once a built message showed the campaign's category is one the window holds.
   */
  #holdUntil(recipient: R): number | undefined {
    if (this.#category === undefined) return undefined;
    let key: string | undefined;
    try {
      key = this.#spec.recipientKey ? this.#spec.recipientKey(recipient) : defaultKey(recipient);
    } catch {
      return undefined;
    }
    if (key === undefined || key.trim() === '') return undefined;
    return this.#queue.holdUntil(normalizeRecipientId(key.trim()), this.#category);
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
      const context: CampaignBuildContext = { campaignId: this.campaignId, variant, index };
      const code = await this.#codes?.codeFor(recipient, context);
      if (code !== undefined) context.code = code;
      message = await spec.build(recipient, context);
      const recipientId = recipientIdOf(message);
      const variantOf =
        variant ?? (spec.variants ? assignVariant(recipientId, spec.variants, this.campaignId) : undefined);
      const metadata = spec.metadata?.(recipient);
      options = {
        campaignId: this.campaignId,
        idempotencyKey: spec.idempotencyKey
          ? spec.idempotencyKey(recipient, message)
          : `${this.campaignId}:${recipientId}`,
        ...defined({
          variant: variantOf,
          segment: spec.segment?.(recipient),
          metadata: code === undefined ? metadata : { ...metadata, [DISCOUNT_CODE_METADATA_KEY]: code },
          via: spec.via,
          fallback: spec.fallback,
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
      this.#preflighted.set(templateKey, await preflightTemplate(this.#queue.client, message));
    }
    const category = spec.category ?? this.#preflighted.get(templateKey);
    if (category !== undefined) options.category = category;
    this.#category ??= categoryOf(message, category);
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
    if (outcome.messageStatus === 'held_for_quality_assessment') this.#heldForQualityAssessment++;
    this.emit('outcome', outcome);
    this.emit('progress', this.progress());
  }
}

/** An iterator over an iterable or async iterable (a `Readable` is one), as `for await` would use. */
function iterate<R>(recipients: Iterable<R> | AsyncIterable<R>): AsyncIterator<R> | Iterator<R> {
  const asyncIterable = recipients as AsyncIterable<R>;
  if (typeof asyncIterable[Symbol.asyncIterator] === 'function') return asyncIterable[Symbol.asyncIterator]();
  return (recipients as Iterable<R>)[Symbol.iterator]();
}

/** Lets the source release what it holds (a stream, a cursor) when the campaign stops reading early. */
async function closeSource<R>(source: AsyncIterator<R> | Iterator<R>): Promise<void> {
  try {
    await source.return?.();
  } catch {
    // The campaign's own outcome matters more than a source that fails to close.
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
