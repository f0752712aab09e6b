import type { EventFilter, EventStore } from '../events/event-store.js';
import type { StoredEvent } from '../events/stored-event.js';
import { assertKnownOptions, invalidOption, optionKeys } from '../schemas/validate-options.js';

/** The line formats of {@link exportEvents}. */
export type EventExportFormat = 'ndjson' | 'csv';

/** Options of {@link exportEvents}. */
export interface ExportEventsOptions {
  /** `'ndjson'`: one JSON object per line; `'csv'`: RFC 4180 with a header line (see {@link EVENT_EXPORT_CSV_COLUMNS}). */
  format: EventExportFormat;
  /** Only events at or after this instant. */
  from?: Date;
  /** Only events before this instant. */
  to?: Date;
}

/** The export formats, for option and flag checks. */
export const EVENT_EXPORT_FORMATS: readonly EventExportFormat[] = ['ndjson', 'csv'];

/**
 * The columns of a CSV export, in order. `at` is ISO 8601 UTC; `pricing` is flattened into its three
 * columns; every other field of an event (metadata, identity fields, …) goes into `details` as JSON.
 */
export const EVENT_EXPORT_CSV_COLUMNS = [
  'kind',
  'at',
  'messageId',
  'recipientId',
  'campaignId',
  'variant',
  'segment',
  'status',
  'errorCode',
  'contextMessageId',
  'buttonPayload',
  'text',
  'value',
  'currency',
  'pricingCategory',
  'pricingType',
  'pricingBillable',
  'details',
] as const;

const OWNER = 'exportEvents';
const OPTION_KEYS = optionKeys<ExportEventsOptions>()({ format: true, from: true, to: true });
const FIELD_COLUMNS = new Set<string>(EVENT_EXPORT_CSV_COLUMNS.slice(0, 14));

/** One RFC 4180 field, exact (no spreadsheet formula guard: the export is for loading, not for opening). */
function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text =
    value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(event: StoredEvent): string {
  const fields = event as unknown as Record<string, unknown>;
  const pricing = (fields.pricing ?? {}) as Record<string, unknown>;
  let details: Record<string, unknown> | undefined;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined || FIELD_COLUMNS.has(key) || key === 'pricing') continue;
    details ??= {};
    details[key] = value;
  }
  const cells: string[] = [];
  for (const column of EVENT_EXPORT_CSV_COLUMNS.slice(0, 14)) cells.push(csvField(fields[column]));
  cells.push(csvField(pricing.category), csvField(pricing.type), csvField(pricing.billable));
  cells.push(details === undefined ? '' : csvField(JSON.stringify(details)));
  return `${cells.join(',')}\r\n`;
}

function checkDate(option: 'from' | 'to', value: unknown): void {
  if (value !== undefined && (!(value instanceof Date) || Number.isNaN(value.getTime()))) {
    throw invalidOption(OWNER, option, 'must be a valid Date');
  }
}

/**
 * Streams a store's events in `[from, to)` as lines for loading into a warehouse: NDJSON (each event
 * as JSON, `at` in ISO 8601) or CSV (a header, then one row per event, CRLF line ends). Events come in
 * ascending time, read through the store's `scan`, so the SQL stores page through the table and memory
 * stays bounded however many events there are. A store wrapped in `hashRecipients` yields its
 * pseudonyms, so the export is pseudonymised too. Each yielded string is one line, line end included.
 *
 * @example
 * ```ts
 * import { createWriteStream } from 'node:fs';
 * import { Readable } from 'node:stream';
 * import { pipeline } from 'node:stream/promises';
 * await pipeline(
 *   Readable.from(exportEvents(store, { format: 'ndjson', from: new Date('2026-11-01'), to: new Date('2026-12-01') })),
 *   createWriteStream('events-2026-11.ndjson'),
 * );
 * ```
 */
export async function* exportEvents(store: EventStore, options: ExportEventsOptions): AsyncGenerator<string> {
  assertKnownOptions(OWNER, options, OPTION_KEYS);
  if (!EVENT_EXPORT_FORMATS.includes(options.format)) {
    throw invalidOption(OWNER, 'format', `must be one of ${EVENT_EXPORT_FORMATS.join(', ')}`);
  }
  checkDate('from', options.from);
  checkDate('to', options.to);
  const filter: EventFilter = {};
  if (options.from !== undefined) filter.from = options.from;
  if (options.to !== undefined) filter.to = options.to;
  if (options.format === 'csv') {
    yield `${EVENT_EXPORT_CSV_COLUMNS.join(',')}\r\n`;
    for await (const event of store.scan(filter)) yield csvLine(event);
  } else {
    for await (const event of store.scan(filter)) yield `${JSON.stringify(event)}\n`;
  }
}
