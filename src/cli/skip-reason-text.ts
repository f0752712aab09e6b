import type { SendOutcome, SkipReason } from '../queue/index.js';

/** What each skip reason means to someone reading `wacloud send`'s output. */
const SKIP_REASON_TEXT: Readonly<Record<SkipReason, string>> = {
  region:
    'a marketing template to a US number (Meta delivers none since April 2025; pass --category if the template is not marketing)',
  suppressed: 'the recipient opted out or blocked (suppression list)',
  duplicate: 'the same recipient appears on an earlier row',
  closed: 'the send stopped before this row',
  no_consent: 'no marketing opt-in on record',
  frequency_cap: "the recipient's frequency cap is reached",
  erased: 'the recipient asked to be forgotten',
  rule: 'a send rule refused it',
  paused: 'the campaign is paused',
};

/** One skipped outcome, explained: its reason, what that means, and a rule's own detail. */
export function describeSkip(outcome: Pick<SendOutcome, 'reason' | 'detail'>): string {
  const reason = outcome.reason;
  if (reason === undefined) return 'skipped';
  const text = SKIP_REASON_TEXT[reason] ?? reason;
  return outcome.detail === undefined ? `${reason}: ${text}` : `${reason}: ${text} (${outcome.detail})`;
}

/** Skips counted by reason, as `region 2, suppressed 1` (most first), or '' when none. */
export function skipBreakdown(counts: ReadonlyMap<string, number>): string {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
}
