import type { EventStore } from '../events/event-store.js';
import type { IdentityLinks } from '../events/identity-links.js';
import { normalizeRecipientId } from '../events/recipient-id.js';
import type { HoldoutArm, HoldoutLift, HoldoutLiftEstimate } from './holdout-types.js';
import { resolveMetricsQuery } from './metrics-query.js';
import type { MetricsQuery } from './metrics-types.js';
import { normalQuantile, twoSidedPValue } from './normal-distribution.js';

const CONFIDENCE = 0.95;
/** Ids per scan, as the metrics scans do. */
const CHUNK = 10_000;

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += CHUNK) yield items.slice(i, i + CHUNK);
}

/** Wilson score interval of `successes / trials` at quantile `z` (`trials > 0`). */
function wilson(successes: number, trials: number, z: number): { lower: number; upper: number } {
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const spread = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  const denominator = 1 + z2 / trials;
  return {
    lower: Math.max(0, (centre - spread) / denominator),
    upper: Math.min(1, (centre + spread) / denominator),
  };
}

/**
 * The lift of arm 1 (treated) over arm 2 (held out): the difference of proportions with Newcombe's
 * hybrid score interval (his method 10: it keeps its coverage with rare conversions and small holdouts,
 * where the Wald interval does not), the relative lift, and the pooled z-test's p-value.
 */
export function holdoutLiftEstimate(
  treated: { converted: number; recipients: number },
  heldOut: { converted: number; recipients: number },
  confidenceLevel = CONFIDENCE,
): HoldoutLiftEstimate {
  const n1 = treated.recipients;
  const n2 = heldOut.recipients;
  if (n1 === 0 || n2 === 0) {
    return { absolute: null, relative: null, confidenceLevel, ci: null, pValue: null, significant: false };
  }
  const p1 = treated.converted / n1;
  const p2 = heldOut.converted / n2;
  const absolute = p1 - p2;
  const z = normalQuantile(1 - (1 - confidenceLevel) / 2);
  const w1 = wilson(treated.converted, n1, z);
  const w2 = wilson(heldOut.converted, n2, z);
  const ci = {
    lower: absolute - Math.sqrt((p1 - w1.lower) ** 2 + (w2.upper - p2) ** 2),
    upper: absolute + Math.sqrt((w1.upper - p1) ** 2 + (p2 - w2.lower) ** 2),
  };
  const pooled = (treated.converted + heldOut.converted) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const pValue = se === 0 ? 1 : twoSidedPValue(absolute / se);
  return {
    absolute,
    relative: p2 === 0 ? null : absolute / p2,
    confidenceLevel,
    ci,
    pValue,
    significant: ci.lower > 0 || ci.upper < 0,
  };
}

function arm(starts: Map<string, number>, converted: Set<string>): HoldoutArm {
  let count = 0;
  for (const person of starts.keys()) if (converted.has(person)) count++;
  return { recipients: starts.size, converted: count, rate: starts.size === 0 ? null : count / starts.size };
}

/**
 * A campaign's holdout lift (see {@link HoldoutLift}), or `undefined` when it held nobody out. Reads
 * only through `scan` (and `identityLinks`), so it is the same on every store:
 * - treated: each person (ids linked by the store count as one) with an `outbound` event of the
 *   campaign, from their first send; held out: each person with a `held_out` event of it and no send,
 *   from that event's time (both within the query's `from`/`to`);
 * - a person converted when a `conversion` event names them (`recipientId`, any of their ids) or a
 *   message the campaign sent them, at or after their start and before start + `attributionWindowMs`
 *   (default 72 h), whichever campaign the conversion names (always from the start:
 *   `attributionWindowFrom: 'click'` does not apply, as a held-out person has nothing to click).
 */
export async function computeHoldoutLift(
  store: EventStore,
  query: MetricsQuery,
): Promise<HoldoutLift | undefined> {
  const q = resolveMetricsQuery(query);
  const window: { from?: Date; to?: Date } = {};
  if (query.from) window.from = query.from;
  if (query.to) window.to = query.to;
  const held = new Map<string, number>();
  for await (const event of store.scan({ campaignId: q.campaignId, kinds: ['held_out'], ...window })) {
    const id = normalizeRecipientId(event.recipientId as string);
    const at = event.at.getTime();
    if (!(at >= (held.get(id) ?? Number.POSITIVE_INFINITY))) held.set(id, at);
  }
  if (held.size === 0) return undefined;
  const sends = new Map<string, number>();
  const messageOwner = new Map<string, string>();
  for await (const event of store.scan({ campaignId: q.campaignId, kinds: ['outbound'], ...window })) {
    if (event.kind !== 'outbound') continue;
    const id = normalizeRecipientId(event.recipientId);
    messageOwner.set(event.messageId, id);
    const at = event.at.getTime();
    if (!(at >= (sends.get(id) ?? Number.POSITIVE_INFINITY))) sends.set(id, at);
  }
  const links: IdentityLinks | undefined = await store.identityLinks?.([...held.keys(), ...sends.keys()]);
  const person = (id: string) => (links ? links.canonical(id) : normalizeRecipientId(id));
  const treated = byPerson(sends, person);
  const control = byPerson(held, person);
  for (const id of treated.keys()) control.delete(id);

  const windowMs = q.attributionWindowMs;
  const converted = new Set<string>();
  const consider = (who: string, atMs: number) => {
    const start = treated.get(who) ?? control.get(who);
    if (start !== undefined && atMs >= start && atMs < start + windowMs) converted.add(who);
  };
  const ids = links ? links.expand([...held.keys(), ...sends.keys()]) : [...held.keys(), ...sends.keys()];
  let earliest = Number.POSITIVE_INFINITY;
  for (const start of [...treated.values(), ...control.values()]) earliest = Math.min(earliest, start);
  const from = new Date(earliest);
  for (const chunk of chunks(ids)) {
    for await (const event of store.scan({ kinds: ['conversion'], recipientIds: chunk, from })) {
      if (event.kind === 'conversion' && event.recipientId !== undefined)
        consider(person(event.recipientId), event.at.getTime());
    }
  }
  for (const chunk of chunks([...messageOwner.keys()])) {
    for await (const event of store.scan({ kinds: ['conversion'], messageIds: chunk, from })) {
      const owner =
        event.kind === 'conversion' && event.messageId ? messageOwner.get(event.messageId) : undefined;
      if (owner !== undefined) consider(person(owner), event.at.getTime());
    }
  }
  const treatedArm = arm(treated, converted);
  const heldOutArm = arm(control, converted);
  return {
    treated: treatedArm,
    heldOut: heldOutArm,
    attributionWindowMs: windowMs,
    lift: holdoutLiftEstimate(treatedArm, heldOutArm),
  };
}

/** Start times per person (the earliest of their ids'). */
function byPerson(starts: Map<string, number>, person: (id: string) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, at] of starts) {
    const who = person(id);
    const known = out.get(who);
    if (known === undefined || at < known) out.set(who, at);
  }
  return out;
}
