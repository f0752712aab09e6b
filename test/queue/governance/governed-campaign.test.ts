import { describe, expect, it } from 'vitest';
import { runGovernedCampaign } from '../helpers/governed-campaign.js';

describe('a governed campaign through the simulator, on simulated time', () => {
  it('holds the portfolio tier, quiet hours and 131049 deferrals; every recipient ends once', async () => {
    const figures = await runGovernedCampaign({
      recipients: 1000,
      tier: 'TIER_250',
      limit: 250,
      marketingLimitRate: 0.03,
      messagesPerSecond: 1000,
      // Simulated time runs 20 times faster while sends are in flight and jumps over the waits.
      speed: 20,
      window: { start: '08:00', end: '22:00' },
    });
    expect(figures.outcomes).toEqual({ sent: 1000, failed: 0, skipped: 0, unknown: 0 });
    expect(figures.recipientsWithOneOutcome).toBe(1000);
    // Some users were held back by 131049 and reached on a retry a day later.
    expect(figures.deferred).toBeGreaterThan(0);
    expect(figures.refused).toEqual({ overTier: 0, marketingLimit: figures.deferred });
    expect(figures.maxUsersPer24h).toBe(250);
    expect(figures.sendsOutsideWindow).toBe(0);
    // 1,000 users at 250 a day: every day uses the whole budget, but the last full one, where only
    // the users held back by 131049 that day are left unreached.
    expect(figures.usersPerFullDay.length).toBeGreaterThanOrEqual(3);
    for (const users of figures.usersPerFullDay.slice(0, -1)) expect(users).toBe(250);
    expect(figures.usersPerFullDay.at(-1)).toBeGreaterThan(240);
  }, 120_000);
});
