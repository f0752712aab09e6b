import { afterEach, describe, expect, it, vi } from 'vitest';
import { WakeQueue } from '../../../src/queue/governance/wake-queue.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('WakeQueue', () => {
  it('wakes items in time order, ties in insertion order', async () => {
    vi.useFakeTimers({ now: 0 });
    const woken: string[] = [];
    const queue = new WakeQueue<string>({ wake: (item) => woken.push(item) });
    queue.add('c', 300);
    queue.add('a', 100);
    queue.add('b1', 200);
    queue.add('b2', 200);
    expect(queue.size).toBe(4);
    expect(queue.nextAt).toBe(100);
    await vi.advanceTimersByTimeAsync(150);
    expect(woken).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(200);
    expect(woken).toEqual(['a', 'b1', 'b2', 'c']);
    expect(queue.size).toBe(0);
    expect(queue.nextAt).toBeUndefined();
  });

  it('holds one live timer however many items wait, added in any order', async () => {
    vi.useFakeTimers({ now: 0 });
    let woken = 0;
    const queue = new WakeQueue<number>({ wake: () => woken++ });
    for (let i = 0; i < 5_000; i++) queue.add(i, 1_000 + ((i * 7919) % 5_000));
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(vi.getTimerCount()).toBe(1);
    expect(woken).toBe(1_501);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(woken).toBe(5_000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drains every waiting item and stops its timer', () => {
    vi.useFakeTimers({ now: 0 });
    const queue = new WakeQueue<string>({ wake: () => {} });
    queue.add('x', 500);
    queue.add('y', 50);
    expect(queue.drain()).toEqual(['y', 'x']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('re-arms when the clock says the timer fired early (long waits are cut to the timer maximum)', async () => {
    vi.useFakeTimers({ now: 0 });
    let clock = 0;
    const woken: string[] = [];
    const queue = new WakeQueue<string>({ wake: (item) => woken.push(item), now: () => clock });
    queue.add('later', 1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(woken).toEqual([]);
    expect(vi.getTimerCount()).toBe(1);
    clock = 1000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(woken).toEqual(['later']);
  });
});
