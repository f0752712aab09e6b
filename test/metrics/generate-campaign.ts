import type { StoredEvent } from '../../src/events/stored-event.js';
import { Prng } from '../../src/simulator/prng.js';

/** A seeded PRNG (the simulator's mulberry32): the same seed gives the same stream on every run. */
export function mulberry32(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}

/** Options of {@link generateCampaign}. */
export interface GenerateCampaignOptions {
  /** Accepted messages of the measured campaign (`campaignId`). */
  messages: number;
  /** PRNG seed (default 7). */
  seed?: number;
  /** Id of the measured campaign (default `launch`); a second campaign `followup` reuses its recipients. */
  campaignId?: string;
  /** Epoch ms of the first send (default 2026-03-02T09:00Z). */
  startMs?: number;
  /** Share of events repeated verbatim (default 0.1). */
  repeatShare?: number;
  /** Fully shuffle the stream instead of the default local disorder. */
  shuffle?: boolean;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const REPLIES = [
  'Thanks!',
  'STOP',
  'stop.',
  'İptal',
  'СТОП',
  '退订',
  'how much is it?',
  'Please stop sending offers',
];
const FAILURES = [131026, 131026, 131050, 131049, 131047, 131000, undefined];

/**
 * A realistic, seeded event stream of one campaign (~4 events per message) plus a follow-up campaign to
 * the same recipients: refused sends, statuses with pricing (read without delivered, failures, a
 * failure after delivery, voice-note `played`), replies with and without context (some STOP in several
 * languages, STOP quick replies, system messages), clicks by message or by campaign+recipient,
 * opt-outs, blocks and conversions (by message, recipient or campaign, some outside the attribution
 * window or for the other campaign). ~10% of events are repeated and the stream is out of order.
 */
export function generateCampaign(options: GenerateCampaignOptions): StoredEvent[] {
  const random = mulberry32(options.seed ?? 7);
  const campaignId = options.campaignId ?? 'launch';
  const start = options.startMs ?? Date.UTC(2026, 2, 2, 9);
  const recipientCount = Math.max(1, Math.floor(options.messages * 0.75));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number) => random() < p;
  const events: StoredEvent[] = [];
  const followups = Math.floor(options.messages / 5);

  for (let i = 0; i < options.messages + followups; i++) {
    const main = i < options.messages;
    const campaign = main ? campaignId : 'followup';
    const r = Math.floor(random() * recipientCount);
    const digits = `4915${String(r).padStart(8, '0')}`;
    const recipientId =
      r % 5 === 0 ? `+${digits.slice(0, 2)} ${digits.slice(2, 6)} ${digits.slice(6)}` : digits;
    // Sends 20 ms apart (some share a millisecond); the follow-up starts a day later.
    const sentMs = main ? start + Math.floor(i * 20) : start + 24 * HOUR + (i - options.messages) * 50;
    const variant = chance(0.5) ? 'A' : 'B';
    const segment = pick(['vip', 'new', 'lapsed']);

    if (chance(0.02)) {
      const refused: StoredEvent = {
        kind: 'send_failed',
        recipientId,
        at: new Date(sentMs),
        campaignId: campaign,
        variant,
        segment,
      };
      if (chance(0.8)) refused.errorCode = pick([131030, 131009, 100, 131051]);
      if (chance(0.5)) refused.idempotencyKey = `${campaign}:${i}`;
      events.push(refused);
      continue;
    }
    const messageId = `wamid.${campaign}.${i.toString(36)}`;
    const outbound: StoredEvent = {
      kind: 'outbound',
      messageId,
      recipientId,
      at: new Date(sentMs),
      campaignId: campaign,
      variant,
      segment,
    };
    if (chance(0.3)) outbound.templateName = 'spring_sale';
    events.push(outbound);

    const regular = chance(0.85);
    const pricing = regular
      ? { category: pick(['marketing', 'marketing', 'utility']), type: 'regular', billable: true }
      : { category: 'service', type: 'free_customer_service', billable: false };
    const status = (
      name: string,
      afterMs: number,
      extra: Partial<Extract<StoredEvent, { kind: 'status' }>> = {},
    ) =>
      events.push({
        kind: 'status',
        messageId,
        status: name,
        at: new Date(sentMs + afterMs),
        recipientId: digits,
        ...extra,
      });

    if (chance(0.97)) status('sent', 800, { pricing });
    const outcome = random();
    let delivered = false;
    if (outcome < 0.07) {
      const code = pick(FAILURES);
      status('failed', 3000, code === undefined ? {} : { errorCode: code });
    } else if (outcome < 0.93) {
      delivered = true;
      const read = chance(0.6);
      if (!read || chance(0.85)) status('delivered', 2000 + random() * MINUTE, { pricing });
      if (read)
        status(
          chance(0.02) ? 'played' : 'read',
          5 * MINUTE + random() * 20 * HOUR,
          chance(0.15) ? { pricing } : {},
        );
      if (chance(0.01)) status('failed', 4000, { errorCode: 131000 });
    }
    if (!delivered) {
      if (chance(0.02))
        events.push({ kind: 'block', recipientId: digits, at: new Date(sentMs + 3 * HOUR), source: 'app' });
      continue;
    }
    if (chance(0.1)) {
      const reply: StoredEvent = {
        kind: 'inbound',
        messageId: `wamid.in.${campaign}.${i.toString(36)}`,
        recipientId: digits,
        at: new Date(sentMs + random() * 96 * HOUR),
        messageType: 'text',
        text: pick(REPLIES),
      };
      if (chance(0.5)) reply.contextMessageId = messageId;
      const flavour = random();
      if (flavour < 0.1) {
        reply.messageType = 'button';
        reply.buttonPayload = pick(['STOP_PROMO', 'INTERESTED', 'unsubscribe']);
        reply.text = reply.buttonPayload === 'INTERESTED' ? 'Tell me more' : 'Stop promotions';
      } else if (flavour < 0.13) {
        reply.messageType = 'system';
        delete reply.text;
      }
      events.push(reply);
    }
    const clicks = chance(0.14) ? 1 + Math.floor(random() * 3) : 0;
    for (let c = 0; c < clicks; c++) {
      const click: StoredEvent = {
        kind: 'click',
        at: new Date(sentMs + random() * 120 * HOUR),
        url: 'https://shop.example/sale',
      };
      const how = random();
      if (how < 0.6) click.messageId = messageId;
      else if (how < 0.9) {
        click.campaignId = campaign;
        click.recipientId = recipientId;
      } else click.recipientId = digits;
      events.push(click);
    }
    if (chance(0.015)) {
      const optOut: StoredEvent = {
        kind: 'opt_out',
        recipientId: digits,
        at: new Date(sentMs + random() * 80 * HOUR),
        source: 'user_preferences',
      };
      if (chance(0.3)) optOut.messageId = messageId;
      events.push(optOut);
    }
    if (chance(0.005))
      events.push({
        kind: 'block',
        recipientId,
        at: new Date(sentMs + random() * 10 * HOUR),
        messageId,
        source: 'app',
      });
    if (chance(0.05)) {
      const conversion: StoredEvent = {
        kind: 'conversion',
        at: new Date(sentMs + random() * 90 * HOUR),
        value: Math.round(random() * 20_000) / 100,
        currency: 'EUR',
      };
      const how = random();
      if (how < 0.4) conversion.messageId = messageId;
      else if (how < 0.7) conversion.recipientId = recipientId;
      else {
        conversion.recipientId = digits;
        conversion.campaignId = chance(0.8) ? campaign : 'elsewhere';
      }
      events.push(conversion);
    }
  }

  const repeats = Math.floor(events.length * (options.repeatShare ?? 0.1));
  for (let k = 0; k < repeats; k++) {
    const original = events[Math.floor(random() * events.length)] as StoredEvent;
    events.push({ ...original, at: new Date(original.at.getTime()) } as StoredEvent);
  }
  if (options.shuffle) {
    for (let k = events.length - 1; k > 0; k--) swap(events, k, Math.floor(random() * (k + 1)));
  } else {
    // Local disorder, as webhooks arrive: each event may trade places with one up to 500 positions earlier.
    for (let k = events.length - 1; k > 0; k--) swap(events, k, Math.max(0, k - Math.floor(random() * 500)));
  }
  return events;
}

function swap<T>(items: T[], a: number, b: number): void {
  const tmp = items[a] as T;
  items[a] = items[b] as T;
  items[b] = tmp;
}
