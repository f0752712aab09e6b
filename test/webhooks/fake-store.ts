import { eventKey } from '../../src/events/event-key.js';
import type { EventFilter, EventStore } from '../../src/events/event-store.js';
import type { StoredEvent } from '../../src/events/stored-event.js';

/** A minimal in-memory EventStore for tests; `withAppendNew: false` leaves out the optional method. */
export function fakeStore(options: { withAppendNew?: boolean; failing?: boolean } = {}): EventStore & {
  events: StoredEvent[];
} {
  const events: StoredEvent[] = [];
  const keys = new Set<string>();
  const add = (batch: StoredEvent[]): StoredEvent[] => {
    if (options.failing) throw new Error('disk full');
    const added: StoredEvent[] = [];
    for (const e of batch) {
      const key = eventKey(e);
      if (keys.has(key)) continue;
      keys.add(key);
      events.push(e);
      added.push(e);
    }
    return added;
  };
  const store: EventStore & { events: StoredEvent[] } = {
    events,
    async append(batch) {
      add(batch);
    },
    async *scan(_filter: EventFilter) {
      yield* events;
    },
  };
  if (options.withAppendNew !== false) store.appendNew = async (batch) => add(batch);
  return store;
}
