/**
 * The idempotency keys one queue has taken (sent, in flight, or answered `unknown`). Bounded: past
 * `maxSize` keys the oldest are forgotten (a ring buffer, O(1) per key), so very old keys can be
 * sent again. For dedupe that outlives the process, use the BullMQ adapter (keys kept in Redis).
 */
export class IdempotencyKeys {
  readonly #claimedAt = new Map<string, number>();
  readonly #ring: Array<string | undefined>;
  #next = 0;

  /** @param maxSize most keys remembered. */
  constructor(maxSize: number) {
    this.#ring = new Array<string | undefined>(Math.max(1, maxSize));
  }

  /** Takes `key`; false when it is already taken. */
  claim(key: string): boolean {
    if (this.#claimedAt.has(key)) return false;
    const slot = this.#next % this.#ring.length;
    const evicted = this.#ring[slot];
    // Forget the oldest key only if that slot still holds its current claim.
    if (evicted !== undefined && this.#claimedAt.get(evicted) === this.#next - this.#ring.length) {
      this.#claimedAt.delete(evicted);
    }
    this.#ring[slot] = key;
    this.#claimedAt.set(key, this.#next++);
    return true;
  }

  /** Gives `key` back (the message failed or was never sent), so it may be enqueued again. */
  release(key: string): void {
    this.#claimedAt.delete(key);
  }
}
