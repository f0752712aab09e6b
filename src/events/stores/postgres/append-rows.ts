import type { StoredEvent } from '../../stored-event.js';
import { type EventRowValues, toEventRow } from '../sql/event-row.js';
import { foldStatusRollups, type MessageRollup, statusRollupValues } from '../sql/status-rollup.js';
import { copyTextRow } from './copy-text.js';
import { eventKeyHash } from './event-key-hash.js';

/** The rows of an append, mapped a chunk at a time; repeats of a key within the append are left out. */
export class AppendRows {
  readonly keys: string[] = [];
  readonly #seen = new Set<string>();
  readonly #rollups = new Map<string, MessageRollup>();
  readonly #events: readonly StoredEvent[];
  #mapped = 0;

  constructor(events: readonly StoredEvent[]) {
    this.#events = events;
  }

  get hasStatuses(): boolean {
    return this.#rollups.size > 0;
  }

  /**
   * Maps the next `count` events, calling `emit` with each row whose key is new to this append and its
   * input position.
   */
  next(count: number, emit: (ord: number, row: EventRowValues) => void): void {
    const end = Math.min(this.#events.length, this.#mapped + count);
    const mapped: EventRowValues[] = [];
    for (let ord = this.#mapped; ord < end; ord++) {
      const row = toEventRow(this.#events[ord] as StoredEvent);
      const key = row[0] as string;
      this.keys.push(key);
      mapped.push(row);
      if (this.#seen.has(key)) continue;
      this.#seen.add(key);
      emit(ord, row);
    }
    this.#mapped = end;
    foldStatusRollups(mapped, this.#rollups);
  }

  /** Whether every event was mapped. */
  get done(): boolean {
    return this.#mapped >= this.#events.length;
  }

  /** The status rollups of the rows mapped so far, as one JSON array. */
  rollups(): string {
    return JSON.stringify(
      [...this.#rollups].map(([messageId, rollup]) => statusRollupValues(messageId, rollup)),
    );
  }
}

/**
 * The next `count` events of `rows` as COPY text for the staging table (rows whose key is new to the
 * append, each line ended), or `''` when none of them is.
 */
export function nextCopyText(rows: AppendRows, count: number): string {
  const lines: string[] = [];
  rows.next(count, (ord, row) => lines.push(copyTextRow(ord, eventKeyHash(row[0] as string), row)));
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
