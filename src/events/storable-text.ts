/** U+FFFD REPLACEMENT CHARACTER: what a character no store can hold becomes. */
const REPLACEMENT = '\uFFFD';

/** A NUL or any UTF-16 surrogate (paired or not): a string without one needs no fixing. */
const SUSPECT = /[\0\uD800-\uDFFF]/;

/** True when `text` holds a NUL or any UTF-16 surrogate (the regex engine scans faster than a loop). */
function hasSuspectCode(text: string): boolean {
  return SUSPECT.test(text);
}

/** A string with the ES2024 well-formedness methods (Node ≥ 20; not in this project's `lib`). */
type WellFormedString = string & { isWellFormed(): boolean; toWellFormed(): string };

/**
 * `text` as every event store can hold it, identically: each NUL character (U+0000, which PostgreSQL
 * `text`/`jsonb` refuse) and each lone UTF-16 surrogate (half of an emoji cut in two: PostgreSQL refuses
 * it, SQLite silently rewrites it) becomes U+FFFD. Any other string is returned unchanged (same value).
 */
export function toStorableText(text: string): string {
  if (!hasSuspectCode(text)) return text;
  const wellFormed = text as WellFormedString;
  const hasNul = text.includes('\0');
  if (!hasNul && wellFormed.isWellFormed()) return text;
  const fixed = wellFormed.toWellFormed();
  return hasNul ? fixed.replaceAll('\0', REPLACEMENT) : fixed;
}

/**
 * `value` with {@link toStorableText} applied to every string in it, object keys included, walking
 * plain objects and arrays (a `Date` or any other object is kept as is). Returns `value` itself when
 * nothing needed fixing, so the usual clean event costs one read-only walk and no copy.
 */
export function toStorableValue<T>(value: T): T {
  return needsFixing(value) ? fixed(value) : value;
}

/** Field names of stored events: known clean, so the walk skips scanning them. */
const CLEAN_KEYS: ReadonlySet<string> = new Set([
  'kind',
  'messageId',
  'recipientId',
  'at',
  'status',
  'campaignId',
  'variant',
  'segment',
  'templateName',
  'phoneNumberId',
  'metadata',
  'errorCode',
  'pricing',
  'category',
  'type',
  'billable',
  'contextMessageId',
  'messageType',
  'text',
  'buttonPayload',
  'url',
  'source',
  'value',
  'currency',
  'idempotencyKey',
]);

/** The read-only walk: true when some string (or key) in `value` holds a NUL or a surrogate. */
function needsFixing(value: unknown): boolean {
  if (typeof value === 'string') return hasSuspectCode(value);
  if (typeof value !== 'object' || value === null || value instanceof Date) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (needsFixing(item)) return true;
    return false;
  }
  if (!isPlainObject(value)) return false;
  for (const key in value) {
    if (needsFixing(value[key]) || (!CLEAN_KEYS.has(key) && hasSuspectCode(key))) return true;
  }
  return false;
}

/** A copy of `value` with every string fixed; unchanged parts are shared, not copied. */
function fixed<T>(value: T): T {
  if (typeof value === 'string') return toStorableText(value) as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const fixedItem = fixed(item);
      if (fixedItem !== item) {
        copy ??= value.slice();
        copy[i] = fixedItem;
      }
    });
    return (copy ?? value) as T;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const fixedKey = toStorableText(key);
    const fixedItem = fixed(item);
    if (fixedItem === item && fixedKey === key) continue;
    copy ??= { ...value };
    if (fixedKey !== key) delete copy[key];
    // Defined, not assigned: a key named `__proto__` must stay an own property.
    Object.defineProperty(copy, fixedKey, {
      value: fixedItem,
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
