import type { RecipientData } from '../events/recipient-export.js';
import type { StoredEvent } from '../events/stored-event.js';
import { csvCell } from './csv-cell.js';

/** Fields with a column of their own; every other field goes into `details` as JSON. */
const COLUMNS = [
  'kind',
  'at',
  'recipientId',
  'messageId',
  'campaignId',
  'category',
  'source',
  'status',
  'text',
] as const;

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  return csvCell(typeof value === 'string' ? value : JSON.stringify(value));
}

function row(event: StoredEvent): string {
  const fields = event as unknown as Record<string, unknown>;
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && !(COLUMNS as readonly string[]).includes(key)) details[key] = value;
  }
  const cells = COLUMNS.map((column) => cell(fields[column]));
  cells.push(Object.keys(details).length > 0 ? cell(JSON.stringify(details)) : '');
  return cells.join(',');
}

/**
 * A data-subject export as CSV (RFC 4180, spreadsheet-safe cells): one row per stored event, oldest
 * first, with the consent events (`opt_in`, `opt_out`, `block`: category, source, agreed text) among
 * them; fields without a column of their own are in `details` as JSON. Hand-written on the CLI's
 * `csvCell` escaping rather than a CSV library: the package depends only on csv-parse, which reads.
 */
export function recipientDataToCsv(data: RecipientData): string {
  const lines = [[...COLUMNS, 'details'].join(',')];
  for (const event of data.events) lines.push(row(event));
  return `${lines.join('\r\n')}\r\n`;
}
