import * as z from 'zod';
import { objectRecord } from '../../schemas/object-record.js';

/** Error text for a missing or wrongly typed value. */
function typeError(expected: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${expected}`);
}

/** Meta counts characters, not UTF-16 units: an emoji is one character. Fast path when short enough. */
function charCount(value: string, max: number): number {
  if (value.length <= max) return value.length;
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** Message used for every documented length limit. */
export function tooLong(max: number): string {
  return `must be at most ${max} characters (Cloud API limit)`;
}

/** A string of 1..max characters (or `min`..max). */
export function limitedString(max: number, min = 1) {
  const base = z.string({ error: typeError('a string') });
  const bounded =
    min > 0
      ? base.min(min, { error: min === 1 ? 'must not be empty' : `must be at least ${min} characters` })
      : base;
  return bounded.refine((value) => charCount(value, max) <= max, { error: tooLong(max) });
}

/** A non-empty string with no documented upper limit. */
export function nonEmptyString() {
  return z.string({ error: typeError('a string') }).min(1, { error: 'must not be empty' });
}

/** A string that may be empty. */
export function anyString() {
  return z.string({ error: typeError('a string') });
}

/** A boolean. */
export function bool() {
  return z.boolean({ error: typeError('a boolean') });
}

/** A finite number (or numeric string, as Meta's spec types coordinates) within [min, max]. */
export function numberInRange(min: number, max: number) {
  return z.union([z.number(), z.string()], { error: typeError('a number') }).refine(
    (value) => {
      const n = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
      return Number.isFinite(n) && n >= min && n <= max;
    },
    { error: `must be a number from ${min} to ${max}` },
  );
}

/** A literal value. */
export function literal<const T extends string>(value: T) {
  return z.literal(value, { error: typeError(`"${value}"`) });
}

/** One of a few string values. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: typeError(`one of: ${values.join(', ')}`) });
}

/** An object that keeps unknown keys (Meta adds fields; wacloud never strips them). */
export function looseObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.looseObject(shape, { error: typeError('an object') });
}

/** An array of min..max items, naming the item kind in the limit message. */
export function limitedArray<T extends z.ZodType>(item: T, min: number, max: number, noun: string) {
  return z
    .array(item, { error: typeError('an array') })
    .min(min, { error: `must have at least ${min} ${noun}` })
    .max(max, { error: `must have at most ${max} ${noun} (Cloud API limit)` });
}

/** An array with at least `min` items and no documented maximum. */
export function arrayOf<T extends z.ZodType>(item: T, min = 0, noun = 'items') {
  return z
    .array(item, { error: typeError('an array') })
    .min(min, { error: `must have at least ${min} ${noun}` });
}

/** Any JSON object (contents not checked). */
export function anyObject() {
  return objectRecord(z.unknown(), { error: typeError('an object') });
}

/** Reports the second and later occurrences of a repeated value, at `path`. */
export function reportDuplicates(
  ctx: z.core.$RefinementCtx,
  entries: ReadonlyArray<{ value: unknown; path: (string | number)[] }>,
  what: string,
): void {
  const seen = new Set<unknown>();
  for (const { value, path } of entries) {
    if (typeof value !== 'string') continue;
    if (seen.has(value))
      ctx.addIssue({ code: 'custom', message: `must be unique: ${what} "${value}" is repeated`, path });
    seen.add(value);
  }
}

/** Copies the issues of a nested parse into `ctx`, under `prefix`. */
export function reportNested(
  ctx: z.core.$RefinementCtx,
  result: z.ZodSafeParseResult<unknown>,
  prefix: (string | number)[],
): void {
  if (result.success) return;
  for (const issue of result.error.issues) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: [...prefix, ...issue.path] });
  }
}

/**
 * An array of objects each checked by the schema registered for its `type` (one lookup, one parse:
 * no union trial-and-error). Types missing from `schemas` go to `onUnknown`.
 */
export function listByType(
  schemas: Readonly<Record<string, z.ZodType>>,
  onUnknown?: (type: string, ctx: z.core.$RefinementCtx, index: number) => void,
  min = 0,
  noun = 'items',
) {
  return arrayOf(z.unknown(), min, noun).superRefine((items, ctx) => {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        ctx.addIssue({ code: 'custom', message: 'must be an object', path: [i] });
        continue;
      }
      const type = (item as { type?: unknown }).type;
      if (typeof type !== 'string' || type === '') {
        ctx.addIssue({
          code: 'custom',
          message: type === undefined ? 'is required' : 'must be a string',
          path: [i, 'type'],
        });
        continue;
      }
      const schema = Object.hasOwn(schemas, type) ? schemas[type] : undefined;
      if (schema) reportNested(ctx, schema.safeParse(item), [i]);
      else onUnknown?.(type, ctx, i);
    }
  });
}
