import type { WebhookEvent } from '../webhooks/webhook-events.js';

/** Counters of a running `wacloud listen`, and the one-line summary printed from them. */
export class ListenStats {
  /** Events stored and dispatched (repeats excluded). */
  events = 0;
  /** POSTs answered 200. */
  accepted = 0;
  /** POSTs refused with 401 (missing or bad `X-Hub-Signature-256`). */
  rejectedSignatures = 0;
  /** POSTs answered 500 (the store failed: Meta retries them). */
  storeFailures = 0;
  /** Other refused requests (bad path, method, body). */
  otherRejected = 0;
  readonly #byStatus = new Map<string, number>();
  readonly #byType = new Map<string, number>();
  #lastEvents = 0;
  #lastAt: number;
  #lastTotal = 0;

  constructor(now = Date.now()) {
    this.#lastAt = now;
  }

  /** Counts one new event under its kind (`status.read`, `message`, `user_preferences`, ...). */
  countEvent(event: WebhookEvent): void {
    this.events++;
    // Keyed by the status or type itself: the kind's name is only built for the summary line.
    const counts = event.type === 'status' ? this.#byStatus : this.#byType;
    const key = event.type === 'status' ? event.status : event.type;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  /** Counts one answered POST by its HTTP status. */
  countAnswer(status: number): void {
    if (status === 200) this.accepted++;
    else if (status === 401) this.rejectedSignatures++;
    else if (status >= 500) this.storeFailures++;
    else this.otherRejected++;
  }

  /** Whether anything happened since the last {@link line}. */
  changed(): boolean {
    return this.#total() !== this.#lastTotal;
  }

  /** The summary line since the previous call: events/s, events by kind, refusals. */
  line(now = Date.now()): string {
    const seconds = Math.max((now - this.#lastAt) / 1000, 0.001);
    const rate = (this.events - this.#lastEvents) / seconds;
    this.#lastAt = now;
    this.#lastEvents = this.events;
    this.#lastTotal = this.#total();
    const kinds = [
      ...[...this.#byStatus].map(([status, n]): [string, number] => [`status.${status}`, n]),
      ...this.#byType,
    ]
      .sort((a, b) => b[1] - a[1])
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    return (
      `${rate.toFixed(0)} events/s · ${this.events} events${kinds ? ` (${kinds})` : ''} · ` +
      `${this.accepted} accepted · ${this.rejectedSignatures} rejected signatures · ` +
      `${this.storeFailures} store failures · ${this.otherRejected} other refused`
    );
  }

  #total(): number {
    return this.events + this.accepted + this.rejectedSignatures + this.storeFailures + this.otherRejected;
  }
}
