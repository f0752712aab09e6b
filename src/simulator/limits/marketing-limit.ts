import { Prng } from '../prng.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Meta's per-user marketing limit (131049) as the simulator plays it: a stable share `rate` of users
 * (drawn from the seed, per user) has had its fill of marketing today. Their marketing templates are
 * refused until 24 simulated hours after the first refusal; a retry from then on is delivered.
 */
export class MarketingLimit {
  readonly #rate: number;
  readonly #seed: number;
  /** User → when its first marketing template was refused. */
  readonly #refusedAt = new Map<string, number>();

  /** @param rate share of users capped; @param seed the simulator's seed. */
  constructor(rate: number, seed: number) {
    this.#rate = rate;
    this.#seed = seed;
  }

  /** Whether a marketing template to `waId` at `now` is refused with 131049. */
  refuses(waId: string, now: number): boolean {
    if (this.#rate <= 0) return false;
    const first = this.#refusedAt.get(waId);
    if (first !== undefined) {
      if (now - first < DAY_MS) return true;
      this.#refusedAt.delete(waId);
      return false;
    }
    if (!Prng.derive(this.#seed, `131049|${waId}`).chance(this.#rate)) return false;
    this.#refusedAt.set(waId, now);
    return true;
  }
}
