import { ConfigError } from '../../errors/index.js';
import {
  checkFrequencyCap,
  type FrequencyCap,
  type FrequencyCapLedger,
  MemoryFrequencyCapLedger,
} from './frequency-cap.js';
import { checkMessagingLimit, type MessagingLimit } from './messaging-limit.js';
import { MemoryPortfolioBudget, type PortfolioBudget } from './portfolio-budget.js';
import { SendWindow, type SendWindowOptions } from './send-window.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The campaign-governance options of `new SendQueue()` (see docs/governance.md). */
export interface GovernanceOptions {
  /**
   * Send marketing messages only to recipients whose latest consent signal for `marketing` is an
   * `opt_in` in the store (`consentStatus`); others end `skipped` with reason `no_consent`. Needs a
   * `store` that can `scan` (any `EventStore`).
   */
  requireConsent?: boolean;
  /** At most `max` marketing messages per recipient in any `perMs`; more end `skipped` (`frequency_cap`). */
  frequencyCap?: FrequencyCap;
  /**
   * Where the cap is counted (default: in this process). Give every queue the same
   * `RedisFrequencyCapLedger` to hold the cap across processes and campaigns.
   */
  frequencyCapLedger?: FrequencyCapLedger;
  /**
   * Hours of the recipient's day when marketing and utility messages may be sent; outside them a send
   * waits (it is not skipped). Authentication and service messages are never held.
   */
  sendWindow?: SendWindowOptions;
  /**
   * How many times a send refused with 131049 (Meta's per-user marketing limit) is rescheduled, each
   * `deferralDelayMs` later, before it ends `failed` (default 3; 0 turns rescheduling off). Numbers in the
   * EEA, the UK, Japan and South Korea, where Meta does not apply the limit, are never rescheduled.
   */
  maxDeferrals?: number;
  /** Wait before a 131049 send is tried again (default and Meta's advice: 24 hours). */
  deferralDelayMs?: number;
  /**
   * Skip marketing messages to US numbers (reason `region`): Meta has not delivered marketing templates
   * to them since April 2025 (refused sends are not charged, but count against quality and limits).
   * Default `false` for now.
   */
  skipUsMarketing?: boolean;
  /**
   * The portfolio's messaging limit (a tier, or unique users per moving 24 h): business-initiated
   * messages (templates, unless enqueued with `category: 'service'`) reach at most that many unique
   * users in any 24 h; over it a send waits for budget. Counted in this queue only: to share one
   * budget across numbers or processes, give each queue the same `portfolioBudget` instead.
   */
  messagingLimit?: MessagingLimit;
  /**
   * The portfolio's messaging-limit budget, shared by every queue of the portfolio
   * (`MemoryPortfolioBudget` in one process, `RedisPortfolioBudget` across processes).
   */
  portfolioBudget?: PortfolioBudget;
}

/** {@link GovernanceOptions} checked, with defaults applied. */
export interface GovernanceSettings {
  requireConsent: boolean;
  frequencyCap: FrequencyCap | undefined;
  frequencyCapLedger: FrequencyCapLedger;
  sendWindow: SendWindow | undefined;
  maxDeferrals: number;
  deferralDelayMs: number;
  skipUsMarketing: boolean;
  portfolioBudget: PortfolioBudget | undefined;
}

/** Option keys of {@link GovernanceOptions} (for the queue's unknown-key check). */
export const GOVERNANCE_OPTION_KEYS = [
  'requireConsent',
  'frequencyCap',
  'frequencyCapLedger',
  'sendWindow',
  'maxDeferrals',
  'deferralDelayMs',
  'skipUsMarketing',
  'messagingLimit',
  'portfolioBudget',
] as const;

/** Checks the governance options (throws `ConfigError` naming the option) and applies the defaults. */
export function resolveGovernance(options: GovernanceOptions, store: object | undefined): GovernanceSettings {
  const requireConsent = options.requireConsent ?? false;
  if (requireConsent && typeof (store as { scan?: unknown } | undefined)?.scan !== 'function') {
    throw new ConfigError('SendQueue option requireConsent needs a store that can scan (an EventStore)');
  }
  const ledger = options.frequencyCapLedger;
  if (
    ledger !== undefined &&
    (typeof ledger.tryReserve !== 'function' || typeof ledger.release !== 'function')
  )
    throw new ConfigError('SendQueue option frequencyCapLedger needs tryReserve() and release()');
  const budget = options.portfolioBudget;
  if (budget !== undefined && options.messagingLimit !== undefined)
    throw new ConfigError(
      'SendQueue options messagingLimit and portfolioBudget exclude each other: set the limit on the budget',
      {
        option: 'messagingLimit',
      },
    );
  if (budget !== undefined && (typeof budget.reserve !== 'function' || typeof budget.release !== 'function'))
    throw new ConfigError('SendQueue option portfolioBudget needs reserve() and release()', {
      option: 'portfolioBudget',
    });
  return {
    requireConsent,
    frequencyCap: options.frequencyCap === undefined ? undefined : checkFrequencyCap(options.frequencyCap),
    frequencyCapLedger: ledger ?? new MemoryFrequencyCapLedger(),
    sendWindow: options.sendWindow === undefined ? undefined : new SendWindow(options.sendWindow),
    maxDeferrals: options.maxDeferrals ?? 3,
    deferralDelayMs: options.deferralDelayMs ?? DAY_MS,
    skipUsMarketing: options.skipUsMarketing ?? false,
    portfolioBudget:
      budget ??
      (options.messagingLimit === undefined
        ? undefined
        : new MemoryPortfolioBudget({
            limit: checkMessagingLimit(options.messagingLimit, 'messagingLimit'),
          })),
  };
}
