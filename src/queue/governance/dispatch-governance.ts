import { GraphApiError } from '../../errors/index.js';
import type { CapReservation, Deferral, DispatchVerdict, SendJob } from '../adapter.js';
import type { SendOutcome } from '../outcome.js';
import type { GovernanceSettings } from './governance-options.js';
import { categoryOf } from './message-category.js';
import { MARKETING_LIMIT_CODE, marketingLimitApplies } from './meta-limits.js';

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

/** Waiting after a budget read failed. */
const BUDGET_ERROR_WAIT_MS = 60_000;

/** The frequency cap's answer: go (holding the slot, if one was taken) or capped. */
export type CapVerdict = { kind: 'go'; reservation: CapReservation | undefined } | { kind: 'capped' };

/**
 * The governance steps that run when a send is about to go, wherever that is: in the sending process
 * (`SendGovernance`, memory adapter) or in the worker that picked the job up (adapters that schedule
 * waiting sends themselves, such as BullMQ). In order: is the job due (`notBefore`, the recipient's send
 * window)? does the frequency cap have a slot? and, after the send, does a 131049 answer reschedule it?
 *
 * A worker also takes the portfolio messaging budget here ({@link DispatchGovernance.reserveWithBudget}); the
 * in-process governance serves the budget in its own first-come-first-served line.
 */
export class DispatchGovernance {
  readonly #settings: GovernanceSettings;

  /** @param settings the queue's resolved governance options. */
  constructor(settings: GovernanceSettings) {
    this.#settings = settings;
  }

  /**
   * The earliest instant (epoch ms, at least `now`) the job may go: its `notBefore` (a `Date`, or its
   * JSON string after a trip through Redis) and, for marketing and utility, the recipient's send window.
   */
  dueAt(job: SendJob, now: number): number {
    const notBefore = job.options.notBefore;
    let at = Math.max(now, notBefore === undefined ? 0 : new Date(notBefore).getTime() || 0);
    const window = this.#settings.sendWindow;
    const category = categoryOf(job.message, job.options.category);
    if (window && (category === 'marketing' || category === 'utility'))
      at = window.nextAllowedAt(job.recipientId, at).getTime();
    return at;
  }

  /**
   * Takes the frequency-cap slot of a marketing send at `now` (atomically in the ledger: two processes
   * racing for a recipient's last slot never both get it). A ledger error counts as no slot: it is
   * passed to `onError` and the send is `capped`, never sent past a cap nobody could check. `holder`:
   * see `FrequencyCapLedger.tryReserve`.
   */
  async reserve(
    job: SendJob,
    now: number,
    onError: (error: unknown) => void,
    holder?: string,
  ): Promise<CapVerdict> {
    const cap = this.#settings.frequencyCap;
    if (!cap || categoryOf(job.message, job.options.category) !== 'marketing')
      return { kind: 'go', reservation: undefined };
    let reserved: boolean;
    try {
      reserved = await this.#settings.frequencyCapLedger.tryReserve(job.recipientId, now, cap, holder);
    } catch (error) {
      onError(error);
      reserved = false;
    }
    return reserved
      ? { kind: 'go', reservation: { recipientId: job.recipientId, at: now } }
      : { kind: 'capped' };
  }

  /**
   * For a worker of a scheduling adapter: the portfolio budget (a business-initiated send takes its
   * user's reach, or learns when budget frees: `wait`), then the frequency cap as {@link reserve}. A
   * budget read that fails is passed to `onError` and the send waits a minute: never sent over a budget
   * nobody could check. (The in-process governance keeps its own first-come-first-served budget line.)
   */
  async reserveWithBudget(
    job: SendJob,
    now: number,
    onError: (error: unknown) => void,
    holder?: string,
  ): Promise<DispatchVerdict> {
    const budget = this.#settings.portfolioBudget;
    const budgeted = budget !== undefined && categoryOf(job.message, job.options.category) !== 'service';
    let budgetAt: number | undefined;
    if (budgeted) {
      try {
        const answer = await budget.reserve(job.recipientId, now);
        if (!answer.granted) return { kind: 'wait', until: answer.retryAt };
        if (answer.newUser) budgetAt = now;
      } catch (error) {
        onError(error);
        return { kind: 'wait', until: now + BUDGET_ERROR_WAIT_MS };
      }
    }
    const verdict = await this.reserve(job, now, onError, holder);
    const held = {
      recipientId: job.recipientId,
      at: verdict.kind === 'go' ? verdict.reservation?.at : undefined,
    };
    if (verdict.kind === 'capped') {
      this.release({ ...held, budgetAt }, onError);
      return verdict;
    }
    if (!budgeted && verdict.reservation === undefined) return verdict;
    return { kind: 'go', reservation: { ...held, budgetAt, budgeted } };
  }

  /** Gives a cap slot and a budget reach back (in the background; a failure goes to `onError`). */
  release(reservation: CapReservation | undefined, onError: (error: unknown) => void): void {
    if (!reservation) return;
    if (reservation.at !== undefined)
      this.#settings.frequencyCapLedger
        .release(reservation.recipientId, reservation.at)
        .catch((error: unknown) => onError(error));
    if (reservation.budgetAt !== undefined)
      this.#settings.portfolioBudget
        ?.release(reservation.recipientId, reservation.budgetAt)
        .catch((error: unknown) => onError(error));
  }

  /**
   * After a send: gives the slot back when the message did not reach the recipient (failed, skipped),
   * and returns the {@link Deferral} when a 131049 answer reschedules it (else `undefined`: the
   * outcome is final).
   */
  settle(
    job: SendJob,
    outcome: SendOutcome,
    reservation: CapReservation | undefined,
    now: number,
    onError: (error: unknown) => void,
  ): Deferral | undefined {
    if (outcome.status === 'failed' || outcome.status === 'skipped') this.release(reservation, onError);
    else if (reservation?.budgeted)
      // Meta counted the user somewhere between the reservation and now: free it 24 h after now, never before.
      this.#settings.portfolioBudget?.reserve(job.recipientId, now).catch((error: unknown) => onError(error));
    if (!defersAfter(job, outcome, this.#settings)) return undefined;
    const deferral = (job.deferrals ?? 0) + 1;
    const until = now + this.#settings.deferralDelayMs;
    return {
      job: {
        ...job,
        attempts: 0,
        pairRateHits: 0,
        deferrals: deferral,
        priorAttempts: (job.priorAttempts ?? 0) + job.attempts,
      },
      error: outcome.error as GraphApiError,
      deferral,
      until,
    };
  }
}
