import type { EventRowValues } from '../sql/event-row.js';

/*
 * PostgreSQL's COPY text format: one line per row, columns separated by tabs, `\N` for null, and in
 * every value a backslash, newline, carriage return and tab written as a backslash escape. NUL cannot
 * occur: `toEventRow` has already replaced it (and lone surrogates) with U+FFFD.
 */

const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` escaped for a COPY text-format field. */
export function escapeCopyText(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPES[c] as string) : text;
}

/**
 * One event row as a COPY text-format row for the staging table (without its line end): its input
 * position `ord`, its key hash (`keyHash`, 32 hex digits: nothing to escape), then the values in
 * `EVENT_COLUMNS` order (`at` stays epoch milliseconds, the staging column is a bigint). Joined from an
 * array: one flat string, not a chain of concatenations to collect.
 */
export function copyTextRow(ord: number, keyHash: string, row: EventRowValues): string {
  const fields: (string | number)[] = new Array(row.length + 2);
  fields[0] = ord;
  fields[1] = keyHash;
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    if (value === null || value === undefined) fields[i + 2] = '\\N';
    else if (typeof value === 'boolean') fields[i + 2] = value ? 't' : 'f';
    else if (typeof value === 'number') fields[i + 2] = value;
    else fields[i + 2] = escapeCopyText(value);
  }
  return fields.join('\t');
}
