import { type MessageFacts, SIMULATED_PRICES, stateOf } from './ledger.js';

const DAY_S = 86_400;
const HALF_HOUR_S = 1_800;

/** Start of the period holding `seconds` (UTC: the simulated WABA's time zone). */
export function periodStart(seconds: number, granularity: string): number {
  switch (granularity) {
    case 'HALF_HOUR':
      return seconds - (seconds % HALF_HOUR_S);
    case 'MONTH':
    case 'MONTHLY': {
      const d = new Date(seconds * 1000);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
    }
    default:
      return seconds - (seconds % DAY_S);
  }
}

/** End of the period starting at `start`. */
export function periodEnd(start: number, granularity: string): number {
  if (granularity === 'HALF_HOUR') return start + HALF_HOUR_S;
  if (granularity === 'MONTH' || granularity === 'MONTHLY') {
    const d = new Date(start * 1000);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
  }
  return start + DAY_S;
}

function inRange(facts: MessageFacts, start: number, end: number): boolean {
  const s = facts.acceptedAt / 1000;
  return s >= start && s < end;
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;

/**
 * `template_analytics` data points: one per template and day with sends, in the order asked.
 * Days are acceptance days; sent / delivered / read fold the status webhooks that went out.
 */
export function templateDataPoints(
  messages: readonly MessageFacts[],
  query: { templateIds: string[]; start: number; end: number; metricTypes: Set<string> },
): Record<string, unknown>[] {
  const groups = new Map<string, MessageFacts[]>();
  for (const facts of messages) {
    if (!facts.templateId || !query.templateIds.includes(facts.templateId)) continue;
    if (!inRange(facts, query.start, query.end)) continue;
    const key = `${facts.templateId}|${periodStart(Math.floor(facts.acceptedAt / 1000), 'DAILY')}`;
    const group = groups.get(key) ?? [];
    group.push(facts);
    groups.set(key, group);
  }
  const points: Record<string, unknown>[] = [];
  for (const [key, group] of groups) {
    const [templateId, day] = key.split('|') as [string, string];
    const start = Number(day);
    const point: Record<string, unknown> = { template_id: templateId, start, end: start + DAY_S };
    const states = group.map(stateOf);
    const delivered = states.filter((s) => s.delivered).length;
    if (query.metricTypes.has('SENT')) point.sent = states.filter((s) => s.sent).length;
    if (query.metricTypes.has('DELIVERED')) point.delivered = delivered;
    if (query.metricTypes.has('READ')) point.read = states.filter((s) => s.read).length;
    const clicks = new Map<string, { type: string; button_content: string; count: number }>();
    for (const facts of group) {
      for (const click of facts.clicks) {
        const id = `${click.type}|${click.content}`;
        const row = clicks.get(id) ?? { type: click.type, button_content: click.content, count: 0 };
        row.count++;
        clicks.set(id, row);
      }
    }
    if (query.metricTypes.has('CLICKED')) point.clicked = [...clicks.values()];
    if (query.metricTypes.has('COST')) {
      const spent = group.reduce((sum, facts, i) => sum + (states[i]?.delivered ? priceOf(facts) : 0), 0);
      const urlClicks = [...clicks.values()]
        .filter((c) => c.type === 'url_button')
        .reduce((n, c) => n + c.count, 0);
      point.cost = [
        { type: 'amount_spent', value: round(spent) },
        ...(delivered > 0 ? [{ type: 'cost_per_delivered', value: round(spent / delivered) }] : []),
        ...(urlClicks > 0 ? [{ type: 'cost_per_url_button_click', value: round(spent / urlClicks) }] : []),
      ];
    }
    points.push(point);
  }
  return points.sort(
    (a, b) =>
      query.templateIds.indexOf(a.template_id as string) -
        query.templateIds.indexOf(b.template_id as string) || (a.start as number) - (b.start as number),
  );
}

/** Price of one delivered message (0 when free). */
export function priceOf(facts: MessageFacts): number {
  return facts.pricingType === 'regular' ? (SIMULATED_PRICES[facts.category] ?? 0) : 0;
}

/** The simulated volume tiers of utility and authentication messages (per month, market and category). */
const TIERS: ReadonlyArray<readonly [number, number | null]> = [
  [0, 100_000],
  [100_000, 500_000],
  [500_000, null],
];

function tierOf(nth: number): string {
  const tier =
    TIERS.find(([, upper]) => upper === null || nth <= upper) ?? (TIERS[2] as readonly [number, null]);
  return `${tier[0]}:${tier[1] ?? 'MAX'}`;
}

/** Arguments of the `pricing_analytics` field expansion, parsed. */
export interface PricingQuery {
  start: number;
  end: number;
  granularity: string;
  metricTypes: string[] | undefined;
  dimensions: string[];
  pricingTypes: string[] | undefined;
  pricingCategories: string[] | undefined;
  countryCodes: string[] | undefined;
  phoneNumbers: string[] | undefined;
}

/**
 * `pricing_analytics` data points: delivered messages (Meta charges on delivery) by period and the
 * dimensions asked for, with their volume and cost. Utility and authentication volume is tiered
 * by its rank in the month for its country and category.
 */
export function pricingDataPoints(
  messages: readonly MessageFacts[],
  q: PricingQuery,
): Record<string, unknown>[] {
  const monthly = new Map<string, number>();
  const rows = new Map<string, Record<string, unknown> & { volume: number; cost: number }>();
  const dims = new Set(q.dimensions);
  for (const facts of messages) {
    const delivered = facts.statuses.get('delivered')?.at ?? facts.statuses.get('read')?.at;
    if (delivered === undefined) continue;
    const category = facts.category.toUpperCase();
    const pricingType = facts.pricingType.toUpperCase();
    const seconds = Math.floor(facts.acceptedAt / 1000);
    let tier: string | undefined;
    if (pricingType === 'REGULAR' && (category === 'UTILITY' || category === 'AUTHENTICATION')) {
      const monthKey = `${periodStart(seconds, 'MONTHLY')}|${facts.country}|${category}`;
      const nth = (monthly.get(monthKey) ?? 0) + 1;
      monthly.set(monthKey, nth);
      tier = tierOf(nth);
    }
    if (seconds < q.start || seconds >= q.end) continue;
    if (q.pricingTypes && !q.pricingTypes.includes(pricingType)) continue;
    if (q.pricingCategories && !q.pricingCategories.includes(category)) continue;
    if (q.countryCodes && !q.countryCodes.includes(facts.country)) continue;
    if (q.phoneNumbers && !q.phoneNumbers.includes(facts.displayPhoneNumber)) continue;
    const start = periodStart(seconds, q.granularity);
    const row: Record<string, unknown> = { start, end: periodEnd(start, q.granularity) };
    if (dims.has('COUNTRY')) row.country = facts.country;
    if (dims.has('PHONE')) row.phone_number = facts.displayPhoneNumber;
    if (dims.has('PRICING_CATEGORY')) row.pricing_category = category;
    if (dims.has('PRICING_TYPE')) row.pricing_type = pricingType;
    if (dims.has('TIER') && tier) row.tier = tier;
    const key = JSON.stringify(row);
    const existing = rows.get(key) ?? { ...row, volume: 0, cost: 0 };
    existing.volume++;
    existing.cost += priceOf(facts);
    rows.set(key, existing);
  }
  const metrics = new Set(q.metricTypes ?? ['COST', 'VOLUME']);
  return [...rows.values()]
    .sort((a, b) => (a.start as number) - (b.start as number))
    .map(({ volume, cost, ...row }) => ({
      ...row,
      ...(metrics.has('VOLUME') ? { volume } : {}),
      ...(metrics.has('COST') ? { cost: round(cost) } : {}),
    }));
}

/** Arguments of the messaging `analytics` field expansion, parsed. */
export interface MessagingQuery {
  start: number;
  end: number;
  granularity: string;
  phoneNumbers: string[] | undefined;
  productTypes: number[] | undefined;
  countryCodes: string[] | undefined;
}

/**
 * Messaging `analytics` data points: messages sent and delivered per period (acceptance time).
 * Product type 0 is business-initiated (templates), 2 user-initiated (free-form service replies).
 */
export function messagingDataPoints(
  messages: readonly MessageFacts[],
  q: MessagingQuery,
): Record<string, unknown>[] {
  const rows = new Map<number, { start: number; end: number; sent: number; delivered: number }>();
  for (const facts of messages) {
    if (!inRange(facts, q.start, q.end)) continue;
    if (q.phoneNumbers && !q.phoneNumbers.includes(facts.displayPhoneNumber)) continue;
    if (q.countryCodes && !q.countryCodes.includes(facts.country)) continue;
    if (q.productTypes && !q.productTypes.includes(facts.templateId ? 0 : 2)) continue;
    const state = stateOf(facts);
    const start = periodStart(Math.floor(facts.acceptedAt / 1000), q.granularity);
    const row = rows.get(start) ?? { start, end: periodEnd(start, q.granularity), sent: 0, delivered: 0 };
    if (state.sent) row.sent++;
    if (state.delivered) row.delivered++;
    rows.set(start, row);
  }
  return [...rows.values()].sort((a, b) => a.start - b.start);
}
