import { z } from 'zod';
import type { Logger } from '../client/logger.js';
import { loggerSchema } from '../client/logger-schema.js';
import { DEFAULT_MAX_RETRY_AFTER_MS, MAX_TIMER_MS } from '../client/retry-after.js';
import { clockSchema } from '../clock/clock-schema.js';
import { type Clock, systemClock } from '../clock/index.js';
import { invalidOption, optionsSchema, parseOptions } from '../schemas/validate-options.js';
import type { QueueAdapter } from './adapter.js';
import {
  type BackgroundErrorHandler,
  backgroundErrorReporter,
  backgroundLogger,
} from './background-errors.js';
import type { QueueEventSink, QueueSuppressionList } from './collaborators.js';
import {
  type GovernanceOptions,
  type GovernanceSettings,
  resolveGovernance,
} from './governance/governance-options.js';
import type { RetrySettings } from './retry-policy.js';
import type { QueueClient } from './send-client.js';

/** Options of `new SendQueue()`. Unknown keys are rejected. Governance options: see {@link GovernanceOptions}. */
export interface SendQueueOptions extends GovernanceOptions {
  /** The client that sends (`WhatsAppClient`, or anything with `phoneNumberId` and `messages.send`). */
  client: QueueClient;
  /** Event store that receives an `outbound` or `send_failed` event per send (batched). */
  store?: QueueEventSink;
  /** Suppression list checked before every send; 131050 adds the recipient to it. */
  suppression?: QueueSuppressionList;
  /** Where queued messages live: in memory (default) or the BullMQ adapter from `wacloud/bullmq`. */
  adapter?: QueueAdapter;
  /** Most requests reaching Meta in any sliding second for this number (1–1,000; default 80). */
  messagesPerSecond?: number;
  /** Minimum time between two sends to one recipient (default 6,000 ms). */
  perRecipientIntervalMs?: number;
  /** Most requests per message, including the first (default 5). */
  maxAttempts?: number;
  /** Most requests in flight at once (default `max(16, messagesPerSecond / 2)`). */
  concurrency?: number;
  /**
   * Backoff tuning (milliseconds): `baseDelayMs`, `maxDelayMs`, `pairBackoffUnitMs`, `longDelayMs`, and
   * `maxRetryAfterMs`, the longest `Retry-After` honoured (default one hour; a longer one is cut to it).
   */
  retry?: Partial<
    Pick<
      RetrySettings,
      'baseDelayMs' | 'maxDelayMs' | 'pairBackoffUnitMs' | 'longDelayMs' | 'maxRetryAfterMs'
    >
  >;
  /** How many idempotency keys the queue remembers in memory (default 10,000; oldest forgotten first). */
  idempotencyCacheSize?: number;
  /** Event-store batching: flush after this many events (default 500) ... */
  storeBatchSize?: number;
  /** ... or after this long (default 1,000 ms). */
  storeFlushMs?: number;
  /** Randomness for jitter and nothing else (default `Math.random`). */
  random?: () => number;
  /** Clock in milliseconds (default `Date.now`); injectable for tests. Give `clock` or `now`, not both. */
  now?: () => number;
  /**
   * The clock of every governance wait (send window, `notBefore`, 131049 deferral, portfolio budget):
   * an `acceleratedClock({ speed })` shared with the simulator makes a simulated day pass in seconds.
   * Default: the system clock.
   */
  clock?: Clock;
  /**
   * Receives errors that happen in the background, away from any `enqueue()` caller: an
   * `EventRecordError` (events the store refused after its retries, with the events), a failed
   * suppression write, an adapter's worker error. Default: log them with `logger.error`. A handler
   * that throws is logged, never rethrown. `error` listeners, if any, get them too.
   */
  onError?: BackgroundErrorHandler;
  /** Where background errors are logged by default (default: the client's `logger`, else `console`). */
  logger?: Logger;
}

/** {@link SendQueueOptions} with every default applied. */
export interface ResolvedSendQueueOptions {
  client: QueueClient;
  store: QueueEventSink | undefined;
  suppression: QueueSuppressionList | undefined;
  adapter: QueueAdapter | undefined;
  messagesPerSecond: number;
  perRecipientIntervalMs: number;
  concurrency: number;
  retry: RetrySettings;
  idempotencyCacheSize: number;
  storeBatchSize: number;
  storeFlushMs: number;
  now: () => number;
  /** The clock (`now` above is its `now`). */
  clock: Clock;
  /** Background errors, per the `onError`/`logger` policy. */
  reportError: BackgroundErrorHandler;
  /** Consent, frequency cap, send window, 131049 deferrals, region rule, pre-send rules. */
  governance: GovernanceSettings;
}

const fn = z.custom<(...args: never[]) => unknown>(
  (value) => typeof value === 'function',
  'expected a function',
);
const object = z.custom<object>((value) => typeof value === 'object' && value !== null, 'expected an object');
const ms = z.number().int().nonnegative();

const schema = optionsSchema<SendQueueOptions>()({
  client: object,
  store: object.optional(),
  suppression: object.optional(),
  adapter: object.optional(),
  messagesPerSecond: z.number().positive().max(1000).optional(),
  perRecipientIntervalMs: ms.optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  concurrency: z.number().int().min(1).max(10_000).optional(),
  retry: optionsSchema<NonNullable<SendQueueOptions['retry']>>()({
    baseDelayMs: ms.optional(),
    maxDelayMs: ms.optional(),
    pairBackoffUnitMs: ms.optional(),
    longDelayMs: ms.optional(),
    maxRetryAfterMs: ms.max(MAX_TIMER_MS).optional(),
  }).optional(),
  idempotencyCacheSize: z.number().int().positive().optional(),
  storeBatchSize: z.number().int().positive().optional(),
  storeFlushMs: ms.optional(),
  random: fn.optional(),
  now: fn.optional(),
  clock: clockSchema.optional(),
  onError: fn.optional(),
  logger: loggerSchema.optional(),
  requireConsent: z.boolean().optional(),
  frequencyCap: object.optional(),
  frequencyCapLedger: object.optional(),
  sendWindow: object.optional(),
  maxDeferrals: z.number().int().min(0).max(100).optional(),
  deferralDelayMs: ms.max(MAX_TIMER_MS).optional(),
  skipUsMarketing: z.boolean().optional(),
  rules: z.array(fn).optional(),
  displayPhoneNumber: z.string().min(1).optional(),
  messagingLimit: z.union([z.string(), z.number()]).optional(),
  portfolioBudget: object.optional(),
});

/** Validates `SendQueue` options (unknown keys rejected) and applies the defaults. */
export function resolveSendQueueOptions(options: SendQueueOptions): ResolvedSendQueueOptions {
  parseOptions('SendQueue', schema, options);
  const client = options.client;
  if (typeof client.phoneNumberId !== 'string' || typeof client.messages?.send !== 'function') {
    throw invalidOption('SendQueue', 'client', 'needs phoneNumberId and messages.send()');
  }
  const messagesPerSecond = options.messagesPerSecond ?? 80;
  if (options.clock !== undefined && options.now !== undefined)
    throw invalidOption('SendQueue', 'now', 'cannot be given with clock (use clock.now)');
  const clock = options.clock ?? (options.now === undefined ? systemClock : { now: options.now, speed: 1 });
  return {
    client,
    store: options.store,
    suppression: options.suppression,
    adapter: options.adapter,
    messagesPerSecond,
    perRecipientIntervalMs: options.perRecipientIntervalMs ?? 6000,
    concurrency: options.concurrency ?? Math.max(16, Math.ceil(messagesPerSecond / 2)),
    retry: {
      maxAttempts: options.maxAttempts ?? 5,
      baseDelayMs: options.retry?.baseDelayMs ?? 1000,
      maxDelayMs: options.retry?.maxDelayMs ?? 60_000,
      pairBackoffUnitMs: options.retry?.pairBackoffUnitMs ?? 1000,
      longDelayMs: options.retry?.longDelayMs ?? 60_000,
      maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
      random: options.random ?? Math.random,
    },
    idempotencyCacheSize: options.idempotencyCacheSize ?? 10_000,
    storeBatchSize: options.storeBatchSize ?? 500,
    storeFlushMs: options.storeFlushMs ?? 1000,
    now: () => clock.now(),
    clock,
    reportError: backgroundErrorReporter(options.onError, backgroundLogger(options.logger, client)),
    governance: resolveGovernance(options, options.store, options.adapter),
  };
}
