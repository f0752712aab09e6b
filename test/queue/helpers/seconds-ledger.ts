/** One simulated second of a run: the requests made in it and the sendable work at its start. */
export interface SecondRecord {
  /** The second (epoch seconds, simulated). */
  second: number;
  /** Requests that left the queue in it (accepted or refused: each uses the number's throughput). */
  requests: number;
  /**
   * Sends the queue could have made at the second's start without waiting for anything but the
   * throughput limit (see {@link SecondsLedger}); `undefined` when no sample was taken in it.
   */
  sendableAtStart: number | undefined;
  /** How late in the second the sample was taken (simulated ms); 0 for a second a jump skipped into. */
  sampleLateMs: number | undefined;
}

/**
 * Per simulated second: the requests the queue made and how much work it was allowed to send at the
 * second's start. `sendableNow` is asked once per second, at the first moment the run notices the
 * second began (a request in it, or the caller's {@link SecondsLedger.tick}); the requests already made
 * in that second by then are added back, as they were sendable at its start.
 */
export class SecondsLedger {
  readonly #now: () => number;
  readonly #sendableNow: () => number;
  readonly #requests = new Map<number, number>();
  readonly #samples = new Map<number, { sendable: number; lateMs: number }>();

  /** @param now the simulated clock; @param sendableNow the queue's sendable work at this instant. */
  constructor(now: () => number, sendableNow: () => number) {
    this.#now = now;
    this.#sendableNow = sendableNow;
  }

  /** A request is leaving the queue now (it is already counted in flight). */
  request(): void {
    const second = Math.floor(this.#now() / 1000);
    this.#requests.set(second, (this.#requests.get(second) ?? 0) + 1);
    this.tick();
  }

  /** Samples the sendable work if this second has no sample yet. */
  tick(): void {
    const at = this.#now();
    const second = Math.floor(at / 1000);
    if (this.#samples.has(second)) return;
    this.#samples.set(second, {
      sendable: this.#sendableNow() + (this.#requests.get(second) ?? 0),
      lateMs: at - second * 1000,
    });
  }

  /**
   * The clock is about to jump to `at` because everything waits until then: a second the jump lands
   * inside had nothing sendable at its start. (A jump to a second's first millisecond is sampled after
   * the jump, as sends fall due at that instant.)
   */
  jumping(at: number): void {
    this.tick();
    const second = Math.floor(at / 1000);
    if (at % 1000 !== 0 && !this.#samples.has(second)) this.#samples.set(second, { sendable: 0, lateMs: 0 });
  }

  /** Every second with a request or a sample, in time order. */
  records(): SecondRecord[] {
    const seconds = new Set([...this.#requests.keys(), ...this.#samples.keys()]);
    return [...seconds]
      .sort((a, b) => a - b)
      .map((second) => {
        const sample = this.#samples.get(second);
        return {
          second,
          requests: this.#requests.get(second) ?? 0,
          sendableAtStart: sample?.sendable,
          sampleLateMs: sample?.lateMs,
        };
      });
  }
}

/** {@link throughputWhileSendable}'s answer. */
export interface ThroughputWhileSendable {
  /** Seconds that started with at least a full second's worth of sendable work. */
  seconds: number;
  /** Mean requests per such second, as a share of the limit. */
  meanShare: number;
  /** Median requests per such second. */
  median: number;
  /** Fewest requests in such a second. */
  min: number;
  /** The latest sample among those seconds (simulated ms into the second). */
  maxSampleLateMs: number;
  /** Requests in each of those seconds, in time order. */
  perSecond: number[];
}

/**
 * The queue's throughput while it had work it was allowed to send: over the seconds that started with
 * at least `limit` sends due, inside the window and with portfolio budget, the requests made.
 */
export function throughputWhileSendable(
  records: readonly SecondRecord[],
  limit: number,
): ThroughputWhileSendable {
  const busy = records.filter((r) => r.sendableAtStart !== undefined && r.sendableAtStart >= limit);
  const counts = busy.map((r) => r.requests).sort((a, b) => a - b);
  const total = counts.reduce((a, b) => a + b, 0);
  return {
    seconds: busy.length,
    meanShare: busy.length === 0 ? 0 : total / busy.length / limit,
    median: counts.length === 0 ? 0 : (counts[Math.floor(counts.length / 2)] as number),
    min: counts[0] ?? 0,
    maxSampleLateMs: Math.max(0, ...busy.map((r) => r.sampleLateMs ?? 0)),
    perSecond: busy.map((r) => r.requests),
  };
}
