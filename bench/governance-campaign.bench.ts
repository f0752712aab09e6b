/**
 * A governed campaign through the simulator on simulated time (issue 12's figure): 100,000 recipients
 * on a TIER_10K portfolio, 1,000 mps, 3% refused with 131049 on the first try, quiet hours 08:00–22:00
 * recipient-local. The queue and the simulator share one clock that runs `speed` times faster than
 * real time while sends are in flight (default 1: real time, so 1,000 mps is 1,000 real requests a
 * second) and jumps over the waits, so ~11 simulated days pass in the time the sends take. Prints one JSON line per figure:
 *  - max_users_per_24h: the most unique users the simulator accepted in any moving 24 h (must equal the tier);
 *  - sends_outside_window: accepted sends outside 08:00–22:00 recipient-local (must be 0);
 *  - recipients_one_final_state: recipients with exactly one final outcome (must equal the recipients);
 *  - budget_use_min: the lowest share of the tier used on a full simulated day, the last aside (≥ 0.97);
 *  - refused_over_tier: requests the simulator refused with 131048 (must be 0);
 *  - median_per_active_second: accepted sends per simulated second while sending (the 1,000 mps
 *    limit; the machine may be the bound), with the peak;
 *  - median_requests_per_active_second: requests (accepted, or refused with 131049) per simulated
 *    second while sending: the number's throughput in use;
 *  - deferred_131049, simulated_days, real_seconds: context.
 * `node --import tsx bench/governance-campaign.bench.ts [recipients] [speed]` (defaults 100000, 1).
 */
import { runGovernedCampaign } from '../test/queue/helpers/governed-campaign.js';

const recipients = Number(process.argv[2] ?? 100_000);
const speed = Number(process.argv[3] ?? 1);
const limit = 10_000;

const print = (figure: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
  console.log(
    JSON.stringify({
      bench: 'governance-campaign',
      figure,
      value: Math.round(value * 1000) / 1000,
      unit,
      recipients,
      speed,
      ...extra,
    }),
  );

const figures = await runGovernedCampaign({
  recipients,
  tier: 'TIER_10K',
  limit,
  marketingLimitRate: 0.03,
  messagesPerSecond: 1000,
  speed,
  window: { start: '08:00', end: '22:00' },
});
print('max_users_per_24h', figures.maxUsersPer24h, 'users', { limit });
print('sends_outside_window', figures.sendsOutsideWindow, 'sends');
print('recipients_one_final_state', figures.recipientsWithOneOutcome, 'recipients', {
  outcomes: figures.outcomes,
});
// The last full day has only what is left (the users 131049 held back that day retry the next).
const fullDays = figures.usersPerFullDay.slice(0, -1);
print('budget_use_min', fullDays.length === 0 ? 0 : Math.min(...fullDays) / limit, 'share of tier', {
  usersPerFullDay: figures.usersPerFullDay,
});
print('refused_over_tier', figures.refused.overTier, 'requests');
print('deferred_131049', figures.deferred, 'sends', { refused: figures.refused.marketingLimit });
print('median_per_active_second', figures.medianPerActiveSecond, 'sends per simulated second', {
  limit: 1000,
  peak: figures.peakPerSecond,
});
print(
  'median_requests_per_active_second',
  figures.medianRequestsPerActiveSecond,
  'requests per simulated second',
  {
    limit: 1000,
  },
);
print('simulated_days', figures.simulatedDays, 'days');
print('real_seconds', figures.realSeconds, 's');
