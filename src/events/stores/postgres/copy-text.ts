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
 * One event row as a COPY text-format line for the staging table: its input position `ord`, then the
 * values in `EVENT_COLUMNS` order (`at` stays epoch milliseconds, the staging column is a bigint).
 */
export function copyTextLine(ord: number, row: EventRowValues): string {
  let line = String(ord);
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    if (value === null || value === undefined) line += '\t\\N';
    else if (typeof value === 'boolean') line += value ? '\tt' : '\tf';
    else if (typeof value === 'number') line += `\t${value}`;
    else line += `\t${escapeCopyText(value)}`;
  }
  return `${line}\n`;
}
