import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ConnectionOptions, DelayedError, type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { timerMs } from '../../../client/retry-after.js';
import { ConfigError, NetworkError, WhatsAppError } from '../../../errors/index.js';
import { assertKnownOptions, invalidOption, optionKeys } from '../../../schemas/validate-options.js';
import type { CapReservation, QueueAdapter, QueueCounts, QueueRuntime, SendJob } from '../../adapter.js';
import { type FrequencyCapLedger, RedisFrequencyCapLedger } from '../../governance/frequency-cap.js';
import type { MessagingLimit } from '../../governance/messaging-limit.js';
import type { PortfolioBudget } from '../../governance/portfolio-budget.js';
import { RedisPortfolioBudget } from '../../governance/redis-portfolio-budget.js';
import type { SendOutcome, SkipReason } from '../../outcome.js';
import { endedJobOutcome, markerOutcome, parseOutcome, SENT_MARKER } from './ended-job-outcome.js';
import { type EncodedOutcome, encodeOutcome } from './outcome-codec.js';
import { RedisLimits } from './redis-limits.js';

/** Options of {@link BullMQAdapter}. */
export interface BullMQAdapterOptions {
  /**
   * Redis connection: ioredis options, an ioredis `Redis`, or an ioredis `Cluster` for a Redis Cluster
   * (instances are duplicated, never closed by us). With a `Cluster`, every key a Lua script or a BullMQ
   * command touches together carries one hash tag (see {@link BullMQAdapterOptions.prefix}); give the
   * `Cluster` `redisOptions: { maxRetriesPerRequest: null }`, as BullMQ's workers require.
   */
  connection: RedisOptions | Redis | Cluster;
  /** BullMQ queue name (default `wacloud-send-<phoneNumberId>`). */
  queueName?: string;
  /**
   * BullMQ key prefix. Default `bull`; on a `Cluster` connection, default `{<keyPrefix>:<phoneNumberId>}`,
   * the hash tag of the number's limiter keys, so each number's jobs and limits live in one slot and the
   * numbers spread over the masters. On a `Cluster`, a prefix (or queue name) without a `{…}` hash tag is
   * refused: BullMQ's scripts would touch keys in several slots (CROSSSLOT).
   */
  prefix?: string;
  /**
   * Prefix of wacloud's own keys: limits, dispatch markers, idempotency (default `wacloud`). On a
   * `Cluster` connection the number's limiter keys and dispatch markers are named
   * `{<keyPrefix>:<phoneNumberId>}:…` (one slot per number); on a single Redis `<keyPrefix>:<phoneNumberId>:…`.
   */
  keyPrefix?: string;
  /** Run a worker in this process (default true). Producers-only processes pass false. */
  worker?: boolean;
  /** Lock of an active job; a worker that dies is noticed after about this long (default 30,000 ms). */
  lockDurationMs?: number;
  /** How often workers look for stalled jobs (default 30,000 ms). */
  stalledIntervalMs?: number;
  /** How long idempotency keys and dispatch markers are kept (default 7 days). */
  retentionMs?: number;
  /** How long an in-flight request counts before its worker is presumed dead (default 60,000 ms). */
  leaseMs?: number;
  /** Pacer slack in ms (default 20). */
  burstToleranceMs?: number;
  /**
   * How many jobs of this process ask Redis for a throughput slot at once (default
   * `ceil(messagesPerSecond / 250)`, at least 1). Each lane is one reservation loop: more lanes let one
   * process dispatch faster when Redis answers slowly, at the cost of more polling while the number is
   * at its limit. The limit itself is enforced in Redis whatever the lanes.
   */
  dispatchLanes?: number;
  /**
   * Receives BullMQ's background errors (worker, queue and queue-events connections, Redis). Default:
   * the owning `SendQueue`'s `onError` policy (its handler, else its logger).
   */
  onError?: (error: unknown) => void;
  /**
   * How long `close()` waits for Redis to answer before it gives up on it (default 5,000 ms). Past
   * that, `close()` drops the connections, ends the enqueues still waiting for Redis as
   * `skipped`/`closed`, reports a {@link NetworkError} through `onError`, and resolves.
   */
  closeTimeoutMs?: number;
  /**
   * Leave this process's jobs that no worker has started in Redis when it closes (default false: they
   * are removed). Other or later workers send them when due, so a graceful restart (SIGTERM, then
   * `close()`) cancels no scheduled send. In this process their `enqueue()` promises still resolve
   * `skipped` (`closed`); the worker that sends them records their real outcome in the store.
   */
  keepJobsOnClose?: boolean;
  /**
   * How long an enqueue waits for its job's `completed`/`failed` event before this process asks Redis
   * how the job ended, and how often it asks again (default 30,000 ms). BullMQ's events stream is
   * trimmed (about 10,000 entries): a process that falls further behind (a long disconnect during a
   * large campaign) misses events, and without this check those enqueues would never settle.
   */
  outcomeCheckMs?: number;
}

const OPTION_KEYS = optionKeys<BullMQAdapterOptions>()({
  connection: true,
  queueName: true,
  prefix: true,
  keyPrefix: true,
  worker: true,
  lockDurationMs: true,
  stalledIntervalMs: true,
  retentionMs: true,
  leaseMs: true,
  burstToleranceMs: true,
  dispatchLanes: true,
  onError: true,
  closeTimeoutMs: true,
  keepJobsOnClose: true,
  outcomeCheckMs: true,
});

const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;
const DEFAULT_OUTCOME_CHECK_MS = 30_000;
/** ioredis's error for a command or connect cut short by `disconnect()` (its CONNECTION_CLOSED_ERROR_MSG). */
const IOREDIS_CONNECTION_CLOSED = 'Connection is closed.';
const DISPATCHING = 'dispatching';

/** What `attach()` builds for the owning queue: set once, together, and read through one check. */
interface AttachedState {
  readonly runtime: QueueRuntime;
  readonly queueName: string;
  readonly redis: Redis | Cluster;
  readonly limits: RedisLimits;
  /** First part of the number's limiter keys and dispatch markers (hash-tagged on a Cluster). */
  readonly numberKeyBase: string;
  readonly queue: Queue;
  /** Absent in producer-only processes (`worker: false`). */
  readonly worker: Worker | undefined;
  /** Resolves once the queue's Redis connection answers. */
  readonly ready: Promise<void>;
  /** The queue-events stream, opened by the first `add` (pure workers never read it). */
  events: QueueEvents | undefined;
  listening: Promise<void> | undefined;
  /** The timer of {@link BullMQAdapterOptions.outcomeCheckMs}, while events are read. */
  outcomeCheck: NodeJS.Timeout | undefined;
}

/**
 * Runs the send queue on BullMQ: jobs live in Redis, any number of worker processes on any number
 * of machines share the per-number throughput limit and per-recipient spacing through Redis Lua
 * reservations, and retries follow the same policy (`maxAttempts`, number pauses, 4^X pair backoff).
 *
 * Crash safety: before each request the worker writes a dispatch marker, and after a success the
 * message id. A job re-run after its worker died (BullMQ stalled-job recovery) finds the marker:
 * with a message id it ends `sent` without a second request; with only the marker it ends
 * `unknown` (the request may have reached Meta) and is never re-sent. Nothing is sent twice by
 * wacloud and nothing is lost.
 *
 * Campaign governance across processes: a send waiting for its time (`notBefore`, the recipient's
 * send window, the end of a 131049 deferral) is a BullMQ **delayed job** in Redis, not a timer in the
 * process that enqueued it, so it survives a crash or a restart of every process. The worker that picks
 * a job up re-checks its time, takes its frequency-cap slot in Redis (one Lua script: workers racing for
 * a recipient never exceed the cap) and, on a 131049, puts it back as a delayed job with its deferral
 * count in the job data.
 *
 * Outcome promises and events live in the process that enqueued (via BullMQ queue events); the
 * event store is written by the worker that processed the job.
 */
export class BullMQAdapter implements QueueAdapter {
  /** Waiting sends are delayed jobs in Redis; the workers run the dispatch-time governance. */
  readonly schedulesDelayed = true;
  #attached: AttachedState | undefined;
  readonly #waiting = new Map<string, WaitingEnqueue>();
  #checkingOutcomes = false;
  /** Jobs `close()` left in Redis (`keepJobsOnClose`): their key and job must not be freed. */
  readonly #leftInRedis = new Set<string>();
  #idleWaiters: Array<() => void> = [];
  #active = 0;
  /** One reservation loop per lane: a job waits for its lane's previous job to get its slot. */
  #lanes: Promise<void>[] = [];
  #nextLane = 0;
  #closed = false;
  /** Resolves when `close()` gives up on an unreachable Redis: what still waits for it stops waiting. */
  readonly #abandoned: Promise<typeof ABANDONED>;
  #abandon: () => void = () => undefined;
  readonly #options: BullMQAdapterOptions;

  /** @param options Redis connection and BullMQ tuning; throughput settings come from `SendQueue`. */
  constructor(options: BullMQAdapterOptions) {
    assertKnownOptions('BullMQAdapter', options, OPTION_KEYS);
    if (!options.connection)
      throw invalidOption('BullMQAdapter', 'connection', 'is required (a Redis connection)');
    if (options.onError !== undefined && typeof options.onError !== 'function') {
      throw invalidOption('BullMQAdapter', 'onError', 'must be a function');
    }
    const { closeTimeoutMs, dispatchLanes, outcomeCheckMs } = options;
    if (dispatchLanes !== undefined && !(Number.isInteger(dispatchLanes) && dispatchLanes >= 1)) {
      throw invalidOption('BullMQAdapter', 'dispatchLanes', 'must be an integer >= 1');
    }
    if (closeTimeoutMs !== undefined && !(Number.isFinite(closeTimeoutMs) && closeTimeoutMs >= 0)) {
      throw new ConfigError('BullMQAdapter option closeTimeoutMs must be a finite number >= 0');
    }
    if (outcomeCheckMs !== undefined && !(Number.isFinite(outcomeCheckMs) && outcomeCheckMs >= 10)) {
      throw invalidOption('BullMQAdapter', 'outcomeCheckMs', 'must be a finite number >= 10');
    }
    this.#options = options;
    this.#abandoned = new Promise((resolve) => {
      this.#abandon = () => resolve(ABANDONED);
    });
  }

  /** The BullMQ queue name in use (after attach). */
  get queueName(): string {
    return this.#options.queueName ?? this.#state.queueName;
  }

  /**
   * The frequency-cap ledger in Redis, on this adapter's connection, under `<keyPrefix>:fcap:` (one
   * sorted set per recipient): shared by every worker, campaign and number using the same Redis and
   * key prefix. `SendQueue` uses it unless given a `frequencyCapLedger`.
   */
  sharedFrequencyCapLedger(): FrequencyCapLedger {
    return new RedisFrequencyCapLedger({
      redis: {
        eval: (script, numKeys, ...args) => this.#state.redis.eval(script, numKeys, ...args),
      },
      keyPrefix: `${this.#keyPrefix}:fcap:`,
    });
  }

  sharedPortfolioBudget(limit: MessagingLimit): PortfolioBudget {
    return new RedisPortfolioBudget({
      redis: {
        eval: (script, numKeys, ...args) => this.#state.redis.eval(script, numKeys, ...args),
      },
      portfolioId: 'queue',
      keyPrefix: `${this.#keyPrefix}:budget:`,
      limit,
    });
  }

  attach(runtime: QueueRuntime): void {
    if (this.#attached)
      throw new ConfigError('A BullMQAdapter belongs to one SendQueue; create one per queue');
    const queueName = this.#options.queueName ?? `wacloud-send-${runtime.phoneNumberId}`;
    const connection = this.#connectionOptions();
    const cluster = this.#options.connection instanceof Cluster;
    const numberKeyBase = numberKeys(this.#keyPrefix, runtime.phoneNumberId, cluster);
    const prefix = this.#options.prefix ?? (cluster ? numberKeyBase : 'bull');
    if (cluster && !hasHashTag(prefix) && !hasHashTag(queueName)) {
      throw invalidOption(
        'BullMQAdapter',
        'prefix',
        `needs a {…} hash tag on a Redis Cluster (got '${prefix}'): BullMQ's keys must share one slot`,
      );
    }
    const redis =
      this.#options.connection instanceof Redis || this.#options.connection instanceof Cluster
        ? this.#options.connection.duplicate()
        : new Redis(connection as RedisOptions);
    redis.on('error', this.#reportError);
    const limits = new RedisLimits(redis, numberKeyBase, {
      limit: runtime.messagesPerSecond,
      pairIntervalMs: runtime.perRecipientIntervalMs,
      leaseMs: this.#options.leaseMs ?? 60_000,
      toleranceMs: this.#options.burstToleranceMs ?? 20,
      retentionMs: this.#retentionMs,
    });
    const queue = new Queue(queueName, { connection, prefix });
    queue.on('error', this.#reportError);
    let worker: Worker | undefined;
    if (this.#options.worker !== false) {
      worker = new Worker(queueName, (job, token) => this.#process(job, token), {
        connection,
        prefix,
        concurrency: runtime.concurrency,
        lockDuration: this.#options.lockDurationMs ?? 30_000,
        stalledInterval: this.#options.stalledIntervalMs ?? 30_000,
        maxStalledCount: 10,
      });
      worker.on('error', this.#reportError);
    }
    const ready = queue.waitUntilReady().then(() => undefined);
    this.#attached = {
      runtime,
      queueName,
      redis,
      limits,
      numberKeyBase,
      queue,
      worker,
      ready,
      events: undefined,
      listening: undefined,
      outcomeCheck: undefined,
    };
  }

  /** Queues a job in Redis; with `dueAt` later than now, as a delayed job due then. */
  async add(job: SendJob, dueAt?: number): Promise<SendOutcome> {
    const state = this.#state;
    const closed: SendOutcome = {
      status: 'skipped',
      reason: 'closed',
      attempts: 0,
      recipientId: job.recipientId,
    };
    if ((await this.#unlessAbandoned(state.ready)) === ABANDONED) return closed;
    state.listening ??= this.#listen(state);
    if ((await this.#unlessAbandoned(state.listening)) === ABANDONED) return closed;
    if (this.#closed) return closed;
    const key = job.options.idempotencyKey;
    if (key !== undefined) {
      const taken = await state.redis.set(this.#idempotencyKey(key), '1', 'PX', this.#retentionMs, 'NX');
      if (taken === null) {
        return {
          status: 'skipped',
          reason: 'duplicate',
          attempts: 0,
          recipientId: job.recipientId,
          idempotencyKey: key,
        };
      }
    }
    const jobId = key === undefined ? `r-${randomUUID()}` : `k-${Buffer.from(key).toString('base64url')}`;
    const delay = dueAt === undefined ? 0 : Math.max(0, dueAt - state.runtime.now());
    const outcome = await new Promise<SendOutcome>((resolve) => {
      const queued = { ...job, id: jobId };
      const waiting: WaitingEnqueue = { job: queued, resolve, addedAt: undefined };
      this.#waiting.set(jobId, waiting);
      state.queue
        .add('send', queued, {
          jobId,
          attempts: 1,
          ...(delay > 0 ? { delay } : {}),
          removeOnComplete: { age: 3600, count: 10_000 },
          removeOnFail: { age: 24 * 3600 },
        })
        .then(
          () => {
            waiting.addedAt = Date.now();
          },
          (error: unknown) =>
            this.#resolveFailed(jobId, error instanceof Error ? error.message : String(error)),
        );
    });
    const left = this.#leftInRedis.delete(jobId);
    if (key !== undefined && !left && (outcome.status === 'failed' || outcome.status === 'skipped')) {
      // Free the key and the job id derived from it, so the message can be enqueued again.
      await state.redis.del(this.#idempotencyKey(key)).catch(() => undefined);
      await state.queue.remove(jobId).catch(() => undefined);
    }
    return outcome;
  }

  async pause(): Promise<void> {
    await this.#attached?.worker?.pause();
  }

  resume(): void {
    this.#attached?.worker?.resume();
  }

  onIdle(): Promise<void> {
    if (this.#waiting.size === 0 && this.#active === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Closes the local worker (after its active jobs), removes this process's jobs that no worker has
   * started (they end `skipped`/`closed`; with `keepJobsOnClose` they stay in Redis for other workers),
   * waits for the ones being sent elsewhere, then disconnects.
   * When Redis does not answer within `closeTimeoutMs`, drops the connections instead (see
   * {@link BullMQAdapterOptions.closeTimeoutMs}).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const state = this.#attached;
    if (!state) return;
    const timeoutMs = this.#options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    for (const owner of [state.worker, state.events, state.queue]) muteErrorsAfterClose(owner);
    if (await settlesWithin(state.ready, timeoutMs)) await this.#closeGracefully(state);
    else await this.#dropConnections(state, timeoutMs);
  }

  counts(): QueueCounts {
    return { pending: Math.max(0, this.#waiting.size - this.#active), inFlight: this.#active };
  }

  async #closeGracefully(state: AttachedState): Promise<void> {
    await state.worker?.close();
    for (const jobId of [...this.#waiting.keys()]) {
      const job = await state.queue.getJob(jobId);
      const jobState = job ? await job.getState() : 'unknown';
      if (job && (jobState === 'waiting' || jobState === 'delayed' || jobState === 'prioritized')) {
        if (this.#options.keepJobsOnClose) {
          this.#leftInRedis.add(jobId);
          this.#resolveJob(jobId, closedOutcome(this.#waiting.get(jobId)?.job));
          continue;
        }
        const removed = await job.remove().then(
          () => true,
          () => false,
        );
        if (removed) this.#resolveJob(jobId, closedOutcome(this.#waiting.get(jobId)?.job));
      }
    }
    await this.onIdle();
    clearInterval(state.outcomeCheck);
    await Promise.all([state.events?.close(), state.queue.close()]);
    state.redis.disconnect();
  }

  // Redis never answered: nothing of this process reached it, so the enqueues waiting for it end
  // `skipped`/`closed`; BullMQ's own closes are bounded too, as they may wait for Redis.
  async #dropConnections(state: AttachedState, timeoutMs: number): Promise<void> {
    this.#abandon();
    clearInterval(state.outcomeCheck);
    for (const [jobId, entry] of [...this.#waiting]) this.#resolveJob(jobId, closedOutcome(entry.job));
    await settlesWithin(
      Promise.allSettled([state.worker?.close(true), state.events?.close(), state.queue.close()]),
      timeoutMs,
    );
    state.redis.disconnect();
    this.#reportError(
      new NetworkError(
        `BullMQAdapter.close(): Redis did not answer within ${timeoutMs} ms; its connections were dropped`,
        { requestMayHaveReachedServer: false },
      ),
    );
  }

  #unlessAbandoned<T>(promise: Promise<T>): Promise<T | typeof ABANDONED> {
    return Promise.race([promise, this.#abandoned]);
  }

  // Queue events are read only by processes that enqueue: pure workers skip that stream.
  async #listen(state: AttachedState): Promise<void> {
    // QueueEvents is ready once connected but reads from '$' only when its loop reaches XREAD, which a
    // busy process may reach after its first jobs completed: those events would be lost and their
    // enqueues never settle. Read from the stream's last entry as it is now, before any job is added.
    const lastEventId = await lastStreamEntryId(state.redis, state.queue.toKey('events'));
    const events = new QueueEvents(state.queueName, {
      connection: this.#connectionOptions(),
      prefix: state.queue.opts.prefix ?? 'bull',
      lastEventId,
    });
    state.events = events;
    events.on('error', this.#reportError);
    events.on('completed', ({ jobId, returnvalue }) => this.#resolveJob(jobId, parseOutcome(returnvalue)));
    events.on('failed', ({ jobId, failedReason }) => this.#resolveFailed(jobId, failedReason));
    await events.waitUntilReady();
    const everyMs = this.#options.outcomeCheckMs ?? DEFAULT_OUTCOME_CHECK_MS;
    state.outcomeCheck = setInterval(() => void this.#checkOutcomes(state, everyMs), everyMs);
    state.outcomeCheck.unref();
  }

  /**
   * Settles the enqueues whose job ended without this process reading its event (see
   * {@link BullMQAdapterOptions.outcomeCheckMs}): one state read per job waiting longer than `olderThanMs`.
   * Redis errors end the round quietly (the connection reports them); the next round tries again.
   */
  async #checkOutcomes(state: AttachedState, olderThanMs: number): Promise<void> {
    // Runs on while close() waits for jobs sent elsewhere: their events may be the missed ones.
    if (this.#checkingOutcomes) return;
    this.#checkingOutcomes = true;
    try {
      const before = Date.now() - olderThanMs;
      for (const [jobId, waiting] of [...this.#waiting]) {
        if (waiting.addedAt === undefined || waiting.addedAt > before) continue;
        const ended = await endedJobOutcome(state.queue, waiting.job, () =>
          state.redis.get(this.#markerKey(jobId)),
        );
        if (ended === undefined) continue;
        if ('outcome' in ended) this.#resolveJob(jobId, ended.outcome);
        else this.#resolveFailed(jobId, ended.failedReason);
      }
    } catch {
      // Redis is unreachable or the queue is closing: the next round asks again.
    } finally {
      this.#checkingOutcomes = false;
    }
  }

  #laneCount(messagesPerSecond: number): number {
    return this.#options.dispatchLanes ?? Math.max(1, Math.ceil(messagesPerSecond / 250));
  }

  get #keyPrefix(): string {
    return this.#options.keyPrefix ?? 'wacloud';
  }

  get #retentionMs(): number {
    return this.#options.retentionMs ?? 7 * 24 * 3600_000;
  }

  #idempotencyKey(key: string): string {
    return `${this.#keyPrefix}:${this.queueName}:idem:${key}`;
  }

  // In the number's slot: the dispatch script reads and writes it with the number's limiter keys.
  #markerKey(jobId: string): string {
    return `${this.#state.numberKeyBase}:${this.queueName}:dispatch:${jobId}`;
  }

  #connectionOptions(): ConnectionOptions {
    const connection = this.#options.connection;
    if (connection instanceof Redis || connection instanceof Cluster) return connection;
    return { ...connection, maxRetriesPerRequest: null };
  }

  // An arrow property: handed to BullMQ's emitters as is.
  readonly #reportError = (error: unknown): void => {
    // A connection still connecting when close() ends it fails with this: the close asked for, no error.
    if (this.#closed && error instanceof Error && error.message === IOREDIS_CONNECTION_CLOSED) return;
    const handler = this.#options.onError;
    if (!handler) {
      this.#attached?.runtime.reportError(error);
      return;
    }
    try {
      handler(error);
    } catch (thrown) {
      this.#attached?.runtime.reportError(thrown);
    }
  };

  /** The attach-time state; a typed error when the adapter is used before `SendQueue` attached it. */
  get #state(): AttachedState {
    if (!this.#attached) {
      throw new ConfigError('BullMQAdapter is not attached: pass it to new SendQueue({ adapter }) first');
    }
    return this.#attached;
  }

  async #process(bullJob: Job<SendJob>, token: string | undefined): Promise<EncodedOutcome> {
    const { runtime, limits, redis } = this.#state;
    const job: SendJob = { ...bullJob.data, id: bullJob.id ?? bullJob.data.id };
    const markerKey = this.#markerKey(job.id);

    const skip = await runtime.precheck(job);
    if (skip) return this.#finish(job, skip);

    // A job re-run after its worker died may have been sent already: its marker decides, before the
    // frequency cap (whose slot the first run may hold) is asked.
    const earlier = await redis.get(markerKey);
    if (earlier !== null) return this.#finish(job, recoveredOutcome(job, earlier));

    const gate = runtime.governance;
    const dueAt = gate.dueAt(job);
    const now = runtime.now();
    if (dueAt > now) return this.#delay(bullJob, token, dueAt - now);
    // Holder: the job in this queue, so a re-run after a crash keeps the slot its first run took.
    const verdict = await gate.reserve(job, `${this.queueName}:${job.id}`);
    if (verdict.kind === 'capped') return this.#finish(job, skippedOutcome(job, 'frequency_cap'));
    // The portfolio's messaging budget is spent: back to the delayed set until a reach leaves the window.
    if (verdict.kind === 'wait') return this.#delay(bullJob, token, verdict.until - runtime.now());
    const { reservation } = verdict;

    const member = `${job.id}:${job.attempts}:${randomUUID()}`;
    // A few dispatch loops per process at a time (lanes): no thundering herd of pollers on Redis.
    const lane = this.#nextLane++ % this.#laneCount(runtime.messagesPerSecond);
    const decision = (this.#lanes[lane] ?? Promise.resolve()).then(async () => {
      for (;;) {
        const v = await limits.dispatch(member, job.recipientId, markerKey);
        if (v.kind !== 'wait') return v;
        await sleep(timerMs(v.ms));
      }
    });
    this.#lanes[lane] = decision.then(
      () => undefined,
      () => undefined,
    );
    const decided = await decision.catch((error: unknown) => {
      gate.release(reservation);
      throw error;
    });
    if (decided.kind === 'marked') {
      gate.release(reservation);
      return this.#finish(job, recoveredOutcome(job, decided.marker));
    }
    if (decided.kind === 'recipient_wait') {
      gate.release(reservation);
      return this.#delay(bullJob, token, decided.ms);
    }

    this.#active++;
    let result: Awaited<ReturnType<QueueRuntime['attempt']>>;
    try {
      result = await runtime.attempt(job);
    } catch (error) {
      await limits.finish(member, markerKey, DISPATCHING).catch(() => undefined);
      throw error;
    } finally {
      this.#active--;
    }
    if (result.kind === 'done') return this.#done(bullJob, token, job, result.outcome, member, reservation);
    // The request was refused: it is safe to send again later.
    gate.release(reservation);
    await limits.finish(member, markerKey, '');
    runtime.retrying({
      job,
      attempt: job.attempts,
      scope: result.scope,
      delayMs: result.delayMs,
      error: result.error,
    });
    if (result.scope === 'number') await limits.pauseNumber(result.delayMs);
    if (result.scope === 'recipient') await limits.holdRecipient(job.recipientId, result.delayMs);
    else await limits.releaseRecipient(job.recipientId);
    await bullJob.updateData(job);
    return this.#delay(bullJob, token, result.scope === 'recipient' ? 0 : result.delayMs);
  }

  // A request answered: final, or (131049) back to waiting as a delayed job with its deferral count.
  async #done(
    bullJob: Job<SendJob>,
    token: string | undefined,
    job: SendJob,
    outcome: SendOutcome,
    member: string,
    reservation: CapReservation | undefined,
  ): Promise<EncodedOutcome> {
    const { runtime, limits } = this.#state;
    const markerKey = this.#markerKey(job.id);
    const deferral = runtime.governance.settle(job, outcome, reservation);
    // sent: remember the id; unknown: keep "dispatching" so a re-run never re-sends; failed: refused, forget.
    const marker =
      outcome.status === 'sent'
        ? SENT_MARKER + outcome.messageId
        : outcome.status === 'failed'
          ? ''
          : DISPATCHING;
    await limits.finish(member, markerKey, marker);
    if (deferral) {
      const until = deferral.until;
      await bullJob.updateData({
        ...deferral.job,
        options: { ...deferral.job.options, notBefore: new Date(until) },
      });
      return this.#delay(bullJob, token, until - runtime.now());
    }
    return this.#finish(job, { ...outcome, attempts: outcome.attempts + (job.priorAttempts ?? 0) });
  }

  /** Puts the job back in Redis as a delayed job due in `ms`. */
  async #delay(bullJob: Job<SendJob>, token: string | undefined, ms: number): Promise<never> {
    await bullJob.moveToDelayed(Date.now() + Math.max(0, ms), token);
    throw new DelayedError();
  }

  #finish(job: SendJob, outcome: SendOutcome): EncodedOutcome {
    this.#state.runtime.settle(job, outcome);
    return encodeOutcome(outcome);
  }

  #resolveJob(jobId: string, outcome: SendOutcome): void {
    const entry = this.#waiting.get(jobId);
    if (!entry) return;
    this.#waiting.delete(jobId);
    entry.resolve(outcome);
    if (this.#waiting.size === 0 && this.#active === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      this.#state.runtime.idle();
      for (const resolve of waiters) resolve();
    }
  }

  #resolveFailed(jobId: string, reason: string): void {
    const entry = this.#waiting.get(jobId);
    if (!entry) return;
    this.#resolveJob(jobId, {
      status: 'failed',
      error: new WhatsAppError(`Queue job failed: ${reason}`),
      attempts: entry.job.attempts,
      recipientId: entry.job.recipientId,
      ...(entry.job.options.idempotencyKey === undefined
        ? {}
        : { idempotencyKey: entry.job.options.idempotencyKey }),
    });
  }
}

/**
 * First part of a number's limiter keys and dispatch markers. On a Redis Cluster the whole base is a
 * hash tag (`{wacloud:123}`), so the dispatch script's keys share one slot; on a single Redis the names
 * stay as before (`wacloud:123`), so an upgrade keeps the markers of jobs in flight.
 */
function numberKeys(keyPrefix: string, phoneNumberId: string, cluster: boolean): string {
  return cluster ? `{${keyPrefix}:${phoneNumberId}}` : `${keyPrefix}:${phoneNumberId}`;
}

/** Whether Redis Cluster would hash `key` by a tag: a `{` followed later by `}` with something between. */
/** The id of a stream's newest entry, or `0-0` (read from the start) when it has none. */
async function lastStreamEntryId(redis: Redis | Cluster, key: string): Promise<string> {
  const [newest] = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as [string, string[]][];
  return newest?.[0] ?? '0-0';
}

function hasHashTag(key: string): boolean {
  const open = key.indexOf('{');
  if (open < 0) return false;
  const close = key.indexOf('}', open + 1);
  return close > open + 1;
}

/** An `enqueue()` waiting for its job: resolved by the job's event, or by the outcome check. */
interface WaitingEnqueue {
  readonly job: SendJob;
  readonly resolve: (outcome: SendOutcome) => void;
  /** When Redis took the job (ms); undefined until then. */
  addedAt: number | undefined;
}

/** What `#unlessAbandoned` resolves to when `close()` gave up on Redis first. */
const ABANDONED = Symbol('abandoned');

/** Whether `promise` resolves within `ms` (false when it rejects or takes longer). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * BullMQ's connection wrapper re-emits a failed first connect as an `error` event, and its `close()`
 * removes every listener first: a connection closed mid-connect (an unreachable Redis, or a queue
 * closed right after it was created: a campaign that skipped every recipient) would then throw that
 * event as an unhandled error and end the process. After close nobody listens, so such an event is
 * dropped instead. Reaches into BullMQ's (TypeScript-private) `connection` and `blockingConnection`
 * fields; absent fields are skipped.
 */
function muteErrorsAfterClose(owner: object | undefined): void {
  if (owner === undefined) return;
  const fields = owner as { connection?: unknown; blockingConnection?: unknown };
  for (const connection of [fields.connection, fields.blockingConnection]) {
    if (!(connection instanceof EventEmitter)) continue;
    const emit = connection.emit.bind(connection);
    connection.emit = (event: string | symbol, ...args: unknown[]): boolean =>
      event === 'error' && connection.listenerCount('error') === 0 ? false : emit(event, ...args);
  }
}

function closedOutcome(job: SendJob | undefined): SendOutcome {
  return {
    status: 'skipped',
    reason: 'closed',
    attempts: job?.attempts ?? 0,
    recipientId: job?.recipientId ?? '',
  };
}

function skippedOutcome(job: SendJob, reason: SkipReason): SendOutcome {
  return {
    status: 'skipped',
    reason,
    attempts: job.attempts + (job.priorAttempts ?? 0),
    recipientId: job.recipientId,
    ...(job.options.idempotencyKey === undefined ? {} : { idempotencyKey: job.options.idempotencyKey }),
  };
}

function recoveredOutcome(job: SendJob, marker: string): SendOutcome {
  return markerOutcome(
    job,
    marker,
    new NetworkError('The worker stopped while this request was in flight; it may have reached Meta', {
      requestMayHaveReachedServer: true,
    }),
  );
}
