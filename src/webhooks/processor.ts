import { EventEmitter } from 'eventemitter3';
import { ConfigError } from '../errors/index.js';
import { eventKey } from '../events/event-key.js';
import type { EventStore } from '../events/event-store.js';
import {
  type RecordOutboundOptions,
  recordOutbound,
  type SentMessage,
  type SentMessageContent,
} from '../events/record-outbound.js';
import type { OutboundEvent, StoredEvent } from '../events/stored-event.js';
import { assertKnownOptions, invalidOption, optionKeys } from '../schemas/validate-options.js';
import type { OptOutDetectionOptions } from '../tracking/opt-out-detection.js';
import { DedupeWindow, dedupeKeyOf } from './dedupe-window.js';
import { parseWebhook } from './parse.js';
import type { WebhookProcessorEventName, WebhookProcessorEvents } from './processor-events.js';
import { isDataRefusal } from './store-refusal.js';
import { createStoredEventMapper, toStoredEvents } from './to-stored-events.js';
import type { WebhookEvent } from './webhook-events.js';

/** Options of {@link WebhookProcessor}. */
export interface WebhookProcessorOptions {
  /**
   * How many recent keys — (messageId, status), message id, (user, preference, timestamp) — are
   * remembered for deduplication (default 10,000; 0 = off).
   */
  dedupeWindowSize?: number;
  /**
   * Where every new event is persisted (as {@link toStoredEvents}). When the store has `appendNew`, it
   * also deduplicates across processes and restarts.
   */
  store?: EventStore;
  /**
   * Which inbound messages the store also records as an `opt_out` (so a `StoreSuppressionList` skips the
   * sender): whole-message STOP keywords and STOP quick-reply payloads. Default: the built-in
   * multilingual keywords and payloads, the same the metrics count.
   */
  optOut?: OptOutDetectionOptions;
  /** Called for every new event, before the emitter listeners. */
  onEvent?: (event: WebhookEvent) => unknown;
  /** Called when a listener fails and no `error` listener is registered (default: `console.error`). */
  onError?: (error: Error, event?: WebhookEvent) => void;
}

const OPTION_KEYS = optionKeys<WebhookProcessorOptions>()({
  dedupeWindowSize: true,
  store: true,
  optOut: true,
  onEvent: true,
  onError: true,
});
type AnyListener = (...args: never[]) => unknown;

/**
 * Dispatches webhook events to typed listeners, dropping repeats. Meta retries and fans out webhooks,
 * so the same status or message can arrive more than once: repeats of (messageId, status) and of a
 * message id are dropped within a bounded window (and against the store when it has `appendNew`).
 * Out-of-order statuses (`read` or `failed` before `delivered`) are passed through unchanged.
 *
 * A listener that throws or rejects never stops the others; the failure is emitted on `error`.
 *
 * ```ts
 * const processor = new WebhookProcessor();
 * processor.on('status.read', (e) => markRead(e.messageId));
 * processor.on('message.text', (e) => reply(e.from, e.message.text.body));
 * ```
 */
export class WebhookProcessor {
  readonly #emitter = new EventEmitter<WebhookProcessorEvents>();
  readonly #window: DedupeWindow;
  readonly #store: EventStore | undefined;
  readonly #toStored: (event: WebhookEvent) => StoredEvent[];
  readonly #onEvent: ((event: WebhookEvent) => unknown) | undefined;
  readonly #onError: ((error: Error, event?: WebhookEvent) => void) | undefined;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #onceWrappers = new WeakMap<AnyListener, AnyListener>();

  constructor(options: WebhookProcessorOptions = {}) {
    assertKnownOptions('WebhookProcessor', options, OPTION_KEYS);
    const size = options.dedupeWindowSize ?? 10_000;
    if (!Number.isInteger(size) || size < 0) {
      throw invalidOption('WebhookProcessor', 'dedupeWindowSize', 'must be a non-negative integer');
    }
    this.#window = new DedupeWindow(size);
    this.#store = options.store;
    this.#toStored =
      options.optOut === undefined ? toStoredEvents : createStoredEventMapper({ optOut: options.optOut });
    this.#onEvent = options.onEvent;
    this.#onError = options.onError;
  }

  /** Adds a listener. Returns the processor for chaining. */
  on<K extends WebhookProcessorEventName>(name: K, listener: WebhookProcessorEvents[K]): this {
    this.#emitter.on(name, listener as never);
    return this;
  }

  /** Adds a listener that runs at most once. */
  once<K extends WebhookProcessorEventName>(name: K, listener: WebhookProcessorEvents[K]): this {
    const fn = listener as unknown as AnyListener;
    const wrapper = (...args: never[]): unknown => {
      this.#emitter.off(name, wrapper as never);
      return fn(...args);
    };
    this.#onceWrappers.set(fn, wrapper);
    this.#emitter.on(name, wrapper as never);
    return this;
  }

  /** Removes a listener (or every listener of `name` when `listener` is omitted). */
  off<K extends WebhookProcessorEventName>(name: K, listener?: WebhookProcessorEvents[K]): this {
    if (listener === undefined) {
      this.#emitter.removeAllListeners(name);
      return this;
    }
    const fn = listener as unknown as AnyListener;
    this.#emitter.off(name, (this.#onceWrappers.get(fn) ?? fn) as never);
    return this;
  }

  /** How many listeners `name` has. */
  listenerCount(name: WebhookProcessorEventName): number {
    return this.#emitter.listenerCount(name);
  }

  /**
   * Stores a reply your listener sent with `wa.messages.send` in the processor's store, as an
   * `outbound` event (see `recordOutbound`), so `computeServiceMetrics` counts it as the answer.
   * Throws {@link ConfigError} when the processor has no `store`.
   *
   * @example
   * ```ts
   * processor.on('message.text', async (e) => {
   *   const reply = msg.text(e.from, 'Thanks, we are on it.');
   *   await processor.recordOutbound(await wa.messages.send(reply), reply);
   * });
   * ```
   */
  recordOutbound(
    sent: SentMessage,
    message?: SentMessageContent,
    options?: RecordOutboundOptions,
  ): Promise<OutboundEvent> {
    if (this.#store === undefined) {
      return Promise.reject(
        new ConfigError('WebhookProcessor: recordOutbound needs the "store" option', { option: 'store' }),
      );
    }
    return recordOutbound(this.#store, sent, message, options);
  }

  /** Parses a payload with {@link parseWebhook} and processes its events. */
  processPayload(payload: unknown): Promise<WebhookEvent[]> {
    return this.process(parseWebhook(payload));
  }

  /**
   * Drops repeats, persists the new events to the store (if any), then emits them. Resolves with the
   * new events once every listener has been called (async listeners keep running; see {@link idle}).
   * When the store refuses the batch, each event is appended alone: an event still refused is reported
   * on `error` (with the event) and skipped, and the others are stored and emitted. Rejects only when
   * the store refuses every event, not all for their data; they are then neither emitted nor
   * remembered, so a redelivery by Meta is processed again.
   */
  async process(events: readonly WebhookEvent[]): Promise<WebhookEvent[]> {
    const keys: string[] = [];
    let fresh: WebhookEvent[] = [];
    for (const event of events) {
      const key = dedupeKeyOf(event);
      if (key === undefined) {
        fresh.push(event);
      } else if (this.#window.add(key)) {
        keys.push(key);
        fresh.push(event);
      } else {
        this.#dispatch('duplicate', event);
      }
    }
    if (this.#store !== undefined && fresh.length > 0) {
      try {
        fresh = await this.#persist(this.#store, fresh);
      } catch (error) {
        fresh = await this.#persistOneByOne(this.#store, fresh, keys, error);
      }
    }
    for (const event of fresh) this.#emitEvent(event);
    return fresh;
  }

  /** Resolves when every async listener started so far has settled. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /**
   * After a failed batch append: appends each event alone, so one event the store refuses cannot take
   * its neighbours down. Each refused event is reported (with the event) and forgotten by the dedupe
   * window, so a redelivery tries it again. When every event fails, and not all for their data (see
   * {@link isDataRefusal}), the store itself is failing: the batch error is reported and thrown.
   */
  async #persistOneByOne(
    store: EventStore,
    events: WebhookEvent[],
    keys: string[],
    batchError: unknown,
  ): Promise<WebhookEvent[]> {
    const kept: WebhookEvent[] = [];
    const refused: Array<{ event: WebhookEvent; error: unknown }> = [];
    for (const event of events) {
      try {
        kept.push(...(await this.#persist(store, [event])));
      } catch (error) {
        refused.push({ event, error });
      }
    }
    if (refused.length === events.length && !refused.every(({ error }) => isDataRefusal(error))) {
      for (const key of keys) this.#window.delete(key);
      const failure = toError(batchError, 'Event store failed while processing a webhook');
      this.#report(failure);
      throw failure;
    }
    for (const { event, error } of refused) {
      const key = dedupeKeyOf(event);
      if (key !== undefined) this.#window.delete(key);
      this.#report(toError(error, 'Event store refused one event of a webhook batch'), event);
    }
    return kept;
  }

  async #persist(store: EventStore, events: WebhookEvent[]): Promise<WebhookEvent[]> {
    const storedPerEvent = events.map((event) => this.#toStored(event));
    const all = storedPerEvent.flat();
    if (all.length === 0) return events;
    if (store.appendNew === undefined) {
      await store.append(all);
      return events;
    }
    const added = new Set((await store.appendNew(all)).map(eventKey));
    return events.filter((event, i) => {
      const stored = storedPerEvent[i] as StoredEvent[];
      if (stored.length === 0 || stored.some((s) => added.has(eventKey(s)))) return true;
      this.#dispatch('duplicate', event);
      return false;
    });
  }

  #emitEvent(event: WebhookEvent): void {
    if (this.#onEvent !== undefined) this.#invoke(this.#onEvent as AnyListener, event);
    this.#dispatch('event', event);
    this.#dispatch(event.type, event);
    if (event.type === 'status') this.#dispatch(`status.${event.status}` as WebhookProcessorEventName, event);
    else if (event.type === 'message') {
      this.#dispatch(`message.${event.message.type}` as WebhookProcessorEventName, event);
    }
  }

  #dispatch(name: WebhookProcessorEventName, event: WebhookEvent): void {
    // listeners() copies the list: skip it for the names nobody listens to (most of them, per event).
    if (this.#emitter.listenerCount(name) === 0) return;
    for (const listener of this.#emitter.listeners(name)) this.#invoke(listener as AnyListener, event);
  }

  #invoke(listener: AnyListener, event: WebhookEvent): void {
    try {
      const result = (listener as (e: WebhookEvent) => unknown)(event);
      if (isPromiseLike(result)) {
        const tracked = Promise.resolve(result).then(undefined, (error: unknown) =>
          this.#report(toError(error, 'Webhook listener rejected'), event),
        );
        this.#pending.add(tracked);
        void tracked.finally(() => this.#pending.delete(tracked));
      }
    } catch (error) {
      this.#report(toError(error, 'Webhook listener threw'), event);
    }
  }

  /** Hands a failure to the `error` listeners, else `onError`, else `console.error`; never throws. */
  #report(error: Error, event?: WebhookEvent): void {
    const listeners = this.#emitter.listeners('error');
    if (listeners.length > 0) {
      for (const listener of listeners) callErrorHandler(() => listener(error, event), error);
    } else if (this.#onError !== undefined) {
      const onError = this.#onError;
      callErrorHandler(() => onError(error, event), error);
    } else {
      console.error('[wacloud] webhook processing failed:', error);
    }
  }
}

/**
 * Calls a user error handler. One that throws or rejects has nowhere left to report to: both errors go
 * to `console.error` instead of escaping (a throw would drop the rest of the batch, a rejection would be
 * unhandled and could end the process).
 */
function callErrorHandler(call: () => unknown, original: Error): void {
  const lastResort = (failure: unknown): void => {
    console.error('[wacloud] webhook error handler failed:', failure, 'while reporting:', original);
  };
  try {
    const result = call();
    if (isPromiseLike(result)) Promise.resolve(result).then(undefined, lastResort);
  } catch (failure) {
    lastResort(failure);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function toError(error: unknown, message: string): Error {
  return error instanceof Error ? error : new Error(`${message}: ${String(error)}`, { cause: error });
}
