import PQueue from 'p-queue';
import { timerMs } from '../../../client/retry-after.js';
import { ConfigError } from '../../../errors/index.js';
import { assertKnownOptions, invalidOption, optionKeys } from '../../../schemas/validate-options.js';
import type { AttemptResult, QueueAdapter, QueueCounts, QueueRuntime, SendJob } from '../../adapter.js';
import type { SendOutcome } from '../../outcome.js';
import { PairLimiter } from '../../pair-limiter.js';
import { ThroughputLimiter } from '../../throughput-limiter.js';

interface Entry {
  job: SendJob;
  resolve: (outcome: SendOutcome) => void;
  /** The attempt count at which the suppression check last passed. */
  checkedAt: number;
}

/** Options of {@link MemoryQueueAdapter}. */
export interface MemoryQueueAdapterOptions {
  /** Pacer slack in milliseconds (see `ThroughputLimiter`); default 20. */
  burstToleranceMs?: number;
  /**
   * Receives the adapter's background errors (a suppression check that threw, a send task that
   * failed unexpectedly). Default: the owning `SendQueue`'s `onError` policy.
   */
  onError?: (error: unknown) => void;
}

const OPTION_KEYS = optionKeys<MemoryQueueAdapterOptions>()({ burstToleranceMs: true, onError: true });

/**
 * The default adapter: everything in this process. A single scheduling loop takes the next job
 * (re-queued retries first), parks it on a timer when its recipient or the number must wait (so it
 * holds neither a concurrency slot nor the head of the queue), waits for a throughput slot, then
 * runs the request on a p-queue pool bounded by `concurrency`.
 */
export class MemoryQueueAdapter implements QueueAdapter {
  #runtime: QueueRuntime | undefined;
  #limiter: ThroughputLimiter | undefined;
  #pair: PairLimiter | undefined;
  #pool: PQueue | undefined;
  readonly #main: Entry[] = [];
  #mainHead = 0;
  readonly #retries: Entry[] = [];
  readonly #parked = new Map<ReturnType<typeof setTimeout>, Entry>();
  #checking = 0;
  #running = 0;
  #paused = false;
  #closed = false;
  #numberPausedUntil = 0;
  #wakeTimer: ReturnType<typeof setTimeout> | undefined;
  #wakeAt = Number.POSITIVE_INFINITY;
  #pumpScheduled = false;
  #idleWaiters: Array<() => void> = [];
  #idleReported = true;

  readonly #options: MemoryQueueAdapterOptions;

  /** @param options pacer tuning; every other setting comes from the owning `SendQueue`. */
  constructor(options: MemoryQueueAdapterOptions = {}) {
    assertKnownOptions('MemoryQueueAdapter', options, OPTION_KEYS);
    if (options.onError !== undefined && typeof options.onError !== 'function') {
      throw invalidOption('MemoryQueueAdapter', 'onError', 'must be a function');
    }
    this.#options = options;
  }

  attach(runtime: QueueRuntime): void {
    if (this.#runtime)
      throw new ConfigError('A MemoryQueueAdapter belongs to one SendQueue; create one per queue');
    this.#runtime = runtime;
    this.#limiter = new ThroughputLimiter({
      limit: runtime.messagesPerSecond,
      burstToleranceMs: this.#options.burstToleranceMs,
    });
    this.#pair = new PairLimiter(runtime.perRecipientIntervalMs);
    this.#pool = new PQueue({ concurrency: runtime.concurrency });
  }

  /**
   * Raises (or lowers) the throughput limit from now on; requests in flight still count. Concurrency
   * grows with it when the limit needs more requests in flight (the default: half a second's worth).
   */
  setMessagesPerSecond(messagesPerSecond: number): void {
    this.#requireRuntime();
    if (!Number.isFinite(messagesPerSecond) || messagesPerSecond <= 0)
      throw new ConfigError(`messagesPerSecond must be a positive number, got ${String(messagesPerSecond)}`);
    this.#limiter!.setLimit(messagesPerSecond);
    this.#pool!.concurrency = Math.max(this.#pool!.concurrency, Math.ceil(messagesPerSecond / 2));
    this.#schedulePump();
  }

  add(job: SendJob): Promise<SendOutcome> {
    this.#requireRuntime();
    return new Promise<SendOutcome>((resolve) => {
      const entry: Entry = { job, resolve, checkedAt: -1 };
      if (this.#closed) {
        this.#finish(entry, closedOutcome(job));
        return;
      }
      this.#idleReported = false;
      this.#main.push(entry);
      this.#schedulePump();
    });
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#schedulePump();
  }

  onIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#wakeTimer) clearTimeout(this.#wakeTimer);
    for (const [timer, entry] of this.#parked) {
      clearTimeout(timer);
      this.#finish(entry, closedOutcome(entry.job));
    }
    this.#parked.clear();
    for (const entry of this.#retries.splice(0)) this.#finish(entry, closedOutcome(entry.job));
    for (const entry of this.#main.splice(this.#mainHead)) this.#finish(entry, closedOutcome(entry.job));
    this.#main.length = 0;
    this.#mainHead = 0;
    await this.#pool?.onIdle();
    await this.onIdle();
  }

  counts(): QueueCounts {
    return {
      pending: this.#main.length - this.#mainHead + this.#retries.length + this.#parked.size + this.#checking,
      inFlight: this.#running,
    };
  }

  #requireRuntime(): QueueRuntime {
    if (!this.#runtime) throw new ConfigError('MemoryQueueAdapter is not attached to a SendQueue');
    return this.#runtime;
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #wakeIn(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const runtime = this.#requireRuntime();
    const at = runtime.now() + ms;
    if (this.#wakeTimer && this.#wakeAt <= at) return;
    if (this.#wakeTimer) clearTimeout(this.#wakeTimer);
    this.#wakeAt = at;
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = undefined;
      this.#wakeAt = Number.POSITIVE_INFINITY;
      this.#pump();
    }, timerMs(ms));
  }

  #peek(): { entry: Entry; fromRetries: boolean } | undefined {
    const retry = this.#retries[0];
    if (retry) return { entry: retry, fromRetries: true };
    const next = this.#main[this.#mainHead];
    return next ? { entry: next, fromRetries: false } : undefined;
  }

  #take(fromRetries: boolean): void {
    if (fromRetries) {
      this.#retries.shift();
      return;
    }
    this.#main[this.#mainHead] = undefined as unknown as Entry;
    this.#mainHead++;
    if (this.#mainHead > 4096 && this.#mainHead * 2 > this.#main.length) {
      this.#main.splice(0, this.#mainHead);
      this.#mainHead = 0;
    }
  }

  #pump(): void {
    const runtime = this.#requireRuntime();
    const limiter = this.#limiter!;
    const pair = this.#pair!;
    while (!this.#closed && !this.#paused) {
      const now = runtime.now();
      if (this.#numberPausedUntil > now) {
        this.#wakeIn(this.#numberPausedUntil - now);
        return;
      }
      if (this.#running >= this.#pool!.concurrency) return;
      const head = this.#peek();
      if (!head) break;
      const { entry, fromRetries } = head;
      if (entry.checkedAt !== entry.job.attempts) {
        const verdict = runtime.precheck(entry.job);
        if (verdict instanceof Promise) {
          if (this.#checking >= runtime.concurrency) return;
          this.#take(fromRetries);
          this.#checking++;
          void verdict.then(
            (outcome) => this.#afterCheck(entry, outcome),
            (error: unknown) => {
              this.#reportError(error);
              this.#afterCheck(entry, undefined);
            },
          );
          continue;
        }
        if (verdict) {
          this.#take(fromRetries);
          this.#finish(entry, verdict);
          continue;
        }
        entry.checkedAt = entry.job.attempts;
      }
      const pairWait = pair.waitMs(entry.job.recipientId, now);
      if (pairWait > 0) {
        this.#take(fromRetries);
        this.#park(entry, pairWait);
        continue;
      }
      const wait = limiter.tryAcquire(now);
      if (wait > 0) {
        this.#wakeIn(wait);
        return;
      }
      this.#take(fromRetries);
      pair.reserve(entry.job.recipientId, now);
      this.#start(entry);
    }
    this.#checkIdle();
  }

  #afterCheck(entry: Entry, outcome: SendOutcome | undefined): void {
    this.#checking--;
    if (outcome) this.#finish(entry, outcome);
    else if (this.#closed) this.#finish(entry, closedOutcome(entry.job));
    else {
      entry.checkedAt = entry.job.attempts;
      this.#retries.unshift(entry);
    }
    this.#schedulePump();
  }

  #park(entry: Entry, ms: number): void {
    const timer = setTimeout(() => {
      this.#parked.delete(timer);
      this.#retries.push(entry);
      this.#pump();
    }, timerMs(ms));
    this.#parked.set(timer, entry);
  }

  #start(entry: Entry): void {
    const runtime = this.#requireRuntime();
    this.#running++;
    this.#pool!.add(async () => {
      let result: AttemptResult;
      try {
        result = await runtime.attempt(entry.job);
      } finally {
        this.#limiter!.release(runtime.now());
        this.#running--;
      }
      this.#afterAttempt(entry, result);
      this.#pump();
    }).catch((error: unknown) => this.#reportError(error));
  }

  #afterAttempt(entry: Entry, result: AttemptResult): void {
    const runtime = this.#requireRuntime();
    if (result.kind === 'done') {
      this.#finish(entry, result.outcome);
      return;
    }
    runtime.retrying({
      job: entry.job,
      attempt: entry.job.attempts,
      scope: result.scope,
      delayMs: result.delayMs,
      error: result.error,
    });
    if (this.#closed) {
      this.#finish(entry, closedOutcome(entry.job));
      return;
    }
    const until = runtime.now() + result.delayMs;
    if (result.scope === 'number') {
      this.#numberPausedUntil = Math.max(this.#numberPausedUntil, until);
      this.#pair!.unreserve(entry.job.recipientId);
      this.#retries.unshift(entry);
    } else if (result.scope === 'recipient') {
      this.#pair!.backoff(entry.job.recipientId, until);
      this.#retries.push(entry);
    } else {
      this.#pair!.unreserve(entry.job.recipientId);
      this.#park(entry, result.delayMs);
    }
  }

  #reportError(error: unknown): void {
    const handler = this.#options.onError;
    if (!handler) {
      this.#requireRuntime().reportError(error);
      return;
    }
    try {
      handler(error);
    } catch (thrown) {
      this.#requireRuntime().reportError(thrown);
    }
  }

  #finish(entry: Entry, outcome: SendOutcome): void {
    this.#requireRuntime().settle(entry.job, outcome);
    entry.resolve(outcome);
  }

  #isIdle(): boolean {
    const { pending, inFlight } = this.counts();
    return pending === 0 && inFlight === 0;
  }

  #checkIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    if (!this.#idleReported) {
      this.#idleReported = true;
      this.#requireRuntime().idle();
    }
    for (const resolve of waiters) resolve();
  }
}

function closedOutcome(job: SendJob): SendOutcome {
  return {
    status: 'skipped',
    reason: 'closed',
    attempts: job.attempts,
    recipientId: job.recipientId,
    ...(job.options.idempotencyKey === undefined ? {} : { idempotencyKey: job.options.idempotencyKey }),
  };
}
