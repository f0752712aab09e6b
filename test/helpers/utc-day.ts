const DAY_MS = 86_400_000;

/**
 * Noon (UTC) of the day before `now`. A simulated clock started here keeps a test's sends and Meta's
 * timestamps on one day (a fast clock started at the wall time crosses midnight late in the day), and
 * still in the past, where "sent at least N ms ago" holds.
 */
export function yesterdayNoonUtc(now = Date.now()): number {
  return Math.floor(now / DAY_MS) * DAY_MS - DAY_MS / 2;
}

/** The `YYYY-MM-DD` (UTC) of a time in ms. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * For a test whose days come from the wall clock on both sides (our sends and the spawned
 * simulator's): when the next UTC midnight is less than `marginMs` away, waits until just past it, so
 * the test cannot straddle two days.
 */
export async function awayFromUtcMidnight(marginMs = 30_000): Promise<void> {
  const untilMidnight = DAY_MS - (Date.now() % DAY_MS);
  if (untilMidnight >= marginMs) return;
  await new Promise((resolve) => setTimeout(resolve, untilMidnight + 1_000));
}
