/** U+FFFD REPLACEMENT CHARACTER: what a character no store can hold becomes. */
const REPLACEMENT = '\uFFFD';

/** A string with the ES2024 well-formedness methods (Node ≥ 20; not in this project's `lib`). */
type WellFormedString = string & { isWellFormed(): boolean; toWellFormed(): string };

/**
 * `text` as every event store can hold it, identically: each NUL character (U+0000, which PostgreSQL
 * `text`/`jsonb` refuse) and each lone UTF-16 surrogate (half of an emoji cut in two: PostgreSQL refuses
 * it, SQLite silently rewrites it) becomes U+FFFD. Any other string is returned unchanged (same value).
 */
export function toStorableText(text: string): string {
  const wellFormed = text as WellFormedString;
  const hasNul = text.includes('\0');
  if (!hasNul && wellFormed.isWellFormed()) return text;
  const fixed = wellFormed.toWellFormed();
  return hasNul ? fixed.replaceAll('\0', REPLACEMENT) : fixed;
}

/**
 * `value` with {@link toStorableText} applied to every string in it, object keys included, walking
 * plain objects and arrays (a `Date` or any other object is kept as is). Returns `value` itself when
 * nothing needed fixing, so the usual clean event costs no copy.
 */
export function toStorableValue<T>(value: T): T {
  if (typeof value === 'string') return toStorableText(value) as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const fixed = toStorableValue(item);
      if (fixed !== item) {
        copy ??= value.slice();
        copy[i] = fixed;
      }
    });
    return (copy ?? value) as T;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const fixedKey = toStorableText(key);
    const fixed = toStorableValue(item);
    if (fixed === item && fixedKey === key) continue;
    copy ??= { ...value };
    if (fixedKey !== key) delete copy[key];
    // Defined, not assigned: a key named `__proto__` must stay an own property.
    Object.defineProperty(copy, fixedKey, {
      value: fixed,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return (copy ?? value) as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
