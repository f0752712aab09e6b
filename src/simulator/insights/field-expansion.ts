/** One requested field with its arguments: `analytics.start(1).end(2).country_codes(["US"])`. */
export interface ExpandedField {
  /** Field name, e.g. `pricing_analytics`. */
  name: string;
  /** Arguments by name: JSON arrays parsed, other values as strings. */
  args: Map<string, unknown>;
}

/**
 * Parses a Graph `fields` value into fields with their call-style arguments, splitting on commas
 * outside parentheses, brackets and braces. Returns `undefined` for a malformed expansion.
 */
export function parseFieldExpansions(fields: string): ExpandedField[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of fields) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    if (ch === ')' || ch === ']' || ch === '}') depth--;
    if (depth < 0) return undefined;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (depth !== 0) return undefined;
  parts.push(current);
  const out: ExpandedField[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    const match = /^([A-Za-z_]+)((?:\.[A-Za-z_]+\([^()]*\))*)$/.exec(part);
    if (!match) {
      // Nested selections such as `events{…}` are names only here.
      if (/^[A-Za-z_]+(\{[\s\S]*\})?$/.test(part)) {
        out.push({ name: part.replace(/\{[\s\S]*$/, ''), args: new Map() });
        continue;
      }
      return undefined;
    }
    const args = new Map<string, unknown>();
    for (const call of (match[2] ?? '').matchAll(/\.([A-Za-z_]+)\(([^()]*)\)/g)) {
      const value = call[2] as string;
      if (value.startsWith('[')) {
        try {
          args.set(call[1] as string, JSON.parse(value));
        } catch {
          return undefined;
        }
      } else args.set(call[1] as string, value);
    }
    out.push({ name: match[1] as string, args });
  }
  return out;
}
