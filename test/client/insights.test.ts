import { describe, expect, it } from 'vitest';
import {
  messagesToNextTier,
  parsePricingTier,
  tierProgress,
  WhatsAppClient,
} from '../../src/client/index.js';
import { WabaReadBudget } from '../../src/client/waba-read-budget.js';
import {
  ConfigError,
  GraphApiError,
  RateLimitError,
  ReadBudgetExhaustedError,
  ValidationError,
} from '../../src/errors/index.js';
import { graphError, mockClient, ORIGIN, PHONE_ID, TOKEN, WABA_ID } from './helpers.js';

const TEMPLATE_ANALYTICS = `/v23.0/${WABA_ID}/template_analytics`;
const HOUR = 60 * 60 * 1000;

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

type Seen = { path: string; method: string; auth: string };
function recorder(seen: Seen[], data: unknown) {
  return (opts: { path: string; method: string; headers?: unknown }) => {
    seen.push({
      path: opts.path,
      method: opts.method,
      auth: (opts.headers as Record<string, string>).authorization!,
    });
    return { statusCode: 200, data: data as object };
  };
}

/** The response example of cloud-api-notes §1.8 (Meta's template_analytics example). */
function templateAnalyticsPage(templateId: string, next?: string) {
  return {
    data: [
      {
        granularity: 'DAILY',
        product_type: 'cloud_api',
        data_points: [
          {
            template_id: templateId,
            start: 1718064000,
            end: 1718150400,
            sent: 1,
            delivered: 1,
            read: 1,
            clicked: [
              { type: 'quick_reply_button', button_content: 'Contact Support', count: 108 },
              { type: 'unique_url_button', button_content: 'Tell me more', count: 16 },
            ],
            cost: [
              { type: 'amount_spent', value: 0.03 },
              { type: 'cost_per_delivered', value: 0.03 },
              { type: 'cost_per_url_button_click', value: 0.03 },
            ],
          },
        ],
      },
    ],
    paging: { cursors: { before: 'MAZDZD', after: 'MjQZD' }, ...(next ? { next } : {}) },
  };
}

describe('insights.templateAnalytics', () => {
  it('batches 12 ids into requests of 10 and 2, follows paging.next without the token, and types the points', async () => {
    const { pool, client, agent } = mockClient();
    const ids = Array.from({ length: 12 }, (_, i) => String(1000 + i));
    const seen: Seen[] = [];
    const first = new URLSearchParams({
      start: '1718064000',
      end: '2024-06-20',
      granularity: 'DAILY',
      metric_types: 'SENT,DELIVERED,READ,CLICKED,COST',
      template_ids: `[${ids.slice(0, 10).join(',')}]`,
      product_type: 'MARKETING_MESSAGES_API_FOR_WHATSAPP',
      use_waba_timezone: 'true',
    });
    const second = new URLSearchParams(first);
    second.set('template_ids', `[${ids.slice(10).join(',')}]`);
    pool
      .intercept({ path: `${TEMPLATE_ANALYTICS}?${first}`, method: 'GET' })
      .reply(
        recorder(
          seen,
          templateAnalyticsPage('1000', `${ORIGIN}${TEMPLATE_ANALYTICS}?access_token=${TOKEN}&after=MjQZD`),
        ),
      );
    pool
      .intercept({ path: `${TEMPLATE_ANALYTICS}?after=MjQZD`, method: 'GET' })
      .reply(recorder(seen, templateAnalyticsPage('1001')));
    pool
      .intercept({ path: `${TEMPLATE_ANALYTICS}?${second}`, method: 'GET' })
      .reply(recorder(seen, templateAnalyticsPage('1010')));

    const points = await collect(
      client.insights.templateAnalytics({
        templateIds: ids,
        start: new Date(1718064000 * 1000),
        end: '2024-06-20',
        productType: 'MARKETING_MESSAGES_API_FOR_WHATSAPP',
        useWabaTimezone: true,
      }),
    );
    expect(points.map((p) => p.template_id)).toEqual(['1000', '1001', '1010']);
    expect(seen).toHaveLength(3);
    for (const request of seen) {
      expect(request.path).not.toContain('access_token');
      expect(request.auth).toBe(`Bearer ${TOKEN}`);
    }
    const point = points[0]!;
    expect(point.product_type).toBe('cloud_api');
    expect(point.granularity).toBe('DAILY');
    expect(point.clicked?.find((c) => c.type === 'unique_url_button')?.count).toBe(16);
    expect(point.cost?.map((c) => c.type)).toEqual([
      'amount_spent',
      'cost_per_delivered',
      'cost_per_url_button_click',
    ]);
    await agent.close();
  });

  it('refuses bad queries with ValidationError before any request', async () => {
    const { client, agent } = mockClient();
    const base = { templateIds: ['1'], start: '2026-11-01', end: '2026-11-02' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, templateIds: [] }, 'templateIds'],
      [{ ...base, templateIds: ['12', '1 OR 1'] }, 'templateIds.1'],
      [{ ...base, start: Date.now() }, 'start'],
      [{ ...base, start: '2026-13-45' }, 'start'],
      [{ ...base, start: '2026-11-02' }, 'end'],
      [{ ...base, metricTypes: ['SENT', 'READ&x=1'] }, 'metricTypes.1'],
      [{ ...base, productType: 'CLOUD_API)' }, 'productType'],
      [{ ...base, limit: 0 }, 'limit'],
    ];
    for (const [query, field] of cases) {
      let thrown: unknown;
      try {
        client.insights.templateAnalytics(query as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, field).toBeInstanceOf(ValidationError);
      expect((thrown as ValidationError).field).toBe(field);
    }
    await agent.close();
  });

  it('needs businessAccountId', () => {
    const client = new WhatsAppClient({ accessToken: TOKEN, phoneNumberId: PHONE_ID, env: {} });
    expect(() =>
      client.insights.templateAnalytics({ templateIds: ['1'], start: '2026-11-01', end: '2026-11-02' }),
    ).toThrow(ConfigError);
  });
});

describe('insights.pricingAnalytics', () => {
  it('sends every dimension and filter as a field expansion, parses tiers and follows nested paging', async () => {
    const { pool, client, agent } = mockClient();
    const seen: Seen[] = [];
    const fields =
      'pricing_analytics.start(1764547200).end(2026-12-05).granularity(MONTHLY)' +
      '.metric_types(["COST","VOLUME"]).pricing_types(["REGULAR","FREE_CUSTOMER_SERVICE"])' +
      '.pricing_categories(["UTILITY","AUTHENTICATION"])' +
      '.dimensions(["COUNTRY","PHONE","PRICING_CATEGORY","PRICING_TYPE","TIER"])' +
      '.country_codes(["IN","BR"]).phone_numbers(["15550783881"])';
    const nextPath = `/v23.0/${WABA_ID}/pricing_analytics?after=QVFI`;
    pool.intercept({ path: `/v23.0/${WABA_ID}?${new URLSearchParams({ fields })}`, method: 'GET' }).reply(
      recorder(seen, {
        pricing_analytics: {
          data: [
            {
              data_points: [
                {
                  start: 1764547200,
                  end: 1767225600,
                  country: 'IN',
                  phone_number: '15550783881',
                  pricing_type: 'REGULAR',
                  pricing_category: 'UTILITY',
                  tier: '0:100000',
                  volume: 100000,
                  cost: 115.0,
                },
              ],
            },
          ],
          paging: { next: `${ORIGIN}${nextPath}&access_token=${TOKEN}` },
        },
        id: WABA_ID,
      }),
    );
    pool.intercept({ path: nextPath, method: 'GET' }).reply(
      recorder(seen, {
        data: [
          {
            data_points: [
              {
                start: 1764547200,
                end: 1767225600,
                country: 'IN',
                pricing_type: 'REGULAR',
                pricing_category: 'UTILITY',
                tier: '100001:1000000',
                volume: 250000,
                cost: 240.5,
              },
              {
                start: 1764547200,
                end: 1767225600,
                country: 'BR',
                pricing_type: 'REGULAR',
                pricing_category: 'AUTHENTICATION',
                tier: '5000001:MAX',
                volume: 12,
                cost: 0.3,
              },
            ],
          },
        ],
      }),
    );
    const points = await collect(
      client.insights.pricingAnalytics({
        start: 1764547200,
        end: '2026-12-05',
        granularity: 'MONTHLY',
        metricTypes: ['COST', 'VOLUME'],
        pricingTypes: ['REGULAR', 'FREE_CUSTOMER_SERVICE'],
        pricingCategories: ['UTILITY', 'AUTHENTICATION'],
        dimensions: ['COUNTRY', 'PHONE', 'PRICING_CATEGORY', 'PRICING_TYPE', 'TIER'],
        countryCodes: ['IN', 'BR'],
        phoneNumbers: ['15550783881'],
      }),
    );
    expect(seen.map((s) => s.path)).toEqual([
      `/v23.0/${WABA_ID}?${new URLSearchParams({ fields })}`,
      nextPath,
    ]);
    expect(points.map((p) => p.tierRange)).toEqual([
      { lower: 0, upper: 100000 },
      { lower: 100001, upper: 1000000 },
      { lower: 5000001, upper: null },
    ]);
    expect(points[0]!.cost).toBe(115);
    const progress = tierProgress(points);
    expect(progress).toEqual([
      {
        country: 'IN',
        pricingCategory: 'UTILITY',
        periodStart: 1764547200,
        volume: 350000,
        tier: { lower: 100001, upper: 1000000 },
        messagesToNextTier: 650000,
      },
      {
        country: 'BR',
        pricingCategory: 'AUTHENTICATION',
        periodStart: 1764547200,
        volume: 12,
        tier: { lower: 5000001, upper: null },
        messagesToNextTier: null,
      },
    ]);
    await agent.close();
  });

  it('refuses a dimension that would break out of the field expansion', () => {
    const { client } = mockClient();
    expect(() =>
      client.insights.pricingAnalytics({
        start: '2026-11-01',
        end: '2026-11-02',
        granularity: 'DAILY',
        dimensions: ['COUNTRY"]).message_templates{name' as never],
      }),
    ).toThrow(ValidationError);
  });
});

describe('parsePricingTier / messagesToNextTier', () => {
  it('parses LOWER:UPPER and LOWER:MAX, and rejects other shapes', () => {
    expect(parsePricingTier('0:100000')).toEqual({ lower: 0, upper: 100000 });
    expect(parsePricingTier('25000001:MAX')).toEqual({ lower: 25000001, upper: null });
    expect(parsePricingTier(' 10:max ')).toEqual({ lower: 10, upper: null });
    for (const bad of ['', 'TIER_1', '100:10', '1:2:3', '-1:5', '1.5:10']) {
      expect(parsePricingTier(bad), bad).toBeUndefined();
    }
    expect(messagesToNextTier({ lower: 0, upper: 100000 }, 99000)).toBe(1000);
    expect(messagesToNextTier({ lower: 0, upper: 100000 }, 120000)).toBe(0);
    expect(messagesToNextTier({ lower: 5, upper: null }, 1)).toBeNull();
  });
});

describe('insights.messagingAnalytics', () => {
  it('asks the analytics field with its filters and yields the data points', async () => {
    const { pool, client, agent } = mockClient();
    const fields =
      'analytics.start(1764547200).end(1764633600).granularity(DAY)' +
      '.phone_numbers(["15550783881"]).product_types([0,2]).country_codes(["US","BR"])';
    pool
      .intercept({ path: `/v23.0/${WABA_ID}?${new URLSearchParams({ fields })}`, method: 'GET' })
      .reply(200, {
        analytics: {
          phone_numbers: ['15550783881'],
          country_codes: ['US', 'BR'],
          granularity: 'DAY',
          data_points: [
            { start: 1764547200, end: 1764633600, sent: 199251, delivered: 183001 },
            { start: 1764633600, end: 1764720000, sent: 162271, delivered: 141701 },
          ],
        },
        id: WABA_ID,
      });
    const points = await collect(
      client.insights.messagingAnalytics({
        start: 1764547200,
        end: 1764633600,
        granularity: 'DAY',
        phoneNumbers: ['15550783881'],
        productTypes: [0, 2],
        countryCodes: ['US', 'BR'],
      }),
    );
    expect(points.map((p) => [p.sent, p.delivered])).toEqual([
      [199251, 183001],
      [162271, 141701],
    ]);
    await agent.close();
  });
});

describe('insights.messageHistory', () => {
  it('pages the spec example with the message_id filter, without the token, and off the WABA budget', async () => {
    const { pool, client, agent } = mockClient({ wabaReadLimit: { requestsPerHour: 1 } });
    const seen: Seen[] = [];
    const path = `/v23.0/${PHONE_ID}/message_history`;
    const wamid = 'wamid.HBgLMTY0NzM3Nzc3NzUVAgARGBI5QTNEQTA2RjdGMEY4RTRGAA==';
    const params = new URLSearchParams({
      message_id: wamid,
      fields:
        'id,message_id,events{id,delivery_status,webhook_update_state,timestamp,application,webhook_uri,error_description}',
      limit: '1',
    });
    // Spec example "message_history_with_events", split over two pages.
    pool.intercept({ path: `${path}?${params}`, method: 'GET' }).reply(
      recorder(seen, {
        data: [
          {
            id: '1234567890123456',
            message_id: wamid,
            events: {
              data: [
                {
                  id: '2345678901234567',
                  delivery_status: 'SENT',
                  timestamp: 1640995200,
                  webhook_update_state: 'DELIVERED',
                  application: { id: '9876543210987654' },
                  webhook_uri: 'https://example.com/webhook',
                },
              ],
            },
          },
        ],
        paging: {
          cursors: { after: 'MTAxNTExOTQ1MjAwNzI5NDE=', before: 'MAZDZD' },
          next: `${ORIGIN}${path}?access_token=${TOKEN}&after=MTAxNTExOTQ1MjAwNzI5NDE%3D`,
        },
      }),
    );
    pool.intercept({ path: `${path}?after=MTAxNTExOTQ1MjAwNzI5NDE%3D`, method: 'GET' }).reply(
      recorder(seen, {
        data: [
          {
            id: '4567890123456789',
            message_id: 'wamid.HBgLMTY0NzM3Nzc3NzUVAgARGBI5QTNEQTA2RjdGMEY4RTJHAA==',
            events: {
              data: [
                {
                  id: '5678901234567890',
                  delivery_status: 'READ',
                  timestamp: 1640995320,
                  webhook_update_state: 'DELIVERED',
                },
              ],
            },
          },
        ],
      }),
    );
    const entries = await collect(client.insights.messageHistory({ messageId: wamid, limit: 1 }));
    expect(entries.map((e) => e.events?.data?.[0]?.delivery_status)).toEqual(['SENT', 'READ']);
    expect(seen.every((s) => !s.path.includes('access_token') && s.auth === `Bearer ${TOKEN}`)).toBe(true);
    expect(() => client.insights.messageHistory({ limit: 101 })).toThrow(ValidationError);
    await agent.close();
  });
});

describe('insights.messageHistoryEvents', () => {
  it('pages the spec example "message_history_events" with status_filter, without the token', async () => {
    const { pool, client, agent } = mockClient();
    const path = '/v23.0/1234567890123456/events';
    const params = new URLSearchParams({
      status_filter: 'DELIVERED',
      fields:
        'cursor,node{id,delivery_status,error_description,occurrence_timestamp,status_timestamp,application}',
    });
    const node = (id: string, delivery_status: string, t: number) => ({
      id,
      delivery_status,
      occurrence_timestamp: t,
      status_timestamp: t + 5,
      application: { id: '9876543210987654', name: 'WhatsApp Business API Client' },
    });
    const seen: Seen[] = [];
    pool.intercept({ path: `${path}?${params}`, method: 'GET' }).reply(
      recorder(seen, {
        data: [
          { cursor: 'MTAxNTExOTQ1MjAwNzI5NDE=', node: node('2345678901234567', 'SENT', 1640995200) },
          { cursor: 'MTAxNTExOTQ1MjAwNzI5NDI=', node: node('3456789012345678', 'DELIVERED', 1640995260) },
        ],
        paging: {
          cursors: { after: 'MTAxNTExOTQ1MjAwNzI5NDI=', before: 'MTAxNTExOTQ1MjAwNzI5NDE=' },
          next: `${ORIGIN}${path}?after=MTAxNTExOTQ1MjAwNzI5NDM&access_token=${TOKEN}`,
        },
      }),
    );
    pool.intercept({ path: `${path}?after=MTAxNTExOTQ1MjAwNzI5NDM`, method: 'GET' }).reply(
      recorder(seen, {
        data: [{ cursor: 'MTAxNTExOTQ1MjAwNzI5NDM=', node: node('4567890123456789', 'READ', 1640995320) }],
      }),
    );
    const edges = await collect(
      client.insights.messageHistoryEvents('1234567890123456', { status: 'DELIVERED' }),
    );
    expect(edges.map((e) => [e.node.delivery_status, e.node.occurrence_timestamp])).toEqual([
      ['SENT', 1640995200],
      ['DELIVERED', 1640995260],
      ['READ', 1640995320],
    ]);
    expect(seen.every((s) => !s.path.includes('access_token'))).toBe(true);
    expect(() => client.insights.messageHistoryEvents('../me')).toThrow(ValidationError);
    expect(() => client.insights.messageHistoryEvents('1', { status: 'SENT&x' as never })).toThrow(
      ValidationError,
    );
    await agent.close();
  });
});

describe('insights.enableTemplateAnalytics', () => {
  it('refuses without { irreversible: true } and otherwise POSTs is_enabled_for_insights=true', async () => {
    const { pool, client, agent } = mockClient();
    await expect(client.insights.enableTemplateAnalytics({} as never)).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      client.insights.enableTemplateAnalytics({ irreversible: 'yes' } as never),
    ).rejects.toBeInstanceOf(ValidationError);
    const seen: Seen[] = [];
    pool
      .intercept({ path: `/v23.0/${WABA_ID}?is_enabled_for_insights=true`, method: 'POST' })
      .reply(recorder(seen, { success: true }));
    pool
      .intercept({ path: `/v23.0/${WABA_ID}?fields=is_enabled_for_insights`, method: 'GET' })
      .reply(200, { is_enabled_for_insights: true, id: WABA_ID });
    await expect(client.insights.enableTemplateAnalytics({ irreversible: true })).resolves.toEqual({
      success: true,
    });
    expect(seen).toHaveLength(1);
    await expect(client.insights.templateAnalyticsEnabled()).resolves.toBe(true);
    await agent.close();
  });
});

describe('WABA read budget', () => {
  const messagingQuery = { start: 1764547200, end: 1764633600, granularity: 'DAY' as const };
  const analyticsReply = { analytics: { data_points: [] }, id: WABA_ID };

  it('throws ReadBudgetExhaustedError with the wait once the hourly budget is spent, sending nothing', async () => {
    const { pool, client, agent } = mockClient({ wabaReadLimit: { requestsPerHour: 2 } });
    pool
      .intercept({ path: (p) => p.startsWith(`/v23.0/${WABA_ID}?`), method: 'GET' })
      .reply(200, analyticsReply)
      .times(2);
    await collect(client.insights.messagingAnalytics(messagingQuery));
    await collect(client.insights.messagingAnalytics(messagingQuery));
    const error = await collect(client.insights.messagingAnalytics(messagingQuery)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadBudgetExhaustedError);
    const exhausted = error as ReadBudgetExhaustedError;
    expect(exhausted.businessAccountId).toBe(WABA_ID);
    expect(exhausted.retryAfterMs).toBeGreaterThan(HOUR - 60_000);
    expect(exhausted.retryAfterMs).toBeLessThanOrEqual(HOUR);
    expect(exhausted.message).toMatch(/retry in \d+ s/);
    // Another client has its own budget: no module-global state.
    const other = mockClient({ wabaReadLimit: { requestsPerHour: 2 } });
    other.pool
      .intercept({ path: (p) => p.startsWith(`/v23.0/${WABA_ID}?`), method: 'GET' })
      .reply(200, analyticsReply);
    await expect(collect(other.client.insights.messagingAnalytics(messagingQuery))).resolves.toEqual([]);
    await other.agent.close();
    await agent.close();
  });

  it('honours 80007 with Retry-After: throws with that wait, or waits it and retries within maxWaitMs', async () => {
    const throwing = mockClient();
    throwing.pool
      .intercept({ path: (p) => p.startsWith(`/v23.0/${WABA_ID}?`), method: 'GET' })
      .reply(
        400,
        graphError(80007, '(#80007) There have been too many calls to this WhatsApp Business account.'),
        {
          headers: { 'retry-after': '120' },
        },
      );
    const error = await collect(throwing.client.insights.messagingAnalytics(messagingQuery)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReadBudgetExhaustedError);
    expect((error as ReadBudgetExhaustedError).retryAfterMs).toBe(120_000);
    expect((error as Error).cause).toBeInstanceOf(RateLimitError);
    // The block holds for the next call too, without a request.
    const blocked = await collect(throwing.client.insights.messagingAnalytics(messagingQuery)).catch(
      (e: unknown) => e,
    );
    expect(blocked).toBeInstanceOf(ReadBudgetExhaustedError);
    expect((blocked as ReadBudgetExhaustedError).retryAfterMs).toBeGreaterThan(100_000);
    await throwing.agent.close();

    const waiting = mockClient({ wabaReadLimit: { maxWaitMs: Number.POSITIVE_INFINITY } });
    waiting.pool
      .intercept({ path: (p) => p.startsWith(`/v23.0/${WABA_ID}?`), method: 'GET' })
      .reply(
        400,
        graphError(80004, '(#80004) There have been too many calls to this WhatsApp Business account.'),
        {
          headers: { 'retry-after': '90' },
        },
      );
    waiting.pool
      .intercept({ path: (p) => p.startsWith(`/v23.0/${WABA_ID}?`), method: 'GET' })
      .reply(200, { analytics: { data_points: [{ start: 1, end: 2, sent: 3, delivered: 2 }] } });
    const points = await collect(waiting.client.insights.messagingAnalytics(messagingQuery));
    expect(points).toEqual([{ start: 1, end: 2, sent: 3, delivered: 2 }]);
    expect(waiting.sleeps).toEqual([90_000]);
    await waiting.agent.close();
  });

  it('slides: a read frees up exactly one hour after it was made', async () => {
    let now = 1_000_000;
    const sleeps: number[] = [];
    const budget = new WabaReadBudget({
      requestsPerHour: 2,
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    await budget.run('w', async () => 'a');
    now += 10 * 60_000;
    await budget.run('w', async () => 'b');
    expect(budget.remaining('w')).toBe(0);
    expect(budget.remaining('other-waba')).toBe(2);
    now += 30 * 60_000;
    await expect(budget.run('w', async () => 'c')).rejects.toMatchObject({ retryAfterMs: 20 * 60_000 });
    now += 20 * 60_000;
    await expect(budget.run('w', async () => 'd')).resolves.toBe('d');
    expect(sleeps).toEqual([]);
  });

  it('lets other errors through untouched and rejects unknown option keys', async () => {
    const budget = new WabaReadBudget({ sleep: async () => {} });
    const auth = new GraphApiError({ status: 401, error: { code: 190, message: 'expired' } });
    await expect(budget.run('w', () => Promise.reject(auth))).rejects.toBe(auth);
    expect(
      () =>
        new WhatsAppClient({
          accessToken: TOKEN,
          phoneNumberId: PHONE_ID,
          env: {},
          wabaReadLimit: { perHour: 5 } as never,
        }),
    ).toThrow(ConfigError);
  });
});
