/**
 * The progress of a campaign being sent, beside its metrics in the live feed. It comes from the running
 * campaign (the handle `queue.sendCampaign()` returns), so it exists only in the process that sends:
 * skipped messages and messages waiting for their time are never written to the event store.
 */

/** The part of a campaign handle's `progress()` the live feed reads (the queue's `CampaignProgress`). */
export interface SendingCampaignCounts {
  /** Messages Meta accepted. */
  sent: number;
  /** Messages that failed. */
  failed: number;
  /** Messages skipped (suppressed, duplicate, ...). */
  skipped: number;
  /** Messages with no answer. */
  unknown: number;
  /** Recipients read from the source so far. */
  read: number;
  /** Messages still to finish. */
  remaining: number;
  /** Messages waiting for their time (send window, budget, 131049 deferral). */
  waiting: number;
  /** While some wait: the latest time one of them is due. */
  waitingUntil?: Date | undefined;
  /** Finished messages per second. */
  ratePerSecond: number;
  /** Estimated milliseconds to finish, when known. */
  etaMs?: number | undefined;
  /** Whether every message finished. */
  done: boolean;
}

/** How one message ended, as far as the live feed reads it (the queue's `SendOutcome`). */
export interface SendingCampaignOutcome {
  /** `sent`, `failed`, `skipped` or `unknown` (any other status is counted too). */
  status: string;
  /** Why it was skipped, when skipped. */
  reason?: string | undefined;
}

/**
 * A campaign being sent, as the live feed follows it: the `CampaignHandle` that `queue.sendCampaign()`
 * returns fits (described here by shape, so metrics need not load the queue).
 */
export interface SendingCampaign {
  /** The campaign id (must be the watched campaign's). */
  readonly campaignId: string;
  /** Its counts now. */
  progress(): SendingCampaignCounts;
  /** Subscribes to each finished message. */
  on(event: 'outcome', listener: (outcome: SendingCampaignOutcome) => void): unknown;
  /** Unsubscribes. */
  off(event: 'outcome', listener: (outcome: SendingCampaignOutcome) => void): unknown;
}

/** A campaign's send progress, in the live feed ({@link watchCampaign}). */
export interface SendProgress {
  /** Recipients read and queued, neither finished nor waiting for their time. */
  queued: number;
  /** Messages Meta accepted. */
  sent: number;
  /** Messages that failed. */
  failed: number;
  /** Messages with no answer (may have been sent). */
  unknown: number;
  /** Messages skipped. */
  skipped: number;
  /**
   * Skipped messages by reason (`suppressed`, `duplicate`, `no_consent`, `frequency_cap`, ...; any new
   * reason is counted under its own name), counted from when the watch began; the skips before that are
   * under `earlier`, so the counts always add up to `skipped`.
   */
  skippedByReason: Record<string, number>;
  /** Messages waiting for their time (send window, budget, a 131049 deferral). */
  waiting: number;
  /** While some wait: the latest time one of them is due. */
  waitingUntil: Date | undefined;
  /** Messages still to finish (of the total when the campaign knows it). */
  remaining: number;
  /** Finished messages per second since the campaign started. */
  ratePerSecond: number;
  /** Estimated milliseconds to finish, when known. */
  etaMs: number | undefined;
  /** Whether every message finished. */
  done: boolean;
}

/** Why a skip counted before the watch began is filed under this reason. */
const EARLIER = 'earlier';
/** A skip with no reason given. */
const NO_REASON = 'other';

/**
 * Follows one sending campaign: counts its skips by reason from its `outcome` events and reads the rest
 * from its `progress()` on demand (internal to the live feed).
 *
 * @internal
 */
export class SendProgressTracker {
  readonly #campaign: SendingCampaign;
  readonly #reasons = new Map<string, number>();
  readonly #skippedBefore: number;
  readonly #onOutcome = (outcome: SendingCampaignOutcome): void => {
    if (outcome.status !== 'skipped') return;
    const reason = outcome.reason ?? NO_REASON;
    this.#reasons.set(reason, (this.#reasons.get(reason) ?? 0) + 1);
  };

  /** Starts counting `campaign`'s outcomes; call {@link SendProgressTracker.close} when done. */
  constructor(campaign: SendingCampaign) {
    this.#campaign = campaign;
    this.#skippedBefore = campaign.progress().skipped;
    campaign.on('outcome', this.#onOutcome);
  }

  /** The progress now. */
  progress(): SendProgress {
    const p = this.#campaign.progress();
    const finished = p.sent + p.failed + p.skipped + p.unknown;
    const skippedByReason: Record<string, number> = {};
    if (this.#skippedBefore > 0) skippedByReason[EARLIER] = this.#skippedBefore;
    for (const reason of [...this.#reasons.keys()].sort()) {
      skippedByReason[reason] = (skippedByReason[reason] ?? 0) + this.#reasons.get(reason)!;
    }
    return {
      queued: Math.max(0, p.read - finished - p.waiting),
      sent: p.sent,
      failed: p.failed,
      unknown: p.unknown,
      skipped: p.skipped,
      skippedByReason,
      waiting: p.waiting,
      waitingUntil: p.waitingUntil,
      remaining: p.remaining,
      ratePerSecond: p.ratePerSecond,
      etaMs: p.etaMs,
      done: p.done,
    };
  }

  /** Stops counting. */
  close(): void {
    this.#campaign.off('outcome', this.#onOutcome);
  }
}
