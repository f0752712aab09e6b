import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { CsvError, parse } from 'csv-parse/sync';

/** One record of a CSV file: its fields, or why it could not be parsed. Lines are 1-based. */
export type CsvRecord = { line: number; fields: string[] } | { line: number; error: string };

/** A quoted field may span lines, but not more than this many (a stray quote must not eat the file). */
const MAX_RECORD_LINES = 100;

/** Why a record failed, in words that do not cite csv-parse's line numbers (relative to the record). */
function describeCsvError(error: CsvError): string {
  switch (error.code) {
    case 'INVALID_OPENING_QUOTE':
      return 'malformed CSV: a quote inside an unquoted field';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'malformed CSV: text after the closing quote of a field';
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'malformed CSV: a quoted field is never closed';
    default:
      return `malformed CSV: ${error.message.replace(/\s*at line \d+/g, '')}`;
  }
}

/** What csv-parse's `trim` removes around a field. */
const TRIMMED = /^[ \t\f\r\n]+|[ \t\f\r\n]+$/g;

function parseRecord(text: string): { fields: string[] } | { error: string } | undefined {
  // Without a quote a record is just its commas (RFC 4180); csv-parse is for the quoted ones.
  if (!text.includes('"')) return { fields: text.split(',').map((field) => field.replace(TRIMMED, '')) };
  try {
    const [fields] = parse(text, { trim: true, relax_column_count: true }) as string[][];
    return fields ? { fields } : undefined;
  } catch (error) {
    if (error instanceof CsvError) return { error: describeCsvError(error) };
    throw error;
  }
}

function quotesBalanced(text: string): boolean {
  let quotes = 0;
  for (const char of text) if (char === '"') quotes++;
  return quotes % 2 === 0;
}

/**
 * Streams the records of a CSV file (RFC 4180, with quoted fields that may span lines) so that one
 * malformed record costs only its own line: csv-parse parses each record, and when one fails (a
 * stray quote, a quote never closed) its first line is reported as an error record and reading goes
 * on with the next line. Empty lines are skipped; a UTF-8 BOM is dropped. Memory stays flat.
 */
export async function* readCsvRecords(path: string): AsyncGenerator<CsvRecord> {
  const pending: Array<{ text: string; line: number }> = [];

  function* drain(final: boolean): Generator<CsvRecord> {
    while (pending.length > 0) {
      const first = pending[0] as { text: string; line: number };
      let text = '';
      let end = -1;
      for (let i = 0; i < pending.length && i < MAX_RECORD_LINES; i++) {
        text = i === 0 ? first.text : `${text}\n${(pending[i] as { text: string }).text}`;
        if (quotesBalanced(text)) {
          end = i;
          break;
        }
      }
      if (end === -1 && !final && pending.length < MAX_RECORD_LINES) return;
      const parsed =
        end === -1 ? { error: 'malformed CSV: a quoted field is never closed' } : parseRecord(text);
      if (parsed && 'error' in parsed) {
        // Only the first line is given up: the lines after it are read again on their own.
        pending.shift();
        yield { line: first.line, error: parsed.error };
        continue;
      }
      pending.splice(0, end + 1);
      if (parsed) yield { line: first.line, fields: parsed.fields };
    }
  }

  let line = 0;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of lines) {
    line++;
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (pending.length === 0 && text.trim() === '') continue;
    pending.push({ text, line });
    yield* drain(false);
  }
  yield* drain(true);
}
