import { GraphApiError } from '../../errors/index.js';
import { consentStatus, readConsent } from '../../events/consent.js';
import type { EventStore } from '../../events/event-store.js';
import type { SendJob } from '../adapter.js';
import type { SendOutcome, SkipReason } from '../outcome.js';
import type { GovernanceSettings } from './governance-options.js';
import { categoryOf, type MessageCategory } from './message-category.js';
import { isUsNumber, MARKETING_LIMIT_CODE, marketingLimitApplies } from './meta-limits.js';
import { WakeQueue } from './wake-queue.js';

/** Details of a send rescheduled after Meta's per-user marketing limit (the `deferred` event). */
export interface DeferredInfo {
  /** The job as it was refused. */
  job: SendJob;
  /** The 131049 error. */
  error: GraphApiError;
  /** Which deferral this is, 1-based. */
  deferral: number;
  /** When the send will be tried again. */
  until: Date;
}

/** What the governance needs from its queue. */
export interface SendGovernanceDeps {
  /** Hands a job to the adapter (after every check); resolves with its outcome. */
  send(job: SendJob): Promise<SendOutcome>;
  /** Clock in epoch milliseconds. */
  now(): number;
  /** The queue's store (asked for tombstones of erased people, and scanned for consent when `requireConsent`). */
  store: object | undefined;
  /** Reports a deferral. */
  onDeferred(info: DeferredInfo): void;
  /** Reports a background error (a ledger release that failed). */
  onError(error: unknown): void;
}

interface Held {
  job: SendJob;
  category: MessageCategory;
  /** Not before this instant (epoch ms): `notBefore`, or the end of a 131049 deferral. */
  notBefore: number;
  /** Requests made in earlier rounds (before deferrals). */
  priorAttempts: number;
  /** Told once, when the send first waits (a campaign then frees its slot). */
  onWaiting: ((until: Date) => void) | undefined;
  resolve(outcome: SendOutcome): void;
}

/**
 * Whether the queue will reschedule this outcome rather than end the message with it: a 131049
 * refusal of a marketing message to a number Meta applies the limit to, with deferrals left. The runtime
 * does not record such an outcome, so a deferred send is never counted as a failure.
 */
export function defersAfter(job: SendJob, outcome: SendOutcome, settings: GovernanceSettings): boolean {
  return (
    outcome.status === 'failed' &&
    outcome.error instanceof GraphApiError &&
    outcome.error.code === MARKETING_LIMIT_CODE &&
    (job.deferrals ?? 0) < settings.maxDeferrals &&
    categoryOf(job.message, job.options.category) === 'marketing' &&
    marketingLimitApplies(job.recipientId)
  );
}

/**
 * The governance steps in front of the adapter, in order: the region rule, erasure (the store's
 * tombstones) and consent (skip), then
 * waiting for `notBefore` and the recipient's send window (in one {@link WakeQueue}, never a timer per
 * message), then the frequency cap (skip), then the send; a 131049 answer goes back to waiting.
 */
export class SendGovernance {
  readonly #settings: GovernanceSettings;
  readonly #deps: SendGovernanceDeps;
  readonly #waiting: WakeQueue<Held>;
  #held = 0;
  #closed = false;
  #emptyWaiters: Array<() => void> = [];

  /** @param settings resolved options; @param deps the queue's side. */
  constructor(settings: GovernanceSettings, deps: SendGovernanceDeps) {
    this.#settings = settings;
    this.#deps = deps;
    this.#waiting = new WakeQueue<Held>({ wake: (held) => void this.#dispatch(held), now: deps.now });
  }

  /** Sends held back by the governance: checking consent, waiting for their time, or being reserved. */
  get held(): number {
    return this.#held;
  }

  /** How many sends wait for a time, and the earliest wake-up. */
  waiting(): { count: number; nextAt: Date | undefined } {
    const next = this.#waiting.nextAt;
    return { count: this.#waiting.size, nextAt: next === undefined ? undefined : new Date(next) };
  }

  /**
   * Runs a job through the governance to its final outcome (never rejects). `onWaiting` is called once,
   * when the send first waits for its time.
   */
  async admit(job: SendJob, onWaiting?: (until: Date) => void): Promise<SendOutcome> {
    const category = categoryOf(job.message, job.options.category);
    const settings = this.#settings;
    const marketing = category === 'marketing';
    if (marketing && settings.skipUsMarketing && isUsNumber(job.recipientId)) return skipped(job, 'region');
    this.#held++;
    try {
      const store = this.#deps.store as EventStore | undefined;
      // An erased person stays skipped, whatever the category (their tombstone is all the store keeps).
      if (store?.isErased && (await store.isErased(job.recipientId))) {
        this.#release();
        return skipped(job, 'erased');
      }
    } catch (error) {
      this.#release();
      this.#deps.onError(error);
      return skipped(job, 'erased');
    }
    try {
      if (marketing && settings.requireConsent) {
        const history = await readConsent(this.#deps.store as EventStore, job.recipientId);
        if (!consentStatus(history.events, 'marketing').granted) {
          this.#release();
          return skipped(job, 'no_consent');
        }
      }
    } catch (error) {
      this.#release();
      this.#deps.onError(error);
      return skipped(job, 'no_consent');
    }
    const notBefore = job.options.notBefore?.getTime() ?? 0;
    return new Promise<SendOutcome>((resolve) =>
      this.#schedule({ job, category, notBefore, priorAttempts: 0, onWaiting, resolve }),
    );
  }

  /** Resolves when nothing is held. */
  onEmpty(): Promise<void> {
    if (this.#held === 0) return Promise.resolve();
    return new Promise((resolve) => this.#emptyWaiters.push(resolve));
  }

  /** Ends every waiting send `skipped` (`closed`); later wake-ups and deferrals end the same way. */
  close(): void {
    this.#closed = true;
    for (const held of this.#waiting.drain()) this.#finish(held, closedOutcome(held));
  }

  #schedule(held: Held): void {
    if (this.#closed) {
      this.#finish(held, closedOutcome(held));
      return;
    }
    const now = this.#deps.now();
    let at = Math.max(now, held.notBefore);
    const window = this.#settings.sendWindow;
    if (window && (held.category === 'marketing' || held.category === 'utility'))
      at = window.nextAllowedAt(held.job.recipientId, at).getTime();
    if (at <= now) {
      void this.#dispatch(held);
      return;
    }
    this.#waiting.add(held, at);
    const onWaiting = held.onWaiting;
    held.onWaiting = undefined;
    onWaiting?.(new Date(at));
  }

  async #dispatch(held: Held): Promise<void> {
    if (this.#closed) {
      this.#finish(held, closedOutcome(held));
      return;
    }
    const { job } = held;
    const cap = this.#settings.frequencyCap;
    const ledger = this.#settings.frequencyCapLedger;
    let reservedAt: number | undefined;
    if (cap && held.category === 'marketing') {
      const at = this.#deps.now();
      let reserved: boolean;
      try {
        reserved = await ledger.tryReserve(job.recipientId, at, cap);
      } catch (error) {
        this.#deps.onError(error);
        reserved = false;
      }
      if (!reserved) {
        this.#finish(held, skipped(job, 'frequency_cap'));
        return;
      }
      reservedAt = at;
    }
    const outcome = await this.#deps.send(job);
    if (reservedAt !== undefined && (outcome.status === 'failed' || outcome.status === 'skipped')) {
      ledger.release(job.recipientId, reservedAt).catch((error: unknown) => this.#deps.onError(error));
    }
    if (defersAfter(job, outcome, this.#settings)) {
      // The runtime did not record this refusal: the send is not over. A closing queue ends it `closed`.
      if (this.#closed) {
        this.#finish(held, closedOutcome(held));
        return;
      }
      const deferral = (job.deferrals ?? 0) + 1;
      const until = this.#deps.now() + this.#settings.deferralDelayMs;
      try {
        this.#deps.onDeferred({
          job,
          error: outcome.error as GraphApiError,
          deferral,
          until: new Date(until),
        });
      } catch (error) {
        this.#deps.onError(error);
      }
      this.#schedule({
        ...held,
        job: { ...job, id: `${job.id}~d${deferral}`, attempts: 0, pairRateHits: 0, deferrals: deferral },
        notBefore: until,
        priorAttempts: held.priorAttempts + job.attempts,
      });
      return;
    }
    this.#finish(held, { ...outcome, attempts: outcome.attempts + held.priorAttempts });
  }

  #finish(held: Held, outcome: SendOutcome): void {
    held.resolve(outcome);
    this.#release();
  }

  #release(): void {
    this.#held--;
    if (this.#held > 0) return;
    const waiters = this.#emptyWaiters;
    this.#emptyWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** `skipped` (`closed`), counting the requests of earlier rounds. */
function closedOutcome(held: Held): SendOutcome {
  const outcome = skipped(held.job, 'closed');
  return { ...outcome, attempts: outcome.attempts + held.priorAttempts };
}

function skipped(job: SendJob, reason: SkipReason): SendOutcome {
  return {
    status: 'skipped',
    reason,
    attempts: job.attempts,
    recipientId: job.recipientId,
    ...(job.options.idempotencyKey === undefined ? {} : { idempotencyKey: job.options.idempotencyKey }),
  };
}
