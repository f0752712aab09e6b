import type { StoredEvent } from '../../../../src/events/stored-event.js';
import { Prng } from '../../../../src/simulator/prng.js';

/** A seeded PRNG (the simulator's mulberry32): the same seed gives the same stream on every run. */
export function seededRandom(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}

/** Options of {@link generateCampaignStream}. */
export interface CampaignStreamOptions {
  /** Accepted messages of the measured campaign. */
  messages: number;
  /** PRNG seed. */
  seed?: number;
  /** The measured campaign's id (a second, smaller campaign `other` is mixed in). */
  campaignId?: string;
  /** Epoch ms of the first send. */
  startMs?: number;
  /**
   * Message ids as Meta writes them (`wamid.HBgL…`, about 60 characters: base64 of a protobuf with the
   * recipient and a hex id) instead of the short `wamid.<campaign>.<n>` (default). Longer keys make the
   * stores' indexes bigger, so benchmarks use them.
   */
  metaMessageIds?: boolean;
}

/** A unique, Meta-shaped wamid for message `n` of `campaign` to `recipient`. */
function metaWamid(kind: string, n: number, recipient: string): string {
  const hex = `${kind}${n.toString(16)}`.padStart(20, '0').toUpperCase();
  const digits = recipient.replace(/\D/g, '');
  return `wamid.${Buffer.from(`\x18\x0b${digits}\x15\x02\x00\x11\x18\x12${hex}\x00`).toString('base64')}`;
}

const HOUR = 3_600_000;
const CATEGORIES = ['marketing', 'utility', 'authentication'];
const FAIL_CODES = [131026, 131050, 131049, 131047, undefined];
const TEXTS = ['thanks!', 'STOP', 'Stop.', 'more info please', 'baja', 'how much?'];

/**
 * A realistic, seeded campaign event stream for store tests and benchmarks: sends (some refused),
 * statuses with pricing (repeated, out of order, read without delivered, failures after sends),
 * replies with and without context (some STOP), clicks, opt-outs, blocks and conversions, plus a second
 * campaign to the same recipients. About four events per message; ~10% are exact repeats and the whole
 * stream is locally shuffled.
 */
export function generateCampaignStream(options: CampaignStreamOptions): StoredEvent[] {
  const random = seededRandom(options.seed ?? 1);
  const campaignId = options.campaignId ?? 'spring';
  const start = options.startMs ?? Date.UTC(2026, 2, 1, 8);
  const recipients = Math.max(1, Math.floor(options.messages * 0.8));
  const events: StoredEvent[] = [];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const at = (ms: number) => new Date(Math.round(ms));
  const total = options.messages + Math.floor(options.messages / 10);

  for (let i = 0; i < total; i++) {
    const isOther = i >= options.messages;
    const campaign = isOther ? 'other' : campaignId;
    const r = Math.floor(random() * recipients);
    const recipientId =
      r % 7 === 0 ? `+1 650-${String(r).padStart(7, '0')}` : `1650${String(r).padStart(7, '0')}`;
    const sentAt = start + (isOther ? (i - options.messages) * 40 : i * 30) + Math.floor(random() * 1000);
    const variant = random() < 0.5 ? 'A' : 'B';
    const segment = pick(['vip', 'new', 'lapsed']);
    if (random() < 0.02) {
      const failed: StoredEvent = {
        kind: 'send_failed',
        recipientId,
        at: at(sentAt),
        campaignId: campaign,
        variant,
      };
      if (random() < 0.7) failed.errorCode = pick([131030, 100, 131009]);
      if (random() < 0.5) failed.idempotencyKey = `idem-${i}`;
      events.push(failed);
      continue;
    }
    const messageId = options.metaMessageIds
      ? metaWamid(isOther ? 'B' : 'A', i, recipientId)
      : `wamid.${campaign}.${i}`;
    events.push({
      kind: 'outbound',
      messageId,
      recipientId,
      at: at(sentAt),
      campaignId: campaign,
      variant,
      segment,
    });
    const category = pick(CATEGORIES);
    const regular = random() < 0.9;
    const pricing = regular
      ? { category, type: 'regular', billable: true }
      : { category: 'service', type: 'free_customer_service', billable: false };
    if (random() < 0.95)
      events.push({ kind: 'status', messageId, status: 'sent', at: at(sentAt + 500), pricing });
    const outcome = random();
    let delivered = false;
    if (outcome < 0.08) {
      const failed: StoredEvent = { kind: 'status', messageId, status: 'failed', at: at(sentAt + 2000) };
      const code = pick(FAIL_CODES);
      if (code !== undefined) failed.errorCode = code;
      events.push(failed);
    } else if (outcome < 0.9) {
      delivered = true;
      const readToo = random() < 0.55;
      if (!readToo || random() < 0.9) {
        events.push({ kind: 'status', messageId, status: 'delivered', at: at(sentAt + 3000), pricing });
      }
      if (readToo) {
        const read: StoredEvent = { kind: 'status', messageId, status: 'read', at: at(sentAt + 60_000) };
        if (random() < 0.1) read.pricing = pricing;
        events.push(read);
      }
      if (random() < 0.01) {
        events.push({
          kind: 'status',
          messageId,
          status: 'failed',
          at: at(sentAt + 4000),
          errorCode: 131026,
        });
      }
    }
    if (!delivered) continue;
    if (random() < 0.12) {
      const replyAt = sentAt + random() * 90 * HOUR;
      const reply: StoredEvent = {
        kind: 'inbound',
        messageId: options.metaMessageIds ? metaWamid('C', i, recipientId) : `wamid.in.${i}`,
        recipientId: recipientId.replace(/\D/g, ''),
        at: at(replyAt),
        messageType: 'text',
        text: pick(TEXTS),
      };
      if (random() < 0.5) reply.contextMessageId = messageId;
      if (random() < 0.1) {
        reply.messageType = 'button';
        reply.buttonPayload = pick(['STOP_PROMO', 'YES']);
        delete reply.text;
      }
      events.push(reply);
    }
    if (random() < 0.08) {
      const click: StoredEvent = {
        kind: 'click',
        at: at(sentAt + random() * 10 * HOUR),
        url: 'https://shop.test/x',
      };
      if (random() < 0.6) click.messageId = messageId;
      else {
        click.recipientId = recipientId;
        if (random() < 0.5) click.campaignId = campaign;
      }
      events.push(click);
    }
    if (random() < 0.02) {
      events.push({ kind: 'opt_out', recipientId, at: at(sentAt + random() * 80 * HOUR), source: 'keyword' });
    }
    if (random() < 0.01) events.push({ kind: 'block', recipientId, at: at(sentAt + 7 * HOUR), messageId });
    if (random() < 0.04) {
      const conversion: StoredEvent = {
        kind: 'conversion',
        at: at(sentAt + random() * 100 * HOUR),
        value: Math.round(random() * 10_000) / 100,
        currency: 'EUR',
      };
      if (random() < 0.5) conversion.messageId = messageId;
      else conversion.recipientId = recipientId;
      events.push(conversion);
    }
  }
  const repeats = Math.floor(events.length / 10);
  for (let k = 0; k < repeats; k++)
    events.push({ ...(events[Math.floor(random() * events.length)] as StoredEvent) });
  // Local disorder: swap each event with one up to 200 positions away.
  for (let k = events.length - 1; k > 0; k--) {
    const j = Math.max(0, k - Math.floor(random() * 200));
    const tmp = events[k] as StoredEvent;
    events[k] = events[j] as StoredEvent;
    events[j] = tmp;
  }
  return events;
}
