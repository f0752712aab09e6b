import { eventKey } from '../events/event-key.js';
import type { EventStore } from '../events/event-store.js';
import { normalizeRecipientId } from '../events/recipient-id.js';
import type { StoredEvent } from '../events/stored-event.js';
import { resolveMetricsQuery } from '../metrics/metrics-query.js';

/** Taps on one tracked URL or one quick-reply payload, for all of a campaign or one variant. */
export interface TapCounts {
  /** Every tap (a recipient tapping three times adds 3). */
  total: number;
  /** Distinct recipients who tapped. */
  unique: number;
}

/** One tracked URL or quick-reply payload of a campaign and its taps, overall and per variant. */
export interface TapTargetStats extends TapCounts {
  /** The tracked URL (a link) or the button's payload (a quick reply). */
  target: string;
  /** Per A/B variant of the message tapped (`(none)` without one), sorted by variant. */
  byVariant: Array<TapCounts & { variant: string }>;
}

/** What {@link linkAndButtonStats} returns: most tapped first, then by target. */
export interface LinkAndButtonStats {
  /** Each tracked URL and its clicks (on your redirect). */
  links: TapTargetStats[];
  /** Each quick-reply payload and its taps. */
  buttons: TapTargetStats[];
}

/** Which messages of the campaign {@link linkAndButtonStats} reads: by campaign and send time. */
export interface LinkAndButtonQuery {
  /** The campaign. */
  campaignId: string;
  /** Only messages sent at or after this instant. */
  from?: Date;
  /** Only messages sent strictly before this instant. */
  to?: Date;
}

const NO_VARIANT = '(none)';

interface Send {
  readonly messageId: string;
  readonly person: string;
  readonly atMs: number;
  readonly variant: string;
}

/** Tallies taps per target and variant, counting people once per cell. */
class TapTally {
  readonly #cells = new Map<string, Map<string, { total: number; people: Set<string> }>>();

  add(target: string, send: Send): void {
    let variants = this.#cells.get(target);
    if (variants === undefined) {
      variants = new Map();
      this.#cells.set(target, variants);
    }
    let cell = variants.get(send.variant);
    if (cell === undefined) {
      cell = { total: 0, people: new Set() };
      variants.set(send.variant, cell);
    }
    cell.total++;
    cell.people.add(send.person);
  }

  stats(): TapTargetStats[] {
    const out: TapTargetStats[] = [];
    for (const [target, variants] of this.#cells) {
      const people = new Set<string>();
      let total = 0;
      const byVariant = [...variants.keys()].sort().map((variant) => {
        const cell = variants.get(variant)!;
        total += cell.total;
        for (const person of cell.people) people.add(person);
        return { variant, total: cell.total, unique: cell.people.size };
      });
      out.push({ target, total, unique: people.size, byVariant });
    }
    return out.sort((a, b) => b.total - a.total || (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  }
}

/**
 * Each tracked URL and each quick-reply payload of a campaign with its taps (total and unique
 * recipients), overall and per variant: for the report's "Links and buttons" section. A click counts
 * when it names one of the campaign's messages, or the campaign and a recipient it sent to (then it is
 * that recipient's latest message sent at or before the click, to the second); a quick-reply tap when
 * it answers one of the campaign's messages (`contextMessageId`). Repeats count once. Meta's own click
 * webhooks carry no URL and are not listed (they are in `clicks`). Works with any store (`scan`).
 */
export async function linkAndButtonStats(
  store: EventStore,
  query: LinkAndButtonQuery,
): Promise<LinkAndButtonStats> {
  const q = resolveMetricsQuery(query);
  const messages = new Map<string, Send>();
  const byPerson = new Map<string, Send[]>();
  const window: { from?: Date; to?: Date } = {};
  if (query.from) window.from = query.from;
  if (query.to) window.to = query.to;
  for await (const e of store.scan({ campaignId: q.campaignId, kinds: ['outbound'], ...window })) {
    if (e.kind !== 'outbound' || messages.has(e.messageId)) continue;
    const send: Send = {
      messageId: e.messageId,
      person: normalizeRecipientId(e.recipientId),
      atMs: e.at.getTime(),
      variant: e.variant ?? NO_VARIANT,
    };
    messages.set(e.messageId, send);
    const list = byPerson.get(send.person);
    if (list === undefined) byPerson.set(send.person, [send]);
    else list.push(send);
  }
  const links = new TapTally();
  const buttons = new TapTally();
  const seen = new Set<string>();
  const once = (e: StoredEvent): boolean => {
    const key = eventKey(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  const latestSend = (recipientId: string, atMs: number): Send | undefined => {
    const before = Math.floor(atMs / 1000) * 1000 + 1000;
    let best: Send | undefined;
    for (const send of byPerson.get(normalizeRecipientId(recipientId)) ?? []) {
      if (send.atMs >= before) continue;
      if (!best || send.atMs > best.atMs || (send.atMs === best.atMs && send.messageId > best.messageId))
        best = send;
    }
    return best;
  };
  const ids = [...messages.keys()];
  for (let i = 0; i < ids.length; i += 10_000) {
    for await (const e of store.scan({ kinds: ['click'], messageIds: ids.slice(i, i + 10_000) })) {
      if (e.kind !== 'click' || e.source === 'meta' || e.url === undefined || !once(e)) continue;
      const send = e.messageId === undefined ? undefined : messages.get(e.messageId);
      if (send) links.add(e.url, send);
    }
  }
  const people = [...byPerson.keys()];
  for (let i = 0; i < people.length; i += 10_000) {
    const recipientIds = people.slice(i, i + 10_000);
    for await (const e of store.scan({ kinds: ['click', 'inbound'], recipientIds })) {
      if (e.kind === 'click') {
        if (e.messageId !== undefined || e.campaignId !== q.campaignId || e.url === undefined) continue;
        if (e.recipientId === undefined || !once(e)) continue;
        const send = latestSend(e.recipientId, e.at.getTime());
        if (send) links.add(e.url, send);
      } else if (e.kind === 'inbound' && e.buttonPayload !== undefined && e.contextMessageId !== undefined) {
        const send = messages.get(e.contextMessageId);
        if (send && once(e)) buttons.add(e.buttonPayload, send);
      }
    }
  }
  return { links: links.stats(), buttons: buttons.stats() };
}
