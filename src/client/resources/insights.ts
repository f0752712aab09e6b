import { InvalidResponseError, ValidationError } from '../../errors/index.js';
import { type GraphPage, nextPagePath } from '../pagination.js';
import type { CallOptions, Transport } from '../transport.js';
import type { WabaReadBudget } from '../waba-read-budget.js';
import { graphRange } from './analytics-time.js';
import {
  DEFAULT_MESSAGE_HISTORY_EVENT_FIELDS,
  DEFAULT_MESSAGE_HISTORY_FIELDS,
  type MessageHistoryEntry,
  type MessageHistoryEventEdge,
  type MessageHistoryEventsQuery,
  type MessageHistoryQuery,
  type MessagingAnalyticsDataPoint,
  type MessagingAnalyticsQuery,
  type PricingAnalyticsDataPoint,
  type PricingAnalyticsQuery,
  TEMPLATE_METRIC_TYPES,
  type TemplateAnalyticsDataPoint,
  type TemplateAnalyticsGroup,
  type TemplateAnalyticsQuery,
} from './insights-types.js';
import { missingOption } from './missing-option.js';
import { parsePricingTier } from './pricing-tier.js';

/** Meta's maximum of template ids per `template_analytics` request. */
export const TEMPLATE_IDS_PER_REQUEST = 10;

const TOKEN = /^[A-Za-z0-9_+]+$/;
const DIGITS = /^\d+$/;

/**
 * `wa.insights`: Meta's own analytics, typed, as async iterables of data points — template
 * analytics (`template_analytics`), pricing analytics and messaging analytics (fields of the WABA),
 * and the message history of the phone number.
 *
 * Reads of the WABA share Meta's budget of about 200 requests per hour per app and account: every
 * request here spends the client's WABA read budget (client option `wabaReadLimit`), which
 * waits or throws `ReadBudgetExhaustedError` saying how long to wait. The analytics must be
 * enabled on the account first, which this SDK never does by itself: see
 * {@link InsightsResource.enableTemplateAnalytics}.
 */
export class InsightsResource {
  #transport: Transport;
  #budget: WabaReadBudget;
  #businessAccountId: string | undefined;
  #phoneNumberId: string | undefined;

  /** @internal */
  constructor(
    transport: Transport,
    budget: WabaReadBudget,
    ids: { businessAccountId: string | undefined; phoneNumberId: string | undefined },
  ) {
    this.#transport = transport;
    this.#budget = budget;
    this.#businessAccountId = ids.businessAccountId;
    this.#phoneNumberId = ids.phoneNumberId;
  }

  /**
   * `GET /{waba-id}/template_analytics`: one data point per template and day, across every page and
   * every batch of 10 ids, each request spending the read budget.
   * Each point also carries its group's `granularity` and `product_type`.
   *
   * ```ts
   * for await (const p of wa.insights.templateAnalytics({ templateIds, start: '2026-11-01', end: '2026-11-08' }))
   *   console.log(p.template_id, new Date(p.start * 1000), p.sent, p.delivered, p.read);
   * ```
   *
   * Throws `ValidationError` (no ids, an id that is not digits, a bad range) before any request.
   * Read and click counts keep accruing for 7 days after each send.
   */
  templateAnalytics(query: TemplateAnalyticsQuery): AsyncIterable<TemplateAnalyticsDataPoint> {
    const waba = this.#waba('insights.templateAnalytics');
    const ids = [...(query?.templateIds ?? [])];
    if (ids.length === 0) throw invalid('templateIds', 'must hold at least one template id');
    ids.forEach((id, i) => {
      if (typeof id !== 'string' || !DIGITS.test(id))
        throw invalid(`templateIds.${i}`, 'must be a template id (digits)');
    });
    const range = graphRange(query.start, query.end);
    const metricTypes = query.metricTypes ?? TEMPLATE_METRIC_TYPES;
    checkTokens('metricTypes', metricTypes);
    if (query.productType !== undefined) checkTokens('productType', [query.productType], true);
    const path = this.#transport.apiPath(waba, 'template_analytics');
    const paths: string[] = [];
    for (let i = 0; i < ids.length; i += TEMPLATE_IDS_PER_REQUEST) {
      const params = new URLSearchParams({
        start: range.start,
        end: range.end,
        granularity: query.granularity ?? 'DAILY',
        metric_types: metricTypes.join(','),
        template_ids: `[${ids.slice(i, i + TEMPLATE_IDS_PER_REQUEST).join(',')}]`,
      });
      if (query.productType !== undefined) params.set('product_type', query.productType);
      if (query.useWabaTimezone !== undefined) params.set('use_waba_timezone', String(query.useWabaTimezone));
      if (query.limit !== undefined) params.set('limit', String(checkLimit(query.limit, 1000)));
      paths.push(`${path}?${params}`);
    }
    return this.#templatePoints(waba, paths, callOf(query));
  }

  /**
   * `GET /{waba-id}?fields=pricing_analytics…`: volume and cost of the messages Meta charged or let
   * through free, by the `dimensions` asked for, with every filter. A point with a `tier` also gets
   * `tierRange` (`{ lower, upper }`, `upper: null` for `MAX`); fold monthly points with
   * `tierProgress()` for the messages left before the next tier.
   */
  pricingAnalytics(query: PricingAnalyticsQuery): AsyncIterable<PricingAnalyticsDataPoint> {
    const waba = this.#waba('insights.pricingAnalytics');
    const range = graphRange(query.start, query.end);
    checkTokens('granularity', [query.granularity], true);
    let expansion = `pricing_analytics.start(${range.start}).end(${range.end}).granularity(${query.granularity})`;
    expansion += listArgument('metric_types', 'metricTypes', query.metricTypes);
    expansion += listArgument('pricing_types', 'pricingTypes', query.pricingTypes);
    expansion += listArgument('pricing_categories', 'pricingCategories', query.pricingCategories);
    expansion += listArgument('dimensions', 'dimensions', query.dimensions);
    expansion += listArgument('country_codes', 'countryCodes', query.countryCodes);
    expansion += listArgument('phone_numbers', 'phoneNumbers', query.phoneNumbers);
    const path = `${this.#transport.apiPath(waba)}?${new URLSearchParams({ fields: expansion })}`;
    return this.#pricingPoints(waba, path, callOf(query));
  }

  /**
   * `GET /{waba-id}?fields=analytics…`: messages sent and delivered per period (`HALF_HOUR`, `DAY`
   * or `MONTH`), optionally only for some phone numbers, product types (0 business-initiated,
   * 2 user-initiated) or countries.
   */
  messagingAnalytics(query: MessagingAnalyticsQuery): AsyncIterable<MessagingAnalyticsDataPoint> {
    const waba = this.#waba('insights.messagingAnalytics');
    const range = graphRange(query.start, query.end);
    checkTokens('granularity', [query.granularity], true);
    let expansion = `analytics.start(${range.start}).end(${range.end}).granularity(${query.granularity})`;
    expansion += listArgument('phone_numbers', 'phoneNumbers', query.phoneNumbers);
    if (query.productTypes !== undefined) {
      query.productTypes.forEach((t, i) => {
        if (t !== 0 && t !== 2) throw invalid(`productTypes.${i}`, 'must be 0 or 2');
      });
      expansion += `.product_types(${JSON.stringify(query.productTypes)})`;
    }
    expansion += listArgument('country_codes', 'countryCodes', query.countryCodes);
    const path = `${this.#transport.apiPath(waba)}?${new URLSearchParams({ fields: expansion })}`;
    return this.#messagingPoints(waba, path, callOf(query));
  }

  /**
   * `GET /{phone-number-id}/message_history`: each message's delivery status events and whether
   * their webhooks were delivered, across every page — the way to fill in statuses whose webhooks
   * never came. Filter by `messageId` for one message. Phone-number reads, so not counted against
   * the WABA read budget.
   */
  messageHistory(query: MessageHistoryQuery = {}): AsyncIterable<MessageHistoryEntry> {
    if (this.#phoneNumberId === undefined) throw missingOption('phoneNumberId', 'insights.messageHistory');
    const params = new URLSearchParams();
    if (query.messageId !== undefined) {
      if (typeof query.messageId !== 'string' || query.messageId.length === 0) {
        throw invalid('messageId', 'must be a non-empty message id');
      }
      params.set('message_id', query.messageId);
    }
    params.set('fields', query.fields ?? DEFAULT_MESSAGE_HISTORY_FIELDS);
    if (query.limit !== undefined) params.set('limit', String(checkLimit(query.limit, 100)));
    const path = `${this.#transport.apiPath(this.#phoneNumberId, 'message_history')}?${params}`;
    return this.#pages<MessageHistoryEntry>(undefined, path, callOf(query));
  }

  /**
   * `GET /{message-history-id}/events`: every delivery status occurrence of one message history
   * entry (the `id` of a {@link InsightsResource.messageHistory} entry), as Meta's edges
   * (`{ cursor, node }`), across every page; `status` filters on one status.
   */
  messageHistoryEvents(
    historyId: string,
    query: MessageHistoryEventsQuery = {},
  ): AsyncIterable<MessageHistoryEventEdge> {
    if (typeof historyId !== 'string' || !DIGITS.test(historyId)) {
      throw invalid('historyId', 'must be a message history id (digits)');
    }
    const params = new URLSearchParams();
    if (query.status !== undefined) {
      checkTokens('status', [query.status], true);
      params.set('status_filter', query.status);
    }
    params.set('fields', query.fields ?? DEFAULT_MESSAGE_HISTORY_EVENT_FIELDS);
    if (query.limit !== undefined) params.set('limit', String(checkLimit(query.limit, 100)));
    const path = `${this.#transport.apiPath(historyId, 'events')}?${params}`;
    return this.#pages<MessageHistoryEventEdge>(undefined, path, callOf(query));
  }

  /**
   * Whether template analytics are enabled on the WABA (`GET /{waba-id}?fields=is_enabled_for_insights`).
   * Spends one read of the budget.
   */
  async templateAnalyticsEnabled(options: CallOptions = {}): Promise<boolean> {
    const waba = this.#waba('insights.templateAnalyticsEnabled');
    const path = `${this.#transport.apiPath(waba)}?fields=is_enabled_for_insights`;
    const call = callOf(options);
    const body = await this.#budget.run(
      waba,
      () =>
        this.#transport.json<{ is_enabled_for_insights?: boolean }>({
          method: 'GET',
          path,
          idempotent: true,
          ...call,
        }),
      call.signal,
    );
    return body.is_enabled_for_insights === true;
  }

  /**
   * **⚠ IRREVERSIBLE.** Enables template analytics on the WhatsApp Business Account
   * (`POST /{waba-id}?is_enabled_for_insights=true`). **Meta offers no way to turn it off again**,
   * and enabling it **also turns on Meta's link tracking for the URL buttons of your templates**
   * (opt one template out with `POST /{template-id}?cta_url_link_tracking_opted_out=true`).
   * wacloud never calls this by itself: `templateAnalytics` on an account without it fails with
   * Meta's error instead. Pass `{ irreversible: true }` to show you mean it; anything else throws
   * `ValidationError` before any request.
   */
  async enableTemplateAnalytics(
    confirm: { irreversible: true },
    options: CallOptions = {},
  ): Promise<{ success: boolean }> {
    if (confirm?.irreversible !== true) {
      throw invalid('irreversible', 'must be true: enabling template analytics cannot be undone');
    }
    const waba = this.#waba('insights.enableTemplateAnalytics');
    const path = `${this.#transport.apiPath(waba)}?is_enabled_for_insights=true`;
    const call = callOf(options);
    return this.#budget.run(
      waba,
      () => this.#transport.json<{ success: boolean }>({ method: 'POST', path, idempotent: true, ...call }),
      call.signal,
    );
  }

  async *#templatePoints(
    waba: string,
    paths: string[],
    call: CallOptions,
  ): AsyncGenerator<TemplateAnalyticsDataPoint, void, undefined> {
    for (const path of paths) {
      for await (const group of this.#pages<TemplateAnalyticsGroup>(waba, path, call)) {
        for (const point of group.data_points ?? []) {
          yield { granularity: group.granularity, product_type: group.product_type, ...point };
        }
      }
    }
  }

  async *#pricingPoints(
    waba: string,
    path: string,
    call: CallOptions,
  ): AsyncGenerator<PricingAnalyticsDataPoint, void, undefined> {
    type Body = { pricing_analytics?: GraphPage<{ data_points?: PricingAnalyticsDataPoint[] }> };
    for await (const group of this.#pages(
      waba,
      path,
      call,
      (b: Body & GraphPage<never>) => b.pricing_analytics ?? b,
    )) {
      for (const point of group.data_points ?? []) {
        const tierRange = typeof point.tier === 'string' ? parsePricingTier(point.tier) : undefined;
        yield tierRange ? { ...point, tierRange } : point;
      }
    }
  }

  async *#messagingPoints(
    waba: string,
    path: string,
    call: CallOptions,
  ): AsyncGenerator<MessagingAnalyticsDataPoint, void, undefined> {
    const body = await this.#budget.run(
      waba,
      () =>
        this.#transport.json<{ analytics?: { data_points?: MessagingAnalyticsDataPoint[] } }>({
          method: 'GET',
          path,
          idempotent: true,
          ...call,
        }),
      call.signal,
    );
    yield* body.analytics?.data_points ?? [];
  }

  /**
   * Every item of a paged Graph answer, following `paging.next` (token stripped, same origin only),
   * each page spending the WABA read budget when `waba` is given. `unwrap` finds the page inside a
   * field expansion.
   */
  async *#pages<T>(
    waba: string | undefined,
    firstPath: string,
    call: CallOptions,
    unwrap: (body: never) => GraphPage<T> = (body) => body,
  ): AsyncGenerator<T, void, undefined> {
    let path: string | undefined = firstPath;
    const seen = new Set<string>();
    while (path !== undefined) {
      seen.add(path);
      const request = { ...call, method: 'GET' as const, path, idempotent: true };
      const fetchPage = () => this.#transport.json<never>(request);
      const body =
        waba === undefined ? await fetchPage() : await this.#budget.run(waba, fetchPage, call.signal);
      const page = unwrap(body);
      if (page === null || typeof page !== 'object')
        throw new InvalidResponseError('Graph returned an analytics page that is not an object.', {
          status: 200,
          request: { method: 'GET', path: path.split('?')[0] as string },
        });
      for (const item of page.data ?? []) yield item;
      const next = page.paging?.next;
      path = next ? nextPagePath(next, this.#transport.origin) : undefined;
      if (path !== undefined && seen.has(path)) path = undefined;
    }
  }

  #waba(what: string): string {
    if (this.#businessAccountId === undefined) throw missingOption('businessAccountId', what);
    return this.#businessAccountId;
  }
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError([{ path: field, message }], 'analytics query');
}

/** Values spliced into a query or field expansion: letters, digits, `_` and `+` only. */
function checkTokens(field: string, values: readonly unknown[], single = false): void {
  if (!Array.isArray(values)) throw invalid(field, 'must be an array');
  values.forEach((value, i) => {
    if (typeof value !== 'string' || !TOKEN.test(value)) {
      throw invalid(single ? field : `${field}.${i}`, 'must be letters, digits, _ or +');
    }
  });
}

function listArgument(name: string, field: string, values: readonly string[] | undefined): string {
  if (values === undefined) return '';
  checkTokens(field, values);
  return `.${name}(${JSON.stringify(values)})`;
}

function checkLimit(limit: number, max: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > max)
    throw invalid('limit', `must be an integer from 1 to ${max}`);
  return limit;
}

function callOf(options: CallOptions): CallOptions {
  return { signal: options.signal, timeoutMs: options.timeoutMs, maxRetries: options.maxRetries };
}
