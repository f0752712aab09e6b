import { EventEmitter } from 'eventemitter3';
import { consentStatus, readConsent } from '../events/consent.js';
import type { EventStore } from '../events/event-store.js';
import type { EnqueueOptions, QueueAdapter, SendJob } from './adapter.js';
import { MemoryQueueAdapter } from './adapters/memory/memory-adapter.js';
import {
  type CampaignHandle,
  type CampaignHeldRecipients,
  type CampaignSpec,
  startCampaign,
} from './campaign.js';
import { checkEnqueueArguments } from './enqueue-arguments.js';
import { type CampaignPauseInfo, CampaignPauses } from './governance/campaign-pauses.js';
import { categoryOf } from './governance/message-category.js';
import { messagingLimitOf } from './governance/messaging-limit.js';
import { isUsNumber } from './governance/meta-limits.js';
import type { PortfolioBudget } from './governance/portfolio-budget.js';
import { ruleSkipReason } from './governance/pre-send-rules.js';
import { SendGovernance } from './governance/send-governance.js';
import { type ObservedWebhookEvent, sameNumber, signalOf } from './governance/webhook-signals.js';
import { IdempotencyKeys } from './idempotency-keys.js';
import { recipientIdOf } from './message-recipient.js';
import type { SendOutcome, SkipReason } from './outcome.js';
import { defined, PolicyRuntime } from './policy-runtime.js';
import type { QueueStats, SendQueueEvents } from './queue-events.js';
import type { OutgoingMessageLike } from './send-client.js';
import {
  type ResolvedSendQueueOptions,
  resolveSendQueueOptions,
  type SendQueueOptions,
} from './send-queue-options.js';

const HELD_FOR_QUALITY = 'held_for_quality_assessment';

/**
 * Sends messages for one phone number within Meta's limits: throughput per number, spacing per
 * recipient, retries by error code, suppression, idempotency, one outcome per message.
 *
 * ```ts
 * const queue = new SendQueue({ client, store, suppression, messagesPerSecond: 80 });
 * const outcome = await queue.enqueue({ to: '+16505551234', type: 'text', text: { body: 'hi' } });
 * ```
 */
export class SendQueue extends EventEmitter<SendQueueEvents> {
  readonly #settings: ResolvedSendQueueOptions;
  readonly #adapter: QueueAdapter;
  readonly #runtime: PolicyRuntime;
  readonly #keys: IdempotencyKeys;
  readonly #governance: SendGovernance;
  readonly #pauses: CampaignPauses;
  readonly #totals = { sent: 0, failed: 0, skipped: 0, unknown: 0 };
  #heldForQualityAssessment = 0;
  /** Recipients running campaigns hold unbuilt until their send window opens. */
  readonly #campaignHolds = new Set<CampaignHeldRecipients>();
  #messagesPerSecond: number;
  #sequence = 0;
  #closing: Promise<void> | undefined;

  /** @param options see {@link SendQueueOptions}; unknown keys throw `ConfigError`. */
  constructor(options: SendQueueOptions) {
    super();
    this.#settings = resolveSendQueueOptions(options);
    this.#keys = new IdempotencyKeys(this.#settings.idempotencyCacheSize);
    this.#messagesPerSecond = this.#settings.messagesPerSecond;
    this.#pauses = new CampaignPauses({
      onPaused: (info) => this.emit('campaign_paused', info),
      onResumed: (info) => {
        this.#governance.unpark(info.campaignId);
        this.emit('campaign_resumed', info);
      },
    });
    this.#runtime = new PolicyRuntime(this.#settings, {
      holds: (job) => this.#pauses.holds(job),
      onRetry: (info) => this.emit('retry', info),
      onIdle: () => this.emit('idle'),
      onError: (error) => {
        this.#settings.reportError(error);
        if (this.listenerCount('error') > 0) this.emit('error', error);
      },
      onDeferred: (info) => this.emit('deferred', info),
    });
    this.#adapter = this.#settings.adapter ?? new MemoryQueueAdapter();
    this.#adapter.attach(this.#runtime);
    this.#governance = new SendGovernance(this.#settings.governance, {
      send: (job, dueAt) => (dueAt === undefined ? this.#adapter.add(job) : this.#adapter.add(job, dueAt)),
      schedulesDelayed: this.#adapter.schedulesDelayed === true,
      now: () => this.#settings.now(),
      speed: this.#settings.clock.speed,
      store: this.#settings.store,
      onDeferred: (info) => this.emit('deferred', info),
      onError: (error) => this.#runtime.reportError(error),
      pauses: this.#pauses,
    });
  }

  /** The sending phone number id. */
  get phoneNumberId(): string {
    return this.#runtime.phoneNumberId;
  }

  /**
   * The portfolio messaging-limit budget (`portfolioBudget`, or the one `messagingLimit` made), to
   * update its limit from a webhook: `queue.portfolioBudget?.setLimit(messagingLimitOf(event))`.
   */
  get portfolioBudget(): PortfolioBudget | undefined {
    return this.#settings.governance.portfolioBudget;
  }

  /** The throughput limit of this queue's number (raised by a `THROUGHPUT_UPGRADE` webhook). */
  get messagesPerSecond(): number {
    return this.#messagesPerSecond;
  }

  /**
   * Feeds a webhook event to the queue's governance (e.g. `processor.on('event', (e) => queue.observe(e))`):
   * a paused or disabled template pauses the campaigns that use it, a flagged number (quality RED) pauses
   * every campaign of the queue (`campaign_paused`); `REINSTATED` / `APPROVED` and `UNFLAGGED` resume the
   * campaigns they paused; `THROUGHPUT_UPGRADE` raises the number's limit to 1,000 messages per second
   * (`throughput_changed`; adapters without `setMessagesPerSecond` keep their limit). Number events apply
   * when their `display_phone_number` matches the `displayPhoneNumber` option (or it is not set).
   * A `business_capability_update` (or a quality update carrying a new limit) sets the portfolio
   * budget's messaging limit. Returns whether the event meant anything to the queue.
   */
  observe(event: ObservedWebhookEvent): boolean {
    const limit = messagingLimitOf(event);
    const budget = this.#settings.governance.portfolioBudget;
    const limitChanged = limit !== undefined && budget !== undefined;
    if (limitChanged) budget.setLimit(limit).catch((error: unknown) => this.#runtime.reportError(error));
    const signal = signalOf(event);
    if (!signal) return limitChanged;
    if (
      (signal.kind === 'number_flagged' ||
        signal.kind === 'number_unflagged' ||
        signal.kind === 'throughput_upgrade') &&
      !sameNumber(signal.displayPhoneNumber, this.#settings.governance.displayPhoneNumber)
    )
      return limitChanged;
    if (signal.kind === 'throughput_upgrade') {
      if (signal.messagesPerSecond <= this.#messagesPerSecond) return true;
      this.#messagesPerSecond = signal.messagesPerSecond;
      this.#adapter.setMessagesPerSecond?.(signal.messagesPerSecond);
      this.emit('throughput_changed', { messagesPerSecond: signal.messagesPerSecond, webhook: event });
      return true;
    }
    this.#pauses.apply(signal);
    return true;
  }

  /** Pauses a campaign by hand (`campaign_paused`, reason `manual`): its queued sends wait. */
  pauseCampaign(campaignId: string): void {
    this.#pauses.pause(campaignId);
  }

  /**
   * Continues a paused campaign (`campaign_resumed`), also when a quality signal paused it: the cause it
   * was paused for no longer holds it (a new cause pauses it again). Returns false when it was not paused.
   */
  resumeCampaign(campaignId: string): boolean {
    return this.#pauses.resume(campaignId);
  }

  /** Whether a campaign is paused. */
  isCampaignPaused(campaignId: string): boolean {
    return this.#pauses.isPaused(campaignId);
  }

  /**
   * Queues one message; resolves with its {@link SendOutcome} and never rejects once queued.
   * Rejects with `ValidationError` (naming the field) only when the message is not an object or names
   * no recipient (`to` or `recipient`), or `options` is not an object or has an unknown key.
   * `message` is the Cloud API body without `messaging_product`, passed to the client as it is.
   */
  enqueue<M extends OutgoingMessageLike>(message: M, options: EnqueueOptions = {}): Promise<SendOutcome> {
    return this.#enqueue(message, options, undefined);
  }

  #enqueue(
    message: OutgoingMessageLike,
    options: EnqueueOptions,
    onWaiting: ((until: Date) => void) | undefined,
  ): Promise<SendOutcome> {
    let recipientId: string;
    try {
      checkEnqueueArguments(message, options);
      recipientId = recipientIdOf(message);
    } catch (error) {
      return Promise.reject(error);
    }
    const key = options.idempotencyKey;
    const base = { recipientId, attempts: 0, ...defined({ idempotencyKey: key }) };
    if (this.#closing)
      return Promise.resolve(
        this.#report({ ...base, status: 'skipped', reason: 'closed' }, message, options),
      );
    if (key !== undefined && !this.#keys.claim(key)) {
      return Promise.resolve(
        this.#report({ ...base, status: 'skipped', reason: 'duplicate' }, message, options),
      );
    }
    const job: SendJob = {
      id: key ?? `${Date.now().toString(36)}-${(this.#sequence++).toString(36)}`,
      message,
      recipientId,
      options,
      attempts: 0,
      pairRateHits: 0,
    };
    return this.#governance.admit(job, onWaiting).then((outcome) => {
      if (key !== undefined && (outcome.status === 'failed' || outcome.status === 'skipped'))
        this.#keys.release(key);
      return this.#report(outcome, message, options);
    });
  }

  /**
   * Streams a campaign through the queue with bounded memory: recipients are pulled from the
   * array, iterable, async iterable or stream only as sends finish.
   */
  sendCampaign<R>(spec: CampaignSpec<R>): CampaignHandle {
    return startCampaign(
      {
        client: this.#settings.client,
        enqueue: (message, options = {}, onWaiting = undefined) => this.#enqueue(message, options, onWaiting),
        flushStore: () => this.#runtime.flush(),
        now: () => this.#settings.now(),
        speed: this.#settings.clock.speed,
        holdUntil: (recipientId, category) => this.#governance.holdUntil(recipientId, category),
        holdRecipients: (held) => {
          this.#campaignHolds.add(held);
          return () => this.#campaignHolds.delete(held);
        },
        pauses: {
          isPaused: (campaignId) => this.#pauses.isPaused(campaignId),
          pause: (campaignId) => this.pauseCampaign(campaignId),
          resume: (campaignId) => this.resumeCampaign(campaignId),
          setRunning: (campaignId, running) => this.#pauses.setRunning(campaignId, running),
          watch: (campaignId, listener) => {
            const paused = (info: CampaignPauseInfo) => {
              if (info.campaignId === campaignId) listener('paused', info);
            };
            const resumed = (info: CampaignPauseInfo) => {
              if (info.campaignId === campaignId) listener('resumed', info);
            };
            this.on('campaign_paused', paused);
            this.on('campaign_resumed', resumed);
            return () => {
              this.off('campaign_paused', paused);
              this.off('campaign_resumed', resumed);
            };
          },
        },
        holdOut: (recipientId, message, options) => this.#holdOut(recipientId, message, options),
        recordUnsent: (outcome, options) =>
          this.#runtime.settle(
            { id: '', message: {}, recipientId: outcome.recipientId, options, attempts: 0, pairRateHits: 0 },
            outcome,
          ),
      },
      spec,
    );
  }

  /** Stops starting new requests (requests in flight finish). */
  pause(): void | Promise<void> {
    return this.#adapter.pause();
  }

  /** Starts sending again. */
  resume(): void | Promise<void> {
    return this.#adapter.resume();
  }

  /**
   * Resolves when nothing is queued, waiting (send window, `notBefore`, 131049 deferral) or in flight,
   * and buffered store events are written.
   */
  async onIdle(): Promise<void> {
    do {
      await this.#governance.onEmpty();
      await this.#adapter.onIdle();
    } while (this.#governance.held > 0);
    await this.#runtime.flush();
  }

  /**
   * Sends waiting for their time (send window, `notBefore`, 131049 deferral; campaign recipients held
   * for their window included) or for portfolio budget, and the earliest wake-up. With an adapter that
   * keeps waiting sends itself (BullMQ: delayed jobs in Redis), the sends this process enqueued that are
   * not due yet.
   */
  waiting(): { count: number; nextAt: Date | undefined } {
    const own = this.#governance.waiting();
    let count = own.count;
    let nextAt = own.nextAt?.getTime();
    const now = this.#settings.now();
    for (const held of this.#campaignHolds) {
      count += held.count();
      const at = held.nextAt(now);
      if (at !== undefined && (nextAt === undefined || at < nextAt)) nextAt = at;
    }
    return { count, nextAt: nextAt === undefined ? undefined : new Date(nextAt) };
  }

  /**
   * Stops the queue: waits for requests in flight, ends every message not yet sent as `skipped`
   * (`closed`), and writes buffered store events. Later `enqueue()` calls resolve `skipped`.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#governance.close();
      for (const held of this.#campaignHolds) held.queueClosed();
      await this.#adapter.close();
      await this.#runtime.flush();
    })();
    return this.#closing;
  }

  /** Running totals and live counts. */
  stats(): QueueStats {
    return {
      ...this.#totals,
      ...this.#adapter.counts(),
      heldForQualityAssessment: this.#heldForQualityAssessment,
    };
  }

  /**
   * A campaign's held-out recipient: `skipped` when they would not have been sent to anyway (erased,
   * suppressed, the region rule, no consent under `requireConsent`), so the control group holds only
   * people the campaign would have reached; else their `held_out` event is stored.
   */
  async #holdOut(
    recipientId: string,
    message: OutgoingMessageLike,
    options: EnqueueOptions,
  ): Promise<SendOutcome | undefined> {
    const skip = await this.#holdOutSkip(recipientId, message, options);
    if (skip !== undefined)
      return this.#report({ recipientId, attempts: 0, status: 'skipped', ...skip }, message, options);
    const { campaignId, variant, segment } = options;
    if (campaignId !== undefined) {
      this.#runtime.recordEvent({
        kind: 'held_out',
        recipientId,
        at: new Date(this.#settings.now()),
        campaignId,
        ...defined({ variant, segment }),
      });
    }
    return undefined;
  }

  async #holdOutSkip(
    recipientId: string,
    message: OutgoingMessageLike,
    options: EnqueueOptions,
  ): Promise<{ reason: SkipReason; detail?: string } | undefined> {
    const store = this.#settings.store as EventStore | undefined;
    const governance = this.#settings.governance;
    const category = categoryOf(message, options.category);
    const marketing = category === 'marketing';
    if (marketing && governance.skipUsMarketing && isUsNumber(recipientId)) return { reason: 'region' };
    if (store?.isErased && (await store.isErased(recipientId))) return { reason: 'erased' };
    if (await this.#settings.suppression?.isSuppressed(recipientId)) return { reason: 'suppressed' };
    if (marketing && governance.requireConsent && store) {
      const history = await readConsent(store, recipientId);
      if (!consentStatus(history.events, 'marketing').granted) return { reason: 'no_consent' };
    }
    const detail = await ruleSkipReason(
      governance.rules,
      { recipientId, message, category, options },
      (error) => this.#runtime.reportError(error),
    );
    return detail === undefined ? undefined : { reason: 'rule', detail };
  }

  #report(outcome: SendOutcome, message: OutgoingMessageLike, options: EnqueueOptions): SendOutcome {
    this.#totals[outcome.status]++;
    if (outcome.messageStatus === HELD_FOR_QUALITY) this.#heldForQualityAssessment++;
    this.emit(outcome.status, { outcome, message, options });
    this.emit('progress', this.stats());
    return outcome;
  }
}
