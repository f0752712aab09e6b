import { ConfigError } from '../../errors/index.js';
import type { QueueAdapter } from '../adapter.js';
import {
  checkFrequencyCap,
  type FrequencyCap,
  type FrequencyCapLedger,
  MemoryFrequencyCapLedger,
} from './frequency-cap.js';
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
   * The sending number as Meta displays it (e.g. `+90 532 123 45 67`), to tell which
   * `phone_number_quality_update` webhooks given to `queue.observe()` are about this queue's number (they
   * name no phone number id). Without it, every such webhook applies to this queue.
   */
  displayPhoneNumber?: string;
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
  displayPhoneNumber: string | undefined;
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
  'displayPhoneNumber',
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
  return {
    requireConsent,
    frequencyCap: options.frequencyCap === undefined ? undefined : checkFrequencyCap(options.frequencyCap),
    frequencyCapLedger: ledger ?? adapter?.sharedFrequencyCapLedger?.() ?? new MemoryFrequencyCapLedger(),
    sendWindow: options.sendWindow === undefined ? undefined : new SendWindow(options.sendWindow),
    maxDeferrals: options.maxDeferrals ?? 3,
    deferralDelayMs: options.deferralDelayMs ?? DAY_MS,
    skipUsMarketing: options.skipUsMarketing ?? true,
    displayPhoneNumber: options.displayPhoneNumber,
  };
}
