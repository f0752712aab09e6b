import { ConfigError } from '../../errors/index.js';
import type { QueueAdapter } from '../adapter.js';
import {
  checkFrequencyCap,
  type FrequencyCap,
  type FrequencyCapLedger,
  MemoryFrequencyCapLedger,
} from './frequency-cap.js';
import { checkMessagingLimit, type MessagingLimit } from './messaging-limit.js';
import { MemoryPortfolioBudget, type PortfolioBudget } from './portfolio-budget.js';
import type { PreSendRule } from './pre-send-rules.js';
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
   * Where the cap is counted. Default: the adapter's shared ledger (the BullMQ adapter: Redis, on its
   * connection, so every worker and campaign holds one cap), else this process's memory. Give every
   * queue the same `RedisFrequencyCapLedger` to hold the cap across processes with other adapters.
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
   * Default `true`; `false` turns the rule off (e.g. if Meta resumes delivery).
   */
  skipUsMarketing?: boolean;
  /**
   * Your own pre-send rules, run in order when a message is enqueued, after the built-in ones (the US
   * rule, erasure, consent): the first to answer with a reason skips the send (`skipped`, reason
   * `rule`, the answer in `detail`). Any category; see {@link PreSendRule}.
   */
  rules?: readonly PreSendRule[];
  /**
   * The sending number as Meta displays it (e.g. `+90 532 123 45 67`), to tell which
   * `phone_number_quality_update` webhooks given to `queue.observe()` are about this queue's number (they
   * name no phone number id). Without it, every such webhook applies to this queue.
   */
  displayPhoneNumber?: string;
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
  rules: readonly PreSendRule[];
  displayPhoneNumber: string | undefined;
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
  'rules',
  'displayPhoneNumber',
  'messagingLimit',
  'portfolioBudget',
] as const;

/**
 * Checks the governance options (throws `ConfigError` naming the option) and applies the defaults;
 * the frequency-cap ledger defaults to the adapter's shared one.
 */
export function resolveGovernance(
  options: GovernanceOptions,
  store: object | undefined,
  adapter?: QueueAdapter,
): GovernanceSettings {
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
    frequencyCapLedger: ledger ?? adapter?.sharedFrequencyCapLedger?.() ?? new MemoryFrequencyCapLedger(),
    sendWindow: options.sendWindow === undefined ? undefined : new SendWindow(options.sendWindow),
    maxDeferrals: options.maxDeferrals ?? 3,
    deferralDelayMs: options.deferralDelayMs ?? DAY_MS,
    skipUsMarketing: options.skipUsMarketing ?? true,
    rules: checkRules(options.rules),
    displayPhoneNumber: options.displayPhoneNumber,
    portfolioBudget: budget ?? messagingLimitBudget(options.messagingLimit, adapter),
  };
}

// `messagingLimit` alone: a budget every process of the adapter shares when it offers one (BullMQ:
// Redis), else one counted in this process.
function messagingLimitBudget(
  messagingLimit: MessagingLimit | undefined,
  adapter: Pick<QueueAdapter, 'sharedPortfolioBudget'> | undefined,
): PortfolioBudget | undefined {
  if (messagingLimit === undefined) return undefined;
  const limit = checkMessagingLimit(messagingLimit, 'messagingLimit');
  return adapter?.sharedPortfolioBudget?.(limit) ?? new MemoryPortfolioBudget({ limit });
}

// A copy: rules pushed onto the caller's array later do not change a running queue.
function checkRules(rules: readonly PreSendRule[] | undefined): readonly PreSendRule[] {
  if (rules === undefined) return [];
  if (!Array.isArray(rules))
    throw new ConfigError('SendQueue option rules must be an array of functions', { option: 'rules' });
  for (const [index, rule] of rules.entries())
    if (typeof rule !== 'function')
      throw new ConfigError(`SendQueue option rules[${index}] must be a function`, {
        option: `rules.${index}`,
      });
  return Object.freeze([...rules]);
}
