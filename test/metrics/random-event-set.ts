import type { StoredEvent } from '../../src/events/stored-event.js';
import type { NaiveQuery } from './naive-metrics.js';

/**
 * Small random event sets for the metrics property test: a handful of recipients and messages per case,
 * every kind of event, repeats, disorder, missing webhooks, clicks without statuses, 131049/131050 on
 * both paths (refused send and failed status), user-id-only replies, events outside the window or
 * before the first send. Each case is isolated by its index (campaign, message and recipient ids carry
 * it), so many cases can share one store.
 */

/** One person: a phone number (as Meta writes `wa_id`) and a business-scoped user id. */
export interface RandomPerson {
  phone: string;
  userId: string;
}

/** A generated case: its events (repeated and shuffled) and the query to check. */
export interface RandomCase {
  index: number;
  events: StoredEvent[];
  query: NaiveQuery & { campaignId: string };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 4, 4, 9);
const REPLIES = ['Thanks!', 'STOP', 'stop.', 'СТОП', 'Please stop sending offers', 'how much?'];
const PAYLOADS = ['STOP_PROMO', 'INTERESTED', 'unsubscribe'];
const FAILURE_CODES = [131050, 131049, 131026, 131000, undefined];
const REFUSAL_CODES = [131050, 131049, 131030, 100, undefined];
const OPT_OUT_SOURCES = [
  'user_preferences',
  'keyword',
  'quick_reply',
  'manual',
  'app',
  'error_131050',
  undefined,
];

/**
 * How an event names its person: a phone number in any common format, or (a `userIdShare` of events)
 * only the business-scoped user id, which is the same person as the phone number once some event of the
 * set reports the two together (a status's `recipient_user_id`, an inbound's `from_user_id`).
 */
function idFor(person: RandomPerson, random: () => number, userIdShare: number): string {
  const r = random();
  if (r < userIdShare) return person.userId;
  const digits = person.phone;
  if (r < 0.6) return digits;
  if (r < 0.8) return `+${digits}`;
  return `+${digits.slice(0, 2)} ${digits.slice(2, 6)}-${digits.slice(6)}`;
}

/** Generates case `index` from `random` (a seeded PRNG shared across cases). */
export function randomCase(index: number, random: () => number): RandomCase {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number) => random() < p;
  const int = (n: number) => Math.floor(random() * n);
  const campaignId = `c${index}`;
  const otherCampaign = `o${index}`;
  const people: RandomPerson[] = [];
  for (let p = 0, n = 1 + int(4); p < n; p++) {
    // Mostly German numbers; some from codes several countries share, some from multi-zone countries.
    const prefix = chance(0.6) ? '49' : pick(['1', '1876', '44', '7', '91', '55', '977']);
    const phone = `${prefix}${String(index).padStart(6, '0')}${p}${int(10)}`;
    people.push({ phone, userId: `DE.${index}.${p}` });
  }
  const events: StoredEvent[] = [];
  const sends: Array<{
    messageId: string;
    person: RandomPerson;
    at: number;
    campaign: string;
    code?: string;
  }> = [];
  const time = () => T0 + int(4) * 20 * HOUR + int(3) * MINUTE + (chance(0.2) ? 0 : int(1000));

  // Sends: accepted (some to another campaign, some in the same millisecond) and refused.
  for (let i = 0, n = 1 + int(7); i < n; i++) {
    const person = pick(people);
    const campaign = chance(0.8) ? campaignId : otherCampaign;
    const at = sends.length > 0 && chance(0.1) ? sends[sends.length - 1]!.at : time();
    if (chance(0.15)) {
      const refused: StoredEvent = {
        kind: 'send_failed',
        recipientId: idFor(person, random, 0),
        at: new Date(at + i),
        campaignId: campaign,
      };
      const code = pick(REFUSAL_CODES);
      if (code !== undefined) refused.errorCode = code;
      if (chance(0.5)) refused.variant = pick(['A', 'B']);
      if (chance(0.5)) refused.idempotencyKey = `${campaign}:${i}`;
      events.push(refused);
      continue;
    }
    const messageId = `wamid.${index}.${i}`;
    const outbound: StoredEvent = {
      kind: 'outbound',
      messageId,
      recipientId: idFor(person, random, 0),
      at: new Date(at),
      campaignId: campaign,
    };
    if (chance(0.6)) outbound.variant = pick(['A', 'B']);
    if (chance(0.4)) outbound.segment = pick(['vip', 'new']);
    if (chance(0.5)) outbound.templateName = pick(['spring_sale', 'reminder']);
    // The recipient's record zone: valid, or a value that is no IANA zone (ignored).
    const metadata: Record<string, unknown> = {};
    if (chance(0.15)) metadata.timeZone = pick(['Asia/Tokyo', 'America/Chicago', 'Mars/Base']);
    // Discount codes (`issueCodes`): unique per send, shared per variant, or shared across variants.
    const codeDraw = random();
    if (codeDraw < 0.25) metadata.discountCode = `U${index}.${i}`;
    else if (codeDraw < 0.4)
      metadata.discountCode = chance(0.7) ? `S${index}-${outbound.variant ?? 'none'}` : `S${index}-MIXED`;
    if (Object.keys(metadata).length > 0) outbound.metadata = metadata;
    events.push(outbound);
    const send: (typeof sends)[number] = { messageId, person, at, campaign };
    if (typeof metadata.discountCode === 'string') send.code = metadata.discountCode;
    sends.push(send);

    // Statuses: any subset (missing webhooks included), each status at most once per message.
    const pricing = chance(0.7)
      ? { category: pick(['marketing', 'utility']), type: 'regular', billable: true }
      : { category: 'service', type: 'free_customer_service', billable: false };
    for (const status of ['sent', 'delivered', 'read', 'played', 'failed']) {
      const p = status === 'played' ? 0.05 : status === 'failed' ? 0.25 : status === 'sent' ? 0.7 : 0.4;
      if (!chance(p)) continue;
      const event: StoredEvent = {
        kind: 'status',
        messageId,
        status,
        at: new Date(at + 1000 + int(10 * HOUR)),
        recipientId: person.phone,
      };
      if (chance(0.3)) event.userId = person.userId;
      if (status === 'failed') {
        const code = pick(FAILURE_CODES);
        if (code !== undefined) event.errorCode = code;
      } else if (chance(0.6)) event.pricing = pricing;
      events.push(event);
    }
  }

  // Engagement: each names a message (of this campaign, another, or none), or only a recipient.
  const engagementAt = () => new Date(T0 - HOUR + int(6 * 24) * HOUR + int(60) * MINUTE);
  const metaClickId = () => `clk.${index}.${int(4)}`;
  const someMessage = () =>
    sends.length > 0 && chance(0.85) ? pick(sends).messageId : `wamid.elsewhere.${index}`;
  for (let e = 0, n = int(12); e < n; e++) {
    // Some events fall in the very second of a send to that person: webhook timestamps are whole
    // seconds, so they come out stamped before the millisecond-stamped send they answer.
    const anchor = sends.length > 0 && chance(0.15) ? pick(sends) : undefined;
    const person = anchor ? anchor.person : pick(people);
    const at = anchor ? new Date(Math.floor(anchor.at / 1000) * 1000) : engagementAt();
    const who = idFor(person, random, 0.1);
    switch (
      pick(['click', 'click', 'meta_click', 'inbound', 'inbound', 'opt_out', 'opt_in', 'block', 'conversion'])
    ) {
      case 'click': {
        const click: StoredEvent = {
          kind: 'click',
          at,
          url: pick(['https://a.example/', 'https://b.example/']),
        };
        const how = random();
        if (how < 0.5) click.messageId = someMessage();
        else {
          click.recipientId = who;
          if (how < 0.8) click.campaignId = chance(0.8) ? campaignId : otherCampaign;
        }
        // The redirect saw Meta's click id (`fbclid`): a few ids, so two links may share one.
        if (chance(0.5)) click.clickId = metaClickId();
        events.push(click);
        break;
      }
      case 'meta_click': {
        // Meta's `user_actions` click: no message, no recipient, only its click id.
        events.push({ kind: 'click', at, source: 'meta', clickId: metaClickId(), component: 'cta' });
        break;
      }
      case 'inbound': {
        const inbound: StoredEvent = {
          kind: 'inbound',
          messageId: `wamid.in.${index}.${e}`,
          recipientId: who,
          at,
          messageType: 'text',
          text: pick(REPLIES),
        };
        if (chance(0.4)) inbound.contextMessageId = someMessage();
        if (who !== person.userId && chance(0.2)) inbound.userId = person.userId;
        const flavour = random();
        if (flavour < 0.2) {
          inbound.messageType = 'button';
          inbound.buttonPayload = pick(PAYLOADS);
        } else if (flavour < 0.3) {
          inbound.messageType = 'system';
          delete inbound.text;
        } else if (flavour < 0.4) {
          inbound.messageType = 'reaction';
          delete inbound.text;
        }
        events.push(inbound);
        break;
      }
      case 'opt_out':
      case 'opt_in':
      case 'block': {
        const kind = pick(['opt_out', 'opt_out', 'opt_in', 'block'] as const);
        const event: StoredEvent = { kind, recipientId: who, at };
        const source = kind === 'opt_out' ? pick(OPT_OUT_SOURCES) : pick(['app', 'user_preferences']);
        if (source !== undefined) event.source = source;
        if (chance(0.4)) event.messageId = someMessage();
        events.push(event);
        break;
      }
      default: {
        // Mixed currencies (a lower-case code, none at all) without another random draw, so seeds keep their events.
        const currency = at.getTime() % 7 === 0 ? undefined : at.getTime() % 3 === 0 ? 'usd' : 'EUR';
        const conversion: StoredEvent = { kind: 'conversion', at, ...(currency ? { currency } : {}) };
        if (chance(0.9)) conversion.value = int(100_000) / 100;
        const how = random();
        const someCampaign = () => (chance(0.8) ? campaignId : otherCampaign);
        if (how < 0.3) conversion.messageId = someMessage();
        else if (how < 0.5) {
          // A discount code: one the campaigns sent (unique or shared), or one nobody sent.
          const codes = sends.flatMap((s) => (s.code === undefined ? [] : [s.code]));
          conversion.code = codes.length > 0 && chance(0.85) ? pick(codes) : `NOPE${index}.${int(3)}`;
          if (chance(0.4)) conversion.recipientId = who;
          if (chance(0.3)) conversion.campaignId = someCampaign();
        } else if (how < 0.58) {
          // Through a tracked link's token (campaign + recipient, verified when recorded).
          conversion.recipientId = who;
          conversion.campaignId = someCampaign();
          conversion.token = `tok.${index}.${e}`;
        } else if (how < 0.85) {
          conversion.recipientId = who;
          if (how < 0.75) conversion.campaignId = someCampaign();
        } else conversion.campaignId = someCampaign();
        events.push(conversion);
      }
    }
  }

  // Repeats (verbatim, as webhook retries) and disorder.
  for (let k = 0, n = int(events.length + 1); k < n; k++) {
    const original = pick(events);
    events.push(structuredClone(original));
  }
  for (let k = events.length - 1; k > 0; k--) {
    const j = int(k + 1);
    [events[k], events[j]] = [events[j]!, events[k]!];
  }

  const query: RandomCase['query'] = { campaignId };
  if (chance(0.3)) query.attributionWindowMs = pick([0, 30 * MINUTE, 6 * HOUR, 30 * HOUR]);
  if (chance(0.15)) query.from = new Date(T0 + 20 * HOUR);
  if (chance(0.15)) query.to = new Date(T0 + 60 * HOUR);
  if (chance(0.45))
    query.groupBy = pick(['variant', 'segment', 'hour', 'weekday', 'template', 'country'] as const);
  if (chance(0.3)) query.timeZone = pick(['America/New_York', 'Asia/Kolkata', 'UTC']);
  if (chance(0.3)) query.rateCard = { marketing: 0.0613, utility: 0.008 };
  if (chance(0.2)) {
    query.blockInference = { afterMs: pick([HOUR, 24 * HOUR]) };
    query.now = new Date(T0 + 5 * 24 * HOUR);
  }
  if (chance(0.4)) {
    query.attributionWindowFrom = 'click';
    // A click well after a send, then a conversion naming only its recipient a little later: the window
    // from the click is what decides whether it counts.
    const ours = sends.filter((s) => s.campaign === campaignId);
    if (ours.length > 0 && chance(0.6)) {
      const send = pick(ours);
      const clickAt = send.at + (20 + int(80)) * HOUR;
      events.push(
        { kind: 'click', at: new Date(clickAt), url: 'https://a.example/', messageId: send.messageId },
        {
          kind: 'conversion',
          at: new Date(clickAt + int(40) * HOUR),
          value: 1 + int(100),
          recipientId: idFor(send.person, random, 0.1),
        },
      );
    }
  }
  return { index, events, query };
}
