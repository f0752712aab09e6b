/** A cell that is really a number (`-3`, `+1.5`, `2e-3`): left alone, spreadsheets read it as one. */
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 CSV field, safe to open in a spreadsheet: a text cell starting with `=`, `+`, `-`, `@`,
 * tab or carriage return is prefixed with `'` (OWASP's advice against formula injection) unless it is
 * really a number; fields with a quote, comma or line break are quoted, quotes doubled.
 */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) && !NUMBER.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
