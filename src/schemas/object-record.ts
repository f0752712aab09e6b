import { z } from 'zod';

/**
 * A record schema (string keys, `value` values) that accepts any non-array object, not only a plain
 * `{}` literal. zod's own `z.record` rejects objects whose prototype chain is not plain, and
 * `process.env` is one of them, so `{ env: process.env }` failed with "expected record". The input's
 * own enumerable string keys are copied into a plain object first; the copy is then checked as usual.
 */
export function objectRecord<V extends z.ZodType>(value: V, params?: Parameters<typeof z.record>[2]) {
  return z.preprocess(
    (input) => (typeof input === 'object' && input !== null && !Array.isArray(input) ? { ...input } : input),
    z.record(z.string(), value, params),
  );
}
