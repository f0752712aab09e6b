/**
 * Per-recipient spacing (Meta's pair rate limit): remembers when each recipient may next be sent
 * to. Entries are dropped once their time has passed, so memory holds only recipients sent to
 * within the last interval (or still backing off).
 */
export class PairLimiter {
  readonly #nextAllowed = new Map<string, number>();

  readonly #intervalMs: number;

  /** @param intervalMs minimum time between two dispatches to one recipient. */
  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** Milliseconds until `recipientId` may be sent to (0 when now). */
  waitMs(recipientId: string, now: number): number {
    const at = this.#nextAllowed.get(recipientId);
    if (at === undefined) return 0;
    if (at <= now) {
      this.#nextAllowed.delete(recipientId);
      return 0;
    }
    return at - now;
  }

  /** Records a dispatch to `recipientId` at `now`. */
  reserve(recipientId: string, now: number): void {
    this.#evictExpired(now);
    if (this.#intervalMs <= 0) return;
    this.#nextAllowed.delete(recipientId);
    this.#nextAllowed.set(recipientId, now + this.#intervalMs);
  }

  /**
   * Forgets the reservation of a request Meta refused (130429, 5xx...): a message that was not
   * accepted does not count towards the pair rate, so its retry need not wait the full interval.
   */
  unreserve(recipientId: string): void {
    this.#nextAllowed.delete(recipientId);
  }

  /** Holds `recipientId` until at least `until` (after a 131056 pair-rate error). */
  backoff(recipientId: string, until: number): void {
    const at = this.#nextAllowed.get(recipientId) ?? 0;
    if (until > at) this.#nextAllowed.set(recipientId, until);
  }

  /** Recipients currently remembered. */
  get size(): number {
    return this.#nextAllowed.size;
  }

  // Insertion order is roughly expiry order: drop a few expired entries from the front per call.
  #evictExpired(now: number): void {
    let budget = 4;
    for (const [recipient, at] of this.#nextAllowed) {
      if (at > now || budget-- === 0) break;
      this.#nextAllowed.delete(recipient);
    }
  }
}
