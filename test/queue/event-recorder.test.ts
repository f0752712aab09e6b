import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { EventRecorder } from '../../src/queue/event-recorder.js';
import { EventRecordError } from '../../src/queue/index.js';

const outbound = (i: number): StoredEvent => ({
  kind: 'outbound',
  messageId: `wamid.${i}`,
  recipientId: `1555000${i}`,
  at: new Date(i),
});

/** A sink whose first `failures` appends throw; it keeps what the others wrote. */
function flakySink(failures: number) {
  const written: StoredEvent[] = [];
  let calls = 0;
  return {
    written,
    calls: () => calls,
    async append(events: StoredEvent[]) {
      calls++;
      if (calls <= failures) throw new Error(`database unavailable (${calls})`);
      written.push(...events);
    },
  };
}

describe('EventRecorder', () => {
  it('retries a failed append until the store takes the batch, losing nothing', async () => {
    const sink = flakySink(3);
    const errors: unknown[] = [];
    const recorder = new EventRecorder({
      sink,
      batchSize: 2,
      retryDelayMs: 1,
      onError: (e) => errors.push(e),
    });
    for (let i = 0; i < 5; i++) recorder.record(outbound(i));
    await recorder.flush();
    expect(errors).toEqual([]);
    expect(sink.written.map((e) => (e as { messageId: string }).messageId)).toEqual([
      'wamid.0',
      'wamid.1',
      'wamid.2',
      'wamid.3',
      'wamid.4',
    ]);
    expect(sink.calls()).toBe(6); // 3 failures, then the three batches
  });

  it('hands a batch that still fails to onError as an EventRecordError carrying its events', async () => {
    const sink = flakySink(Number.POSITIVE_INFINITY);
    const errors: EventRecordError[] = [];
    const recorder = new EventRecorder({
      sink,
      batchSize: 10,
      maxAttempts: 3,
      retryDelayMs: 1,
      onError: (e) => errors.push(e),
    });
    recorder.record(outbound(1));
    recorder.record(outbound(2));
    await recorder.flush();
    expect(sink.calls()).toBe(3);
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error).toBeInstanceOf(EventRecordError);
    expect(error?.attempts).toBe(3);
    expect(error?.events).toEqual([outbound(1), outbound(2)]);
    expect(error?.message).toMatch(/2 send event\(s\).*3 attempt\(s\): database unavailable \(3\)/);
    expect(error?.toJSON()).toMatchObject({ name: 'EventRecordError', attempts: 3, events: 2 });
  });
});
