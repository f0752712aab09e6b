import { UsageError } from './cli-io.js';
import { readCsvRecords } from './csv-records.js';

/** One usable row of a recipients CSV. */
export interface RecipientRow {
  /** The recipient's phone number as written in the file (normalized to `+digits`). */
  to: string;
  /** Every column of the row, by header name. */
  columns: Record<string, string>;
  /** 1-based line number in the file (for messages). */
  line: number;
}

/** A CSV row that cannot be sent, and why. */
export interface BadRow {
  /** 1-based line number in the file. */
  line: number;
  /** What is wrong with it. */
  reason: string;
}

/** Options of {@link readRecipientsCsv}. */
export interface ReadRecipientsOptions {
  /** Column holding the phone number (default: the first of `phone`, `to`, `wa_id`, `phone_number`, `recipient`, `number`). */
  phoneColumn?: string;
  /** Columns every row must fill (template parameters). */
  requiredColumns?: readonly string[];
  /** Called for each unusable row; reading goes on. */
  onBadRow(row: BadRow): void;
}

const PHONE_COLUMNS = ['phone', 'to', 'wa_id', 'phone_number', 'recipient', 'number', 'mobile'];

/** `+1 (650) 555-1234` → `+16505551234`; `null` when it is not 7–15 digits. */
export function normalizePhone(raw: string): string | null {
  const digits = raw.replace(/[\s\-().]/g, '').replace(/^\+/, '');
  return /^\d{7,15}$/.test(digits) ? `+${digits}` : null;
}

/** Why the header cannot be used, or `undefined` when it can. */
function checkHeader(
  header: string[],
  phoneColumn: string | undefined,
  required: readonly string[],
): { error: string } | { phone: string } {
  const phone = phoneColumn ?? PHONE_COLUMNS.find((c) => header.includes(c));
  if (!phone || !header.includes(phone)) {
    return {
      error: phoneColumn
        ? `the CSV has no column "${phoneColumn}" (columns: ${header.join(', ')})`
        : `the CSV needs a phone column named one of ${PHONE_COLUMNS.join(', ')} (or pass --phone-column)`,
    };
  }
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0)
    return { error: `the CSV has no column ${missing.map((c) => `"${c}"`).join(', ')}` };
  return { phone };
}

/**
 * Streams a recipients CSV (header row first), yielding usable rows one at a time so memory stays
 * flat for large files. Rows that are malformed CSV, have a bad phone number, missing required values
 * or the wrong number of fields are reported through `onBadRow` with their line number and skipped.
 * Throws `UsageError` when the header itself is unusable.
 */
export async function* readRecipientsCsv(
  path: string,
  options: ReadRecipientsOptions,
): AsyncGenerator<RecipientRow> {
  let header: string[] | undefined;
  let phone = '';
  const required = options.requiredColumns ?? [];
  for await (const record of readCsvRecords(path)) {
    const { line } = record;
    if (!header) {
      if ('error' in record)
        throw new UsageError(`the CSV header (line ${line}) is unusable: ${record.error}`);
      header = record.fields.map((h) => h.trim());
      const checked = checkHeader(header, options.phoneColumn, required);
      if ('error' in checked) throw new UsageError(checked.error);
      phone = checked.phone;
      continue;
    }
    if ('error' in record) {
      options.onBadRow({ line, reason: record.error });
      continue;
    }
    const fields = record.fields;
    if (fields.length !== header.length) {
      options.onBadRow({ line, reason: `expected ${header.length} fields, found ${fields.length}` });
      continue;
    }
    const columns: Record<string, string> = {};
    header.forEach((name, i) => {
      columns[name] = fields[i] ?? '';
    });
    const to = normalizePhone(columns[phone] ?? '');
    if (!to) {
      options.onBadRow({ line, reason: `"${columns[phone] ?? ''}" is not a phone number` });
      continue;
    }
    const empty = required.filter((c) => !columns[c]);
    if (empty.length > 0) {
      options.onBadRow({ line, reason: `empty ${empty.map((c) => `"${c}"`).join(', ')}` });
      continue;
    }
    yield { to, columns, line };
  }
  if (!header) throw new UsageError('the CSV is empty (it needs a header row)');
}
