import { AbortError, GraphApiError, WhatsAppError } from '../errors/index.js';
import type { StoredEvent } from '../events/stored-event.js';
import type { AttemptResult, DispatchGate, QueueRuntime, RetryInfo, SendJob } from './adapter.js';
import { EventRecorder } from './event-recorder.js';
import { DispatchGovernance, defersAfter } from './governance/dispatch-governance.js';
import type { DeferredInfo } from './governance/send-governance.js';
import type { SendOutcome } from './outcome.js';
import { decideRetry } from './retry-policy.js';
import type { ResolvedSendQueueOptions } from './send-queue-options.js';
import { sendByRoute } from './send-route.js';

const PAIR_RATE = 131056;
const MAINTENANCE = 131057;

/** Hooks the runtime reports through (the owning `SendQueue` turns them into events). */
export interface PolicyRuntimeHooks {
  /** A retry was scheduled. */
  onRetry(info: RetryInfo): void;
  /** The adapter went idle. */
  onIdle(): void;
  /** A background task (store write, suppression write) failed. */
  onError(error: unknown): void;
  /** A worker of a scheduling adapter rescheduled a send after a 131049. */
  onDeferred(info: DeferredInfo): void;
  /** Whether the job's campaign is paused (it is then handed back unsent, `skipped` with reason `paused`). */
  holds?(job: SendJob): boolean;
}

/**
 * The send policy every adapter runs: suppression pre-check, one request with the client's own
 * retries off, the error policy, and recording of final outcomes in the event store.
 */
export class PolicyRuntime implements QueueRuntime {
  readonly phoneNumberId: string;
  readonly messagesPerSecond: number;
  readonly perRecipientIntervalMs: number;
  readonly concurrency: number;
  readonly governance: DispatchGate;
  readonly #recorder: EventRecorder | undefined;

  readonly #hooks: PolicyRuntimeHooks;

  readonly #settings: ResolvedSendQueueOptions;

  constructor(settings: ResolvedSendQueueOptions, hooks: PolicyRuntimeHooks) {
    this.#settings = settings;
    this.#hooks = hooks;
    this.phoneNumberId = settings.client.phoneNumberId;
    this.messagesPerSecond = settings.messagesPerSecond;
    this.perRecipientIntervalMs = settings.perRecipientIntervalMs;
    this.concurrency = settings.concurrency;
    this.governance = dispatchGate(new DispatchGovernance(settings.governance), settings.now, hooks);
    this.#recorder = settings.store
      ? new EventRecorder({
          sink: settings.store,
          batchSize: settings.storeBatchSize,
          flushMs: settings.storeFlushMs,
          onError: (error) => hooks.onError(error),
        })
      : undefined;
  }

  now(): number {
    return this.#settings.now();
  }

  precheck(job: SendJob): SendOutcome | undefined | Promise<SendOutcome | undefined> {
    if (this.#hooks.holds?.(job)) return { ...this.#base(job), status: 'skipped', reason: 'paused' };
    const list = this.#settings.suppression;
    if (!list) return undefined;
    const verdict = list.isSuppressed(job.recipientId);
    if (verdict instanceof Promise)
      return verdict.then((suppressed) => this.#suppressedOutcome(job, suppressed));
    return this.#suppressedOutcome(job, verdict);
  }

  async attempt(job: SendJob, signal?: AbortSignal): Promise<AttemptResult> {
    job.attempts++;
    try {
      const result = await sendByRoute(this.#settings.client, job.message, job.options, {
        maxRetries: 0,
        ...(signal ? { signal } : {}),
      });
      const outcome: SendOutcome = { ...this.#base(job), status: 'sent', messageId: result.messageId };
      if (result.messageStatus !== undefined) outcome.messageStatus = result.messageStatus;
      return { kind: 'done', outcome };
    } catch (thrown) {
      const error = asWhatsAppError(thrown);
      const maintenanceWaits = job.maintenanceWaits ?? 0;
      const decision = decideRetry(
        error,
        { attempt: job.attempts - maintenanceWaits, pairRateHits: job.pairRateHits, maintenanceWaits },
        this.#settings.retry,
      );
      if (error instanceof GraphApiError && error.code === PAIR_RATE) job.pairRateHits++;
      // 131057 (maintenance, e.g. a throughput upgrade) waits without using up the message's attempts.
      if (error instanceof GraphApiError && error.code === MAINTENANCE && decision.action === 'retry')
        job.maintenanceWaits = maintenanceWaits + 1;
      if (decision.action === 'retry') {
        return { kind: 'retry', scope: decision.scope, delayMs: decision.delayMs, error };
      }
      if (decision.action === 'fail' && decision.suppressRecipient) this.#suppress(job.recipientId);
      const status = decision.action === 'unknown' ? 'unknown' : 'failed';
      return { kind: 'done', outcome: { ...this.#base(job), status, error } };
    }
  }

  retrying(info: RetryInfo): void {
    this.#hooks.onRetry(info);
  }

  settle(job: SendJob, outcome: SendOutcome): void {
    if (!this.#recorder) return;
    // A 131049 refusal the queue reschedules is not the message's outcome yet: record nothing.
    if (defersAfter(job, outcome, this.#settings.governance)) return;
    const { campaignId, variant, segment, idempotencyKey, metadata } = job.options;
    const at = new Date(this.#settings.now());
    if (outcome.status === 'sent' && outcome.messageId) {
      const templateName = job.message.template?.name;
      // `accepted` is the norm; anything else (`held_for_quality_assessment`, `paused`) is kept.
      const messageStatus = outcome.messageStatus === 'accepted' ? undefined : outcome.messageStatus;
      this.#recorder.record({
        kind: 'outbound',
        messageId: outcome.messageId,
        recipientId: job.recipientId,
        at,
        phoneNumberId: this.phoneNumberId,
        ...defined({ campaignId, variant, segment, templateName }),
        ...(metadata || idempotencyKey || messageStatus
          ? { metadata: { ...metadata, ...defined({ idempotencyKey, messageStatus }) } }
          : {}),
      });
    } else if (outcome.status === 'failed') {
      const errorCode = outcome.error instanceof GraphApiError ? outcome.error.code : undefined;
      this.#recorder.record({
        kind: 'send_failed',
        recipientId: job.recipientId,
        at,
        ...defined({ campaignId, variant, segment, errorCode, idempotencyKey }),
      });
    }
  }

  /** Stores an event beside the queue's own (a campaign's `held_out` events), batched with them. */
  recordEvent(event: StoredEvent): void {
    this.#recorder?.record(event);
  }

  idle(): void {
    void this.flush();
    this.#hooks.onIdle();
  }

  reportError(error: unknown): void {
    this.#hooks.onError(error);
  }

  /** Writes buffered store events. */
  flush(): Promise<void> {
    return this.#recorder?.flush() ?? Promise.resolve();
  }

  #base(job: SendJob): Pick<SendOutcome, 'attempts' | 'recipientId' | 'idempotencyKey'> {
    return {
      attempts: job.attempts,
      recipientId: job.recipientId,
      ...defined({ idempotencyKey: job.options.idempotencyKey }),
    };
  }

  #suppressedOutcome(job: SendJob, suppressed: boolean): SendOutcome | undefined {
    return suppressed ? { ...this.#base(job), status: 'skipped', reason: 'suppressed' } : undefined;
  }

  #suppress(recipientId: string): void {
    try {
      const result = this.#settings.suppression?.suppress(recipientId, 'error_131050');
      if (result instanceof Promise) result.catch((error: unknown) => this.#hooks.onError(error));
    } catch (error) {
      this.#hooks.onError(error);
    }
  }
}

/** The dispatch-time governance on the runtime's clock, reporting through its hooks. */
function dispatchGate(
  governance: DispatchGovernance,
  now: () => number,
  hooks: PolicyRuntimeHooks,
): DispatchGate {
  const onError = (error: unknown) => hooks.onError(error);
  return {
    dueAt: (job) => governance.dueAt(job, now()),
    reserve: (job, holder) => governance.reserveWithBudget(job, now(), onError, holder),
    release: (reservation) => governance.release(reservation, onError),
    settle(job, outcome, reservation) {
      const deferral = governance.settle(job, outcome, reservation, now(), onError);
      if (deferral) {
        try {
          hooks.onDeferred({
            job,
            error: deferral.error as DeferredInfo['error'],
            deferral: deferral.deferral,
            until: new Date(deferral.until),
          });
        } catch (error) {
          onError(error);
        }
      }
      return deferral;
    },
  };
}

/** Anything thrown by a client, as a wacloud error (foreign errors are wrapped, kept as `cause`). */
export function asWhatsAppError(thrown: unknown): WhatsAppError {
  if (thrown instanceof WhatsAppError) return thrown;
  // A client's own abort (fetch's DOMException and the like): the request may have gone out.
  if (thrown instanceof Error && thrown.name === 'AbortError') {
    return new AbortError(`Send aborted: ${thrown.message}`, {
      cause: thrown,
      requestMayHaveReachedServer: true,
    });
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new WhatsAppError(`Send failed: ${message}`, { cause: thrown });
}

/** Copies the keys whose value is not undefined (keeps optional properties absent, not undefined). */
export function defined<T extends Record<string, unknown>>(record: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(record) as Array<keyof T>) {
    if (record[key] !== undefined) out[key] = record[key];
  }
  return out;
}
