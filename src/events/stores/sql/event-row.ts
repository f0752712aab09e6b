import { ValidationError } from '../../../errors/index.js';
import { eventKey } from '../../event-key.js';
import { normalizeRecipientId } from '../../recipient-id.js';
import { toStorableValue } from '../../storable-text.js';
import type { StoredEvent } from '../../stored-event.js';

/** The SQL type family of a typed column; each dialect maps it to its own type. */
type ColumnType = 'text' | 'integer' | 'real' | 'boolean';

/** A top-level event field that gets its own typed column. */
interface FieldColumn {
  readonly column: string;
  readonly field: string;
  readonly type: ColumnType;
}

/** Fields metrics and filters query on. Everything else goes into the JSON `extra` column. */
const FIELD_COLUMNS: readonly FieldColumn[] = [
  { column: 'message_id', field: 'messageId', type: 'text' },
  { column: 'recipient_id', field: 'recipientId', type: 'text' },
  { column: 'campaign_id', field: 'campaignId', type: 'text' },
  { column: 'variant', field: 'variant', type: 'text' },
  { column: 'segment', field: 'segment', type: 'text' },
  { column: 'status', field: 'status', type: 'text' },
  { column: 'error_code', field: 'errorCode', type: 'integer' },
  { column: 'context_message_id', field: 'contextMessageId', type: 'text' },
  { column: 'button_payload', field: 'buttonPayload', type: 'text' },
  { column: 'message_text', field: 'text', type: 'text' },
  { column: 'conversion_value', field: 'value', type: 'real' },
  { column: 'currency', field: 'currency', type: 'text' },
];

/** The pricing sub-object's fields, stored as `pricing_<field>` columns. */
const PRICING_COLUMNS: readonly FieldColumn[] = [
  { column: 'pricing_category', field: 'category', type: 'text' },
  { column: 'pricing_type', field: 'type', type: 'text' },
  { column: 'pricing_billable', field: 'billable', type: 'boolean' },
];

const COLUMN_FIELDS = new Set(['kind', 'at', ...FIELD_COLUMNS.map((c) => c.field)]);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Every column an event is written to, in the order of {@link toEventRow}'s values: the identity key,
 * kind, time (epoch milliseconds), the normalized recipient (for matching), typed fields, then JSON.
 */
export const EVENT_COLUMNS: readonly string[] = [
  'event_key',
  'kind',
  'at',
  'recipient_key',
  ...FIELD_COLUMNS.map((c) => c.column),
  ...PRICING_COLUMNS.map((c) => c.column),
  'extra',
];

/** The SQL type family of every column of {@link EVENT_COLUMNS}, in the same order. */
export const EVENT_COLUMN_TYPES: readonly (ColumnType | 'at' | 'json')[] = [
  'text',
  'text',
  'at',
  'text',
  ...FIELD_COLUMNS.map((c) => c.type),
  ...PRICING_COLUMNS.map((c) => c.type),
  'json',
];

/** One event ready to insert: values in {@link EVENT_COLUMNS} order (`at` in epoch ms, booleans as booleans). */
export type EventRowValues = (string | number | boolean | null)[];

function fits(type: ColumnType, value: unknown): boolean {
  switch (type) {
    case 'text':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= INT32_MAX;
    case 'real':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
  }
}

/** The type of each pricing column by its field name. */
const PRICING_TYPES: ReadonlyMap<string, ColumnType> = new Map(PRICING_COLUMNS.map((c) => [c.field, c.type]));

/**
 * Pushes the pricing columns' values (what fits them) onto `row`; returns whether they alone rebuild
 * `pricing` exactly: it has a defined own field, and every one is a pricing column's field that fits it.
 * Plain loops: most statuses carry pricing, and this runs for each of them on every append.
 */
function pushPricingColumns(row: EventRowValues, pricing: unknown): boolean {
  if (typeof pricing !== 'object' || pricing === null || Array.isArray(pricing)) {
    row.push(null, null, null);
    return false;
  }
  const source = pricing as Record<string, unknown>;
  for (const { field, type } of PRICING_COLUMNS) {
    const value = source[field];
    row.push(fits(type, value) ? (value as string | boolean) : null);
  }
  let defined = false;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined) continue;
    const type = PRICING_TYPES.get(key);
    if (type === undefined || !fits(type, value)) return false;
    defined = true;
  }
  return defined;
}

/**
 * Splits an event into column values. A field whose value does not fit its typed column (or any field
 * without one) is kept in the JSON `extra` column, so reading the row back gives the same event
 * (with its strings made storable by {@link toStorableValue}: NUL and lone surrogates become U+FFFD).
 * Throws {@link ValidationError} when `at` is not a valid Date.
 */
export function toEventRow(input: StoredEvent): EventRowValues {
  const event = toStorableValue(input);
  const at = event.at;
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new ValidationError(
      [{ path: 'at', message: `must be a valid Date (${event.kind} event)`, code: 'invalid_date' }],
      'stored event',
    );
  }
  const source = event as unknown as Record<string, unknown>;
  // Hot path of every append: plain loops, and no `extra` object unless a field needs it.
  let extra: Record<string, unknown> | undefined;
  for (const key in source) {
    const value = source[key];
    if (value !== undefined && !COLUMN_FIELDS.has(key) && key !== 'pricing') {
      extra ??= {};
      extra[key] = value;
    }
  }
  const recipientId = source.recipientId;
  const row: EventRowValues = [
    eventKey(event),
    event.kind,
    at.getTime(),
    typeof recipientId === 'string' ? normalizeRecipientId(recipientId) : null,
  ];
  for (const { field, type } of FIELD_COLUMNS) {
    const value = source[field];
    if (value === undefined || value === null) row.push(null);
    else if (fits(type, value)) row.push(value as string | number | boolean);
    else {
      row.push(null);
      extra ??= {};
      extra[field] = value;
    }
  }
  // Pricing columns always hold what fits them (metrics query them); `extra` keeps the object as well
  // when the columns alone would not give it back exactly.
  if (source.pricing === undefined) row.push(null, null, null);
  else if (!pushPricingColumns(row, source.pricing)) {
    extra ??= {};
    extra.pricing = source.pricing;
  }
  row.push(extra ? JSON.stringify(extra) : null);
  return row;
}

/** A row read back from either dialect (column name → value; `extra` raw JSON text or parsed object). */
export type StoredEventRow = Record<string, unknown>;

/**
 * Rebuilds the stored event from a row: typed columns that are null become absent fields, `at` a Date,
 * and the JSON `extra` fields are merged back.
 */
export function fromEventRow(row: StoredEventRow): StoredEvent {
  const event: Record<string, unknown> = { kind: row.kind, at: toDate(row.at) };
  for (const { column, field, type } of FIELD_COLUMNS) {
    const value = row[column];
    if (value !== null && value !== undefined) event[field] = readValue(type, value);
  }
  const pricing: Record<string, unknown> = {};
  for (const { column, field, type } of PRICING_COLUMNS) {
    const value = row[column];
    if (value !== null && value !== undefined) pricing[field] = readValue(type, value);
  }
  if (Object.keys(pricing).length > 0) event.pricing = pricing;
  const extra = row.extra;
  if (extra !== null && extra !== undefined) {
    Object.assign(event, typeof extra === 'string' ? JSON.parse(extra) : extra);
  }
  return event as unknown as StoredEvent;
}

/** Where the typed fields start in {@link EVENT_COLUMNS} (after event_key, kind, at, recipient_key). */
const FIELDS_AT = 4;
const PRICING_AT = FIELDS_AT + FIELD_COLUMNS.length;
const EXTRA_AT = PRICING_AT + PRICING_COLUMNS.length;

/**
 * {@link fromEventRow} for a row read as an array (pg `rowMode: 'array'`, which spares the driver an
 * object per row): `values[offset + i]` is the column {@link EVENT_COLUMNS}`[i]`. Gives the same event.
 */
export function fromEventValues(values: readonly unknown[], offset: number): StoredEvent {
  const event: Record<string, unknown> = { kind: values[offset + 1], at: toDate(values[offset + 2]) };
  for (let i = 0; i < FIELD_COLUMNS.length; i++) {
    const value = values[offset + FIELDS_AT + i];
    if (value !== null && value !== undefined) {
      const { field, type } = FIELD_COLUMNS[i]!;
      event[field] = readValue(type, value);
    }
  }
  // Most events have no pricing: no object for them.
  let pricing: Record<string, unknown> | undefined;
  for (let i = 0; i < PRICING_COLUMNS.length; i++) {
    const value = values[offset + PRICING_AT + i];
    if (value !== null && value !== undefined) {
      const { field, type } = PRICING_COLUMNS[i]!;
      pricing ??= {};
      pricing[field] = readValue(type, value);
    }
  }
  if (pricing !== undefined) event.pricing = pricing;
  const extra = values[offset + EXTRA_AT];
  if (extra !== null && extra !== undefined) {
    Object.assign(event, typeof extra === 'string' ? JSON.parse(extra) : extra);
  }
  return event as unknown as StoredEvent;
}

function readValue(type: ColumnType, value: unknown): unknown {
  if (type === 'boolean') return value === true || value === 1 || value === 1n;
  if (type === 'integer' || type === 'real') return Number(value);
  return value;
}

function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  return new Date(Number(value));
}
