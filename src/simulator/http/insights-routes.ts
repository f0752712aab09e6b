import type { SimulatorEngine } from '../engine.js';
import { missingParameterError, SimulatedGraphError, unknownObjectError } from '../graph-error.js';
import { messagingDataPoints, pricingDataPoints, templateDataPoints } from '../insights/aggregate.js';
import { type ExpandedField, parseFieldExpansions } from '../insights/field-expansion.js';
import type { MessageFacts } from '../insights/ledger.js';
import { ok, type RequestContext, type RouteResult } from './context.js';
import { getBusinessAccount } from './phone-routes.js';

const DEFAULT_LIMIT = 100;
const TEMPLATE_METRICS = ['SENT', 'DELIVERED', 'READ', 'CLICKED', 'COST'];
const encodeCursor = (offset: number) => Buffer.from(String(offset)).toString('base64url');
const decodeCursor = (cursor: string) => Number(Buffer.from(cursor, 'base64url').toString('utf8')) || 0;

/**
 * One page of `all` from the `after` cursor, with Graph's `paging` (`cursors`, and `next` carrying the
 * query, the token and `limit` while more remain) for `path` under the version.
 */
function offsetPage<T>(
  ctx: RequestContext,
  path: string,
  all: readonly T[],
  limit: number,
): { page: T[]; offset: number; paging: Record<string, unknown> } {
  const after = ctx.query.get('after');
  const offset = after ? decodeCursor(after) : 0;
  const page = all.slice(offset, offset + limit);
  const paging: Record<string, unknown> = {
    cursors: { before: encodeCursor(offset), after: encodeCursor(offset + page.length) },
  };
  if (offset + page.length < all.length) {
    const params = new URLSearchParams(ctx.query);
    params.set('access_token', ctx.token);
    params.set('limit', String(limit));
    params.set('after', encodeCursor(offset + page.length));
    paging.next = `${ctx.baseUrl}/${ctx.version ?? 'v23.0'}/${path}?${params}`;
  }
  return { page, offset, paging };
}

function invalid(details: string): SimulatedGraphError {
  return new SimulatedGraphError(100, { message: 'Invalid parameter', details });
}

/** A range bound: Unix seconds or `YYYY-MM-DD` (midnight UTC, the simulated WABA's zone). */
function parseTime(value: unknown, name: string): number {
  if (value === undefined || value === null || value === '') throw missingParameterError(name);
  const text = String(value);
  if (/^\d+$/.test(text)) return Number(text);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const ms = Date.parse(`${text}T00:00:00Z`);
    if (!Number.isNaN(ms)) return ms / 1000;
  }
  throw invalid(`${name} must be a Unix timestamp or YYYY-MM-DD.`);
}

function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw invalid(`${name} must be an array of strings.`);
  }
  return value.length === 0 ? undefined : value;
}

/** Spends one WABA read (80007 beyond `insights.readsPerHour` in a sliding hour). */
function spendRead(engine: SimulatorEngine): void {
  if (!engine.insights.spendRead(engine.now(), engine.options.insights.readsPerHour)) {
    throw new SimulatedGraphError(80007, {
      message:
        '(#80007) There have been too many calls to this WhatsApp Business account. Wait a bit and try again.',
      noErrorData: true,
    });
  }
}

function requireEnabled(engine: SimulatorEngine): void {
  if (!engine.insights.enabled) {
    throw new SimulatedGraphError(100, {
      message: 'Invalid parameter',
      details:
        'Template analytics is not enabled for this WhatsApp Business Account (is_enabled_for_insights).',
    });
  }
}

/** `GET /{waba-id}/template_analytics`: per template and day, from what the simulator sent. */
export function getTemplateAnalytics(
  engine: SimulatorEngine,
  ctx: RequestContext,
  wabaId: string,
): RouteResult {
  const q = ctx.query;
  const start = parseTime(q.get('start'), 'start');
  const end = parseTime(q.get('end'), 'end');
  if (start >= end) throw invalid('end must be after start.');
  const granularity = q.get('granularity');
  if (!granularity) throw missingParameterError('granularity');
  if (granularity !== 'DAILY') throw invalid('granularity must be DAILY.');
  const rawIds = q.get('template_ids');
  if (!rawIds) throw missingParameterError('template_ids');
  let templateIds: string[];
  try {
    const parsed = JSON.parse(rawIds) as unknown;
    if (!Array.isArray(parsed)) throw new Error('not an array');
    templateIds = parsed.map((id) => String(id));
  } catch {
    throw invalid('template_ids must be a JSON array of template ids.');
  }
  if (templateIds.length === 0 || templateIds.length > 10)
    throw invalid('template_ids must hold 1 to 10 ids.');
  const metricTypes = new Set(
    (q.get('metric_types') ?? TEMPLATE_METRICS.join(','))
      .replace(/[[\]'"]/g, '')
      .split(',')
      .map((m) => m.trim().toUpperCase())
      .filter(Boolean),
  );
  const productType = (q.get('product_type') ?? 'CLOUD_API').toUpperCase();
  if (productType !== 'CLOUD_API' && productType !== 'MARKETING_MESSAGES_API_FOR_WHATSAPP') {
    throw invalid('product_type must be CLOUD_API or MARKETING_MESSAGES_API_FOR_WHATSAPP.');
  }
  spendRead(engine);
  requireEnabled(engine);
  // Everything the simulator sends goes through the Cloud API.
  const all =
    productType === 'CLOUD_API'
      ? templateDataPoints(engine.insights.messages, { templateIds, start, end, metricTypes })
      : [];
  const limit = Math.max(1, Math.min(Number(q.get('limit')) || DEFAULT_LIMIT, 1000));
  const { page, paging } = offsetPage(ctx, `${wabaId}/template_analytics`, all, limit);
  return ok({
    data: [{ granularity: 'DAILY', product_type: productType.toLowerCase(), data_points: page }],
    paging,
  });
}

/** `POST /{waba-id}?is_enabled_for_insights=true`: turns template analytics on (for good, as at Meta). */
export function postBusinessAccount(engine: SimulatorEngine, ctx: RequestContext): RouteResult {
  const value = ctx.query.get('is_enabled_for_insights');
  if (value === null) throw missingParameterError('is_enabled_for_insights');
  if (value !== 'true')
    throw invalid('is_enabled_for_insights can only be set to true: it cannot be undone.');
  spendRead(engine);
  engine.insights.enabled = true;
  return ok({ success: true });
}

/**
 * `GET /{waba-id}[?fields=…]`: the account node, with `is_enabled_for_insights` and the
 * `pricing_analytics` and `analytics` field expansions computed from what the simulator sent.
 */
export function getBusinessAccountFields(
  engine: SimulatorEngine,
  ctx: RequestContext,
  wabaId: string,
): RouteResult {
  const base = getBusinessAccount(wabaId);
  const fields = ctx.query.get('fields');
  if (!fields) return base;
  const expanded = parseFieldExpansions(fields);
  if (!expanded) throw invalid('Syntax error in the fields parameter.');
  const node = (base as { json: Record<string, unknown> }).json;
  const out: Record<string, unknown> = {};
  const insightFields = ['is_enabled_for_insights', 'pricing_analytics', 'analytics'];
  if (expanded.some((f) => insightFields.includes(f.name))) spendRead(engine);
  for (const field of expanded) {
    if (field.name === 'is_enabled_for_insights') out.is_enabled_for_insights = engine.insights.enabled;
    else if (field.name === 'pricing_analytics') out.pricing_analytics = pricingAnalytics(engine, field);
    else if (field.name === 'analytics') out.analytics = messagingAnalytics(engine, field);
    else if (field.name in node) out[field.name] = node[field.name];
    else {
      throw new SimulatedGraphError(100, {
        message: `(#100) Tried accessing nonexisting field (${field.name}) on node type (WhatsAppBusinessAccount)`,
        noErrorData: true,
      });
    }
  }
  out.id = wabaId;
  return ok(out);
}

function rangeOf(field: ExpandedField): { start: number; end: number; granularity: string } {
  const start = parseTime(field.args.get('start'), `${field.name}.start`);
  const end = parseTime(field.args.get('end'), `${field.name}.end`);
  if (start >= end) throw invalid(`${field.name}: end must be after start.`);
  const granularity = field.args.get('granularity');
  if (typeof granularity !== 'string') throw missingParameterError(`${field.name}.granularity`);
  return { start, end, granularity };
}

function pricingAnalytics(engine: SimulatorEngine, field: ExpandedField): Record<string, unknown> {
  const range = rangeOf(field);
  if (!['HALF_HOUR', 'DAILY', 'MONTHLY'].includes(range.granularity)) {
    throw invalid('pricing_analytics granularity must be HALF_HOUR, DAILY or MONTHLY.');
  }
  const data_points = pricingDataPoints(engine.insights.messages, {
    ...range,
    metricTypes: stringList(field.args.get('metric_types'), 'metric_types'),
    dimensions: stringList(field.args.get('dimensions'), 'dimensions') ?? [],
    pricingTypes: stringList(field.args.get('pricing_types'), 'pricing_types'),
    pricingCategories: stringList(field.args.get('pricing_categories'), 'pricing_categories'),
    countryCodes: stringList(field.args.get('country_codes'), 'country_codes'),
    phoneNumbers: stringList(field.args.get('phone_numbers'), 'phone_numbers'),
  });
  return { data: [{ data_points }] };
}

function messagingAnalytics(engine: SimulatorEngine, field: ExpandedField): Record<string, unknown> {
  const range = rangeOf(field);
  if (!['HALF_HOUR', 'DAY', 'MONTH'].includes(range.granularity)) {
    throw invalid('analytics granularity must be HALF_HOUR, DAY or MONTH.');
  }
  const productTypes = field.args.get('product_types');
  if (
    productTypes !== undefined &&
    (!Array.isArray(productTypes) || !productTypes.every((t) => t === 0 || t === 2))
  ) {
    throw invalid('product_types must be an array of 0 and 2.');
  }
  const phoneNumbers = stringList(field.args.get('phone_numbers'), 'phone_numbers');
  const countryCodes = stringList(field.args.get('country_codes'), 'country_codes');
  return {
    ...(phoneNumbers ? { phone_numbers: phoneNumbers } : {}),
    ...(countryCodes ? { country_codes: countryCodes } : {}),
    granularity: range.granularity,
    data_points: messagingDataPoints(engine.insights.messages, {
      ...range,
      phoneNumbers,
      countryCodes,
      productTypes:
        Array.isArray(productTypes) && productTypes.length > 0 ? (productTypes as number[]) : undefined,
    }),
  };
}

/** The status events of a message that went out, oldest first. */
function statusEvents(m: MessageFacts) {
  return [...m.statuses.entries()]
    .sort((a, b) => a[1].at - b[1].at)
    .map(([status, { at, errorCode }], i) => ({
      id: `${m.historyId}${i + 1}`,
      status: status.toUpperCase(),
      seconds: Math.floor(at / 1000),
      errorCode,
    }));
}

/**
 * `GET /{message-history-id}/events`: the delivery status occurrences of one message as edges
 * (`{ cursor, node }`), filter `status_filter`, cursor paging.
 */
export function getMessageHistoryEvents(
  engine: SimulatorEngine,
  ctx: RequestContext,
  historyId: string,
): RouteResult {
  const facts = engine.insights.byHistoryId(historyId);
  if (!facts) throw unknownObjectError('GET', historyId);
  const q = ctx.query;
  const limit = Number(q.get('limit') ?? 25);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalid('limit must be from 1 to 100.');
  const filter = q.get('status_filter');
  if (filter !== null && !['SENT', 'DELIVERED', 'READ', 'FAILED', 'DELETED'].includes(filter)) {
    throw invalid('status_filter must be SENT, DELIVERED, READ, FAILED or DELETED.');
  }
  const all = statusEvents(facts).filter((e) => filter === null || e.status === filter);
  const { page, offset, paging } = offsetPage(ctx, `${historyId}/events`, all, limit);
  const data = page.map((e, i) => ({
    cursor: encodeCursor(offset + i + 1),
    node: {
      id: e.id,
      delivery_status: e.status,
      occurrence_timestamp: e.seconds,
      status_timestamp: e.seconds,
      application: { id: '9876543210987654', name: 'WhatsApp Business API Client' },
      ...(e.errorCode === undefined ? {} : { error_description: `(#${e.errorCode}) message failed` }),
    },
  }));
  return ok({ data, paging });
}

/**
 * `GET /{phone-number-id}/message_history`: the number's messages, newest last, each with the
 * status events that went out (`events{…}` when asked in `fields`, as Meta's default is
 * `id,message_id`), filter `message_id`, cursor paging.
 */
export function getMessageHistory(
  engine: SimulatorEngine,
  ctx: RequestContext,
  phoneId: string,
): RouteResult {
  const q = ctx.query;
  const limit = Number(q.get('limit') ?? 25);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalid('limit must be from 1 to 100.');
  const messageId = q.get('message_id');
  const withEvents = /(^|,)\s*events\b/.test(q.get('fields') ?? '');
  const all = engine.insights.messages.filter(
    (m) => m.phoneNumberId === phoneId && (messageId === null || m.id === messageId),
  );
  const { page, paging } = offsetPage(ctx, `${phoneId}/message_history`, all, limit);
  const webhookUri = engine.options.webhookUrl;
  const data = page.map((m) => {
    const entry: Record<string, unknown> = { id: m.historyId, message_id: m.id };
    if (withEvents) {
      const events = statusEvents(m).map(({ id, status, seconds, errorCode }) => ({
        id,
        delivery_status: status,
        timestamp: seconds,
        // Webhooks are posted to webhookUrl when one is set; without it nothing was delivered.
        webhook_update_state: webhookUri ? 'DELIVERED' : 'PENDING',
        ...(webhookUri ? { webhook_uri: webhookUri } : {}),
        ...(errorCode === undefined ? {} : { error_description: `(#${errorCode}) message failed` }),
      }));
      entry.events = { data: events };
    }
    return entry;
  });
  return ok({ data, paging });
}
