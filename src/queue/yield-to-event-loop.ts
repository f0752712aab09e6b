/**
 * Resolves on a later turn of the event loop (`setImmediate`, else a zero timer), after pending I/O
 * and timers: a long run of promise continuations that awaits it now and then lets responses and
 * timers in, instead of holding the loop until it ends.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
