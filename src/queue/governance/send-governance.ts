import { GraphApiError } from '../../errors/index.js';
import { consentStatus, readConsent } from '../../events/consent.js';
import type { EventStore } from '../../events/event-store.js';
import type { SendJob } from '../adapter.js';
import type { SendOutcome, SkipReason } from '../outcome.js';
import { BudgetLine } from './budget-line.js';
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
  /** How many times faster than real time that clock runs (default 1). */
  speed?: number;
  /** The queue's store (scanned for consent when `requireConsent`). */
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

/** A portfolio-budget reservation held by a send: `newUserAt` is set when it must be given back on failure. */
interface BudgetHold {
  newUserAt: number | undefined;
}

/** Waiting after a budget read failed: the send is held, never sent over a budget nobody could check. */
const BUDGET_ERROR_WAIT_MS = 60_000;

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
 * The governance steps in front of the adapter, in order: the region rule and consent (skip), then
 * waiting for `notBefore` and the recipient's send window (in one {@link WakeQueue}, never a timer per
 * message), then the portfolio messaging budget (wait in a {@link BudgetLine}), then the frequency cap
 * (skip), then the send; a 131049 answer goes back to waiting.
 */
export class SendGovernance {
  readonly #settings: GovernanceSettings;
  readonly #deps: SendGovernanceDeps;
  readonly #waiting: WakeQueue<Held>;
  readonly #budgetLine: BudgetLine<Held>;
  #servingLine = false;
  #held = 0;
  #closed = false;
  #emptyWaiters: Array<() => void> = [];

  /** @param settings resolved options; @param deps the queue's side. */
  constructor(settings: GovernanceSettings, deps: SendGovernanceDeps) {
    this.#settings = settings;
    this.#deps = deps;
    const speed = deps.speed ?? 1;
    this.#waiting = new WakeQueue<Held>({ wake: (held) => void this.#dispatch(held), now: deps.now, speed });
    this.#budgetLine = new BudgetLine<Held>({ onDue: () => void this.#serveLine(), now: deps.now, speed });
  }

  /** Sends held back by the governance: checking consent, waiting for their time, or being reserved. */
  get held(): number {
    return this.#held;
  }

  /** How many sends wait for a time or for portfolio budget, and the earliest wake-up. */
  waiting(): { count: number; nextAt: Date | undefined } {
    const times = [this.#waiting.nextAt, this.#budgetLine.retryAt].filter((t) => t !== undefined);
    const next = times.length === 0 ? undefined : Math.min(...times);
    return {
      count: this.#waiting.size + this.#budgetLine.size,
      nextAt: next === undefined ? undefined : new Date(next),
    };
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
    for (const held of this.#budgetLine.drain()) this.#finish(held, closedOutcome(held));
  }

  #schedule(held: Held): void {
    if (this.#closed) {
      this.#finish(held, closedOutcome(held));
      return;
    }
    const now = this.#deps.now();
    const at = this.#allowedAt(held, now);
    if (at <= now) {
      void this.#dispatch(held);
      return;
    }
    this.#waiting.add(held, at);
    notifyWaiting(held, at);
  }

  /** The first instant from `now` when `notBefore` and the recipient's send window let `held` go. */
  #allowedAt(held: Held, now: number): number {
    const at = Math.max(now, held.notBefore);
    const window = this.#settings.sendWindow;
    if (window && (held.category === 'marketing' || held.category === 'utility'))
      return window.nextAllowedAt(held.job.recipientId, at).getTime();
    return at;
  }

  /**
   * Takes portfolio budget for a business-initiated send (every category but `service`: templates,
   * which are what Meta lets a business send outside a customer service window). Returns the hold, or
   * `undefined` when the send went to wait in the budget line.
   */
  async #takeBudget(held: Held): Promise<BudgetHold | undefined> {
    const budget = this.#settings.portfolioBudget;
    if (!budget || held.category === 'service') return { newUserAt: undefined };
    if (this.#budgetLine.size > 0) {
      // First come, first served. Serving the line on each arrival costs one reservation, the one this
      // send would have made, and lets a raised limit (`setLimit`) be seen before the timer.
      this.#budgetLine.push(held);
      notifyWaiting(held, this.#budgetLine.retryAt ?? this.#deps.now());
      void this.#serveLine();
      return undefined;
    }
    const reservation = await this.#reserve(held);
    if (reservation.granted) return { newUserAt: reservation.at };
    this.#budgetLine.push(held, reservation.retryAt);
    notifyWaiting(held, reservation.retryAt);
    return undefined;
  }

  async #reserve(
    held: Held,
  ): Promise<{ granted: true; at: number | undefined } | { granted: false; retryAt: number }> {
    const at = this.#deps.now();
    try {
      const answer = await this.#settings.portfolioBudget!.reserve(held.job.recipientId, at);
      if (!answer.granted) return answer;
      return { granted: true, at: answer.newUser ? at : undefined };
    } catch (error) {
      this.#deps.onError(error);
      return { granted: false, retryAt: at + BUDGET_ERROR_WAIT_MS };
    }
  }

  /** Budget may have freed: sends leave the line in order until the budget says "wait" again. */
  async #serveLine(): Promise<void> {
    if (this.#servingLine) return;
    this.#servingLine = true;
    try {
      for (let held = this.#budgetLine.shift(); held; held = this.#budgetLine.shift()) {
        if (this.#closed) {
          this.#finish(held, closedOutcome(held));
          continue;
        }
        // The budget may free at night: a send whose window has closed waits for it first.
        const now = this.#deps.now();
        const at = this.#allowedAt(held, now);
        if (at > now) {
          this.#waiting.add(held, at);
          continue;
        }
        const reservation = await this.#reserve(held);
        if (!reservation.granted) {
          this.#budgetLine.unshift(held, reservation.retryAt);
          return;
        }
        void this.#dispatch(held, { newUserAt: reservation.at });
      }
    } finally {
      this.#servingLine = false;
    }
  }

  #releaseBudget(job: SendJob, hold: BudgetHold): void {
    if (hold.newUserAt === undefined) return;
    this.#settings
      .portfolioBudget!.release(job.recipientId, hold.newUserAt)
      // The user given back is budget for the first send in line.
      .then(() => (this.#budgetLine.size > 0 ? this.#serveLine() : undefined))
      .catch((error: unknown) => this.#deps.onError(error));
  }

  /**
   * Moves the user's reach to now, when the answer came back: Meta counted it somewhere between the
   * reservation and now, so the budget frees it 24 h after now, never before Meta does.
   */
  #reachedNow(job: SendJob, held: Held): void {
    const budget = this.#settings.portfolioBudget;
    if (!budget || held.category === 'service') return;
    budget.reserve(job.recipientId, this.#deps.now()).catch((error: unknown) => this.#deps.onError(error));
  }

  async #dispatch(held: Held, taken?: BudgetHold): Promise<void> {
    if (this.#closed) {
      this.#finish(held, closedOutcome(held));
      return;
    }
    const { job } = held;
    const budgetHold = taken ?? (await this.#takeBudget(held));
    if (!budgetHold) return;
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
        this.#releaseBudget(job, budgetHold);
        this.#finish(held, skipped(job, 'frequency_cap'));
        return;
      }
      reservedAt = at;
    }
    const outcome = await this.#deps.send(job);
    if (reservedAt !== undefined && (outcome.status === 'failed' || outcome.status === 'skipped')) {
      ledger.release(job.recipientId, reservedAt).catch((error: unknown) => this.#deps.onError(error));
    }
    // A user Meta did not reach (refused, skipped) does not count against the portfolio's limit.
    if (outcome.status === 'failed' || outcome.status === 'skipped') this.#releaseBudget(job, budgetHold);
    else this.#reachedNow(job, held);
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

/** Tells the send's `onWaiting` (once) that it waits until `at`. */
function notifyWaiting(held: Held, at: number): void {
  const onWaiting = held.onWaiting;
  held.onWaiting = undefined;
  onWaiting?.(new Date(at));
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
