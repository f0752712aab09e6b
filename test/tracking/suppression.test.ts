import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import type { StoredEvent } from '../../src/events/stored-event.js';
import { MemoryEventStore } from '../../src/events/stores/memory.js';
import {
  StoreSuppressionList,
  suppressionFromEvents,
  suppressionSignal,
} from '../../src/tracking/store-suppression-list.js';
import { MemorySuppressionList } from '../../src/tracking/suppression.js';

const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1) + minutes * 60_000);

const SIGNALS: StoredEvent[] = [
  { kind: 'opt_out', recipientId: '+1 650 555 0001', at: at(1), source: 'user_preferences' },
  { kind: 'opt_in', recipientId: '16505550001', at: at(5), source: 'user_preferences' },
  {
    kind: 'status',
    messageId: 'm2',
    status: 'failed',
    at: at(2),
    recipientId: '16505550002',
    errorCode: 131050,
  },
  {
    kind: 'status',
    messageId: 'm3',
    status: 'failed',
    at: at(2),
    recipientId: '16505550003',
    errorCode: 131026,
  },
  { kind: 'block', recipientId: '16505550004', at: at(3), source: 'app' },
  { kind: 'opt_in', recipientId: '16505550005', at: at(1) },
  { kind: 'opt_out', recipientId: '16505550005', at: at(2) },
];

describe('MemorySuppressionList', () => {
  it('suppresses and lifts, matching formatted numbers', () => {
    const list = new MemorySuppressionList(['+44 7700 900001']);
    expect(list.isSuppressed('447700900001')).toBe(true);
    list.suppress('16505550000', 'block');
    expect(list.reason('+1 650-555-0000')).toBe('block');
    list.unsuppress('447700900001');
    expect(list.isSuppressed('447700900001')).toBe(false);
    expect(list.size).toBe(1);
  });
});

describe('suppressionFromEvents', () => {
  it('lets the latest signal win: opt-out, block and 131050 suppress, opt-in lifts', () => {
    const list = suppressionFromEvents([...SIGNALS].reverse());
    expect(
      ['16505550001', '16505550002', '16505550003', '16505550004', '16505550005'].map((id) =>
        list.isSuppressed(id),
      ),
    ).toEqual([false, true, false, true, true]);
    expect(list.reason('16505550002')).toBe('error_131050');
  });
});

describe('suppressionSignal for 131050', () => {
  it('a refused send (send_failed 131050) suppresses like a failed status; other codes say nothing', () => {
    const refused = (errorCode: number): StoredEvent => ({
      kind: 'send_failed',
      recipientId: '16505550006',
      at: at(1),
      errorCode,
    });
    expect(suppressionSignal(refused(131050))).toEqual({ suppressed: true, reason: 'error_131050' });
    expect(suppressionSignal(refused(131026))).toBeUndefined();
    expect(suppressionFromEvents([refused(131050)]).isSuppressed('16505550006')).toBe(true);
  });
});

describe('StoreSuppressionList', () => {
  it('suppress(id, "error_131050") writes no opt_out, suppresses at once, and a later opt_in lifts it', async () => {
    const store = new MemoryEventStore();
    let minute = 10;
    const list = new StoreSuppressionList({ store, now: () => at(minute++) });
    await list.suppress('+1 650 555 0007', 'error_131050');
    expect(store.size).toBe(0);
    expect(await list.status('16505550007')).toMatchObject({ suppressed: true, reason: 'error_131050' });
    await store.append([{ kind: 'opt_in', recipientId: '16505550007', at: at(20), source: 'app' }]);
    expect(await list.isSuppressed('16505550007')).toBe(false);
    // An older opt_in does not lift a newer refusal.
    await list.suppress('16505550008', 'error_131050');
    await store.append([{ kind: 'opt_in', recipientId: '16505550008', at: at(1), source: 'app' }]);
    expect(await list.isSuppressed('16505550008')).toBe(true);
  });

  it('reads the store, so signals recorded by the webhook handler suppress', async () => {
    const store = new MemoryEventStore();
    await store.append(SIGNALS);
    const list = new StoreSuppressionList({ store });
    const verdicts = await Promise.all(
      ['16505550001', '+1 650 555 0002', '16505550003', '16505550004', '16505550005', '19999999999'].map(
        (id) => list.isSuppressed(id),
      ),
    );
    expect(verdicts).toEqual([false, true, false, true, true, false]);
  });

  it('writes suppress and unsuppress as events, the latest winning', async () => {
    const store = new MemoryEventStore();
    let minute = 10;
    const list = new StoreSuppressionList({ store, now: () => at(minute++) });
    await list.suppress('16505550009');
    expect(await list.isSuppressed('16505550009')).toBe(true);
    await list.unsuppress('16505550009');
    expect(await list.isSuppressed('16505550009')).toBe(false);
    await list.suppress('16505550009', 'block');
    expect(await list.status('16505550009')).toMatchObject({ suppressed: true, reason: 'block' });
    const kinds: string[] = [];
    for await (const event of store.scan({ recipientIds: ['16505550009'] })) kinds.push(event.kind);
    expect(kinds).toEqual(['opt_out', 'opt_in', 'block']);
  });

  it('rejects unknown options', () => {
    expect(() => new StoreSuppressionList({ store: new MemoryEventStore(), ttl: 1 } as never)).toThrow(
      ConfigError,
    );
  });
});
