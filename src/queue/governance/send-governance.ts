import type { GraphApiError } from '../../errors/index.js';
import { consentStatus, readConsent } from '../../events/consent.js';
import type { EventStore } from '../../events/event-store.js';
import type { SendJob } from '../adapter.js';
import type { SendOutcome, SkipReason } from '../outcome.js';
import { BudgetLine } from './budget-line.js';
import type { CampaignPauses } from './campaign-pauses.js';
import { DispatchGovernance } from './dispatch-governance.js';
import type { GovernanceSettings } from './governance-options.js';
import { categoryOf, type MessageCategory } from './message-category.js';
import { isUsNumber } from './meta-limits.js';
import { ruleSkipReason } from './pre-send-rules.js';
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
  /**
   * Hands a job to the adapter (after every check); resolves with its outcome. `dueAt` is given only
   * when `schedulesDelayed`: the adapter holds the job until then.
   */
  send(job: SendJob, dueAt?: number): Promise<SendOutcome>;
  /**
   * The adapter keeps waiting sends itself and its workers run the dispatch-time steps (see
   * `QueueAdapter.schedulesDelayed`): the governance then only runs the admission steps (region,
   * erasure, consent, pre-send rules) and hands every job over at once with the instant it is due.
   */
  schedulesDelayed?: boolean;
  /** Clock in epoch milliseconds. */
  now(): number;
  /** How many times faster than real time that clock runs (default 1). */
  speed?: number;
  /** The queue's store (asked for tombstones of erased people, and scanned for consent when `requireConsent`). */
  store: object | undefined;
  /** Reports a deferral. */
  onDeferred(info: DeferredInfo): void;
  /** Reports a background error (a ledger release that failed). */
  onError(error: unknown): void;
  /** Quality pauses: a send of a paused campaign is parked until the campaign resumes. */
  pauses: CampaignPauses;
}

interface Held {
  job: SendJob;
  /** Not before this instant (epoch ms): the end of a 131049 deferral (`notBefore` is in the job). */
  notBefore: number;
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
 * The governance steps in front of the adapter, in order: the region rule, erasure (the store's
 * tombstones), consent and the user's pre-send rules (skip), then
 * waiting for `notBefore` and the recipient's send window (in one {@link WakeQueue}, never a timer per
 * message), then the portfolio messaging budget (wait in a {@link BudgetLine}), then the frequency cap
 * (skip), then the send; a 131049 answer goes back to waiting. The time, cap and 131049 steps are
 * {@link DispatchGovernance}'s; with an adapter that schedules waiting sends itself (BullMQ), they run
 * in its workers instead, and this class only admits and hands over.
 */
export class SendGovernance {
  readonly #settings: GovernanceSettings;
  readonly #deps: SendGovernanceDeps;
  readonly #dispatch: DispatchGovernance;
  readonly #waiting: WakeQueue<Held>;
  /** Sends handed to a scheduling adapter to wait there: their due instants, by a local token. */
  readonly #handedOver = new Map<number, number>();
  #handOverSeq = 0;
  /** Sends of paused campaigns, by campaign, until it resumes. */
  readonly #parked = new Map<string, Held[]>();
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
    this.#dispatch = new DispatchGovernance(settings);
    this.#waiting = new WakeQueue<Held>({ wake: (held) => void this.#send(held), now: deps.now, speed });
    this.#budgetLine = new BudgetLine<Held>({ onDue: () => void this.#serveLine(), now: deps.now, speed });
  }

  /** Sends held back by the governance: checking consent, waiting for their time, or being reserved. */
  get held(): number {
    return this.#held;
  }

  /**
   * How many sends wait for a time or for portfolio budget, and the earliest wake-up. With a scheduling adapter: the sends
   * this process handed over that are not due yet.
   */
  waiting(): { count: number; nextAt: Date | undefined } {
    if (this.#deps.schedulesDelayed) {
      const now = this.#deps.now();
      let count = 0;
      let next = Number.POSITIVE_INFINITY;
      for (const at of this.#handedOver.values()) {
        if (at <= now) continue;
        count++;
        next = Math.min(next, at);
      }
      return { count, nextAt: count === 0 ? undefined : new Date(next) };
    }
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
    if (settings.rules.length > 0) {
      const detail = await ruleSkipReason(
        settings.rules,
        { recipientId: job.recipientId, message: job.message, category, options: job.options },
        (error) => this.#deps.onError(error),
      );
      if (detail !== undefined) {
        this.#release();
        return { ...skipped(job, 'rule'), detail };
      }
    }
    if (this.#deps.schedulesDelayed) return this.#handOver(job, onWaiting);
    return new Promise<SendOutcome>((resolve) => this.#schedule({ job, notBefore: 0, onWaiting, resolve }));
  }

  /**
   * When a send of `category` to `recipientId` would wait for its send window: the instant the window
   * opens (epoch ms). `undefined` when it may go now, the window does not hold that category, the region
   * rule would skip it, or the queue is closed.
   */
  holdUntil(recipientId: string, category: MessageCategory): number | undefined {
    const window = this.#settings.sendWindow;
    if (!window || this.#closed || (category !== 'marketing' && category !== 'utility')) return undefined;
    if (category === 'marketing' && this.#settings.skipUsMarketing && isUsNumber(recipientId))
      return undefined;
    const now = this.#deps.now();
    const at = window.nextAllowedAt(recipientId, now).getTime();
    return at > now ? at : undefined;
  }

  /** Resolves when nothing is held. */
  onEmpty(): Promise<void> {
    if (this.#held === 0) return Promise.resolve();
    return new Promise((resolve) => this.#emptyWaiters.push(resolve));
  }

  /** Ends every waiting or parked send `skipped` (`closed`); later wake-ups and deferrals end the same way. */
  close(): void {
    this.#closed = true;
    for (const held of this.#waiting.drain()) this.#finish(held, closedOutcome(held.job));
    for (const held of this.#budgetLine.drain()) this.#finish(held, closedOutcome(held.job));
    const parked = [...this.#parked.values()].flat();
    this.#parked.clear();
    for (const held of parked) this.#finish(held, closedOutcome(held.job));
  }

  // The adapter keeps the job until it is due and its worker re-checks the time, the cap and 131049.
  async #handOver(job: SendJob, onWaiting: ((until: Date) => void) | undefined): Promise<SendOutcome> {
    const now = this.#deps.now();
    const at = this.#dispatch.dueAt(job, now);
    const token = this.#handOverSeq++;
    if (at > now) {
      this.#handedOver.set(token, at);
      onWaiting?.(new Date(at));
    }
    try {
      return await this.#deps.send(job, at);
    } finally {
      this.#handedOver.delete(token);
      this.#release();
    }
  }

  /** Sends parked because their campaign is paused. */
  get parked(): number {
    let count = 0;
    for (const list of this.#parked.values()) count += list.length;
    return count;
  }

  /** Lets the parked sends of a campaign that resumed go on (each waits again for its window if need be). */
  unpark(campaignId: string): void {
    const parked = this.#parked.get(campaignId);
    if (!parked) return;
    this.#parked.delete(campaignId);
    for (const held of parked) this.#schedule(held);
  }

  #park(held: Held): void {
    const campaignId = held.job.options.campaignId as string;
    if (!this.#deps.pauses.isPaused(campaignId)) {
      // Resumed while the send was on its way back: go on.
      this.#schedule(held);
      return;
    }
    const list = this.#parked.get(campaignId);
    if (list) list.push(held);
    else this.#parked.set(campaignId, [held]);
  }

  #schedule(held: Held): void {
    if (this.#closed) {
      this.#finish(held, closedOutcome(held.job));
      return;
    }
    const now = this.#deps.now();
    const at = this.#dispatch.dueAt(held.job, Math.max(now, held.notBefore));
    if (at <= now) {
      void this.#send(held);
      return;
    }
    this.#waiting.add(held, at);
    notifyWaiting(held, at);
  }

  /**
   * Takes portfolio budget for a business-initiated send (every category but `service`: templates,
   * which are what Meta lets a business send outside a customer service window). Returns the hold, or
   * `undefined` when the send went to wait in the budget line.
   */
  async #takeBudget(held: Held): Promise<BudgetHold | undefined> {
    const budget = this.#settings.portfolioBudget;
    if (!budget || categoryOfJob(held.job) === 'service') return { newUserAt: undefined };
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
          this.#finish(held, closedOutcome(held.job));
          continue;
        }
        // The budget may free at night: a send whose window has closed waits for it first.
        const now = this.#deps.now();
        const at = this.#dispatch.dueAt(held.job, Math.max(now, held.notBefore));
        if (at > now) {
          this.#waiting.add(held, at);
          continue;
        }
        const reservation = await this.#reserve(held);
        if (!reservation.granted) {
          this.#budgetLine.unshift(held, reservation.retryAt);
          return;
        }
        void this.#send(held, { newUserAt: reservation.at });
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
    if (!budget || categoryOfJob(held.job) === 'service') return;
    budget.reserve(job.recipientId, this.#deps.now()).catch((error: unknown) => this.#deps.onError(error));
  }

  async #send(held: Held, taken?: BudgetHold): Promise<void> {
    if (this.#closed) {
      this.#finish(held, closedOutcome(held.job));
      return;
    }
    const { job } = held;
    if (this.#deps.pauses.holds(job)) {
      this.#park(held);
      return;
    }
    const onError = (error: unknown) => this.#deps.onError(error);
    const budgetHold = taken ?? (await this.#takeBudget(held));
    if (!budgetHold) return;
    const verdict = await this.#dispatch.reserve(job, this.#deps.now(), onError);
    if (verdict.kind === 'capped') {
      this.#releaseBudget(job, budgetHold);
      this.#finish(held, skipped(job, 'frequency_cap'));
      return;
    }
    const outcome = await this.#deps.send(job);
    const deferral = this.#dispatch.settle(job, outcome, verdict.reservation, this.#deps.now(), onError);
    // A user Meta did not reach (refused, skipped) does not count against the portfolio's limit.
    if (outcome.status === 'failed' || outcome.status === 'skipped') this.#releaseBudget(job, budgetHold);
    else this.#reachedNow(job, held);
    // The adapter handed it back unsent: its campaign was paused while it was queued.
    if (outcome.status === 'skipped' && outcome.reason === 'paused') {
      if (this.#closed) this.#finish(held, closedOutcome(job));
      else this.#park(held);
      return;
    }
    if (deferral) {
      // The runtime did not record this refusal: the send is not over. A closing queue ends it `closed`.
      if (this.#closed) {
        this.#finish(held, closedOutcome(deferral.job));
        return;
      }
      try {
        this.#deps.onDeferred({
          job,
          error: deferral.error as GraphApiError,
          deferral: deferral.deferral,
          until: new Date(deferral.until),
        });
      } catch (error) {
        this.#deps.onError(error);
      }
      this.#schedule({
        ...held,
        job: { ...deferral.job, id: `${job.id}~d${deferral.deferral}` },
        notBefore: deferral.until,
      });
      return;
    }
    this.#finish(held, { ...outcome, attempts: outcome.attempts + (job.priorAttempts ?? 0) });
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
function closedOutcome(job: SendJob): SendOutcome {
  const outcome = skipped(job, 'closed');
  return { ...outcome, attempts: outcome.attempts + (job.priorAttempts ?? 0) };
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

function categoryOfJob(job: SendJob): MessageCategory {
  return categoryOf(job.message, job.options.category);
}
