import { describe, expect, it } from 'vitest';
import { WebhookPayloadError } from '../../src/errors/index.js';
import type { WebhookEvent } from '../../src/webhooks/index.js';
import { parseWebhook } from '../../src/webhooks/index.js';
import { fixture, fixtureNames, fixtureText, messagesEnvelope } from './helpers.js';

/** mulberry32: a tiny seeded PRNG, so every run mutates the same way. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALL_FIXTURES = [
  ...fixtureNames('spec').map((f) => `spec/${f}`),
  ...fixtureNames('notes').map((f) => `notes/${f}`),
];
const EVENT_TYPES = new Set([
  'status',
  'message',
  'template_status',
  'template_quality',
  'template_category',
  'user_preferences',
  'account_update',
  'phone_number_quality',
  'system_error',
  'unknown',
]);
const ODD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  '',
  'x',
  true,
  [],
  {},
  [null],
  { a: 1 },
  'x'.repeat(10_000),
  Number.NaN,
];

type Container = Record<string, unknown> | unknown[];

/** Every (container, key) pair of a JSON tree. */
function slots(
  node: unknown,
  out: Array<[Container, string | number]> = [],
): Array<[Container, string | number]> {
  if (Array.isArray(node)) {
    node.forEach((child, i) => {
      out.push([node, i]);
      slots(child, out);
    });
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, child] of Object.entries(node)) {
      out.push([node as Record<string, unknown>, key]);
      slots(child, out);
    }
  }
  return out;
}

function mutate(payload: unknown, random: () => number, count: number): void {
  for (let i = 0; i < count; i++) {
    const all = slots(payload);
    if (all.length === 0) return;
    const [container, key] = all[Math.floor(random() * all.length)] as [Container, string | number];
    const action = random();
    if (action < 0.4) {
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
    } else {
      const odd = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
      (container as Record<string | number, unknown>)[key] = structuredClone(odd);
    }
  }
}

function checkEvents(events: WebhookEvent[]): void {
  expect(Array.isArray(events)).toBe(true);
  for (const event of events) {
    expect(EVENT_TYPES.has(event.type)).toBe(true);
    if (event.type === 'status') {
      expect(typeof event.messageId).toBe('string');
      expect(typeof event.recipientId).toBe('string');
      expect(Number.isNaN(event.timestamp.getTime())).toBe(false);
    }
    if (event.type === 'message') {
      expect(typeof event.from).toBe('string');
      expect(typeof event.message.type).toBe('string');
      expect(Number.isNaN(event.timestamp.getTime())).toBe(false);
    }
  }
}

function parseOrPayloadError(payload: unknown): WebhookEvent[] | undefined {
  try {
    const events = parseWebhook(payload);
    checkEvents(events);
    return events;
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookPayloadError);
    return undefined;
  }
}

describe('parser fuzzing (seeded)', () => {
  it('random deletions and retypes of real payloads never throw anything but WebhookPayloadError', () => {
    const random = prng(0xc0ffee);
    let parsed = 0;
    let rejected = 0;
    for (let round = 0; round < 1500; round++) {
      const name = ALL_FIXTURES[round % ALL_FIXTURES.length] as string;
      const payload = fixture(name);
      mutate(payload, random, 1 + Math.floor(random() * 4));
      if (parseOrPayloadError(payload) === undefined) rejected++;
      else parsed++;
    }
    // Both outcomes must actually have been exercised.
    expect(parsed).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(0);
  });

  it('truncated JSON text is rejected with WebhookPayloadError', () => {
    const random = prng(7);
    for (const name of ALL_FIXTURES) {
      const text = fixtureText(name);
      for (let i = 0; i < 20; i++) {
        const cut = Math.floor(random() * (text.trimEnd().length - 1));
        expect(() => parseWebhook(text.slice(0, cut))).toThrow(WebhookPayloadError);
      }
    }
  });

  it('keeps every good status among bad ones', () => {
    const random = prng(42);
    const statuses: unknown[] = [];
    let good = 0;
    for (let i = 0; i < 2000; i++) {
      const status: Record<string, unknown> = {
        id: `wamid.${i}`,
        status: 'delivered',
        timestamp: String(1750000000 + i),
        recipient_id: '16505551234',
      };
      if (random() < 0.3) mutate(status, random, 1);
      else good++;
      statuses.push(status);
    }
    const events = parseWebhook(messagesEnvelope({ statuses }));
    checkEvents(events);
    expect(events).toHaveLength(2000);
    expect(events.filter((e) => e.type === 'status').length).toBeGreaterThanOrEqual(good);
  });

  it('handles a huge array (50k statuses) and deep garbage without hanging', () => {
    const statuses = Array.from({ length: 50_000 }, (_, i) => ({
      id: `wamid.${i}`,
      status: i % 2 ? 'read' : 'delivered',
      timestamp: '1750000000',
      recipient_id: '1',
    }));
    const events = parseWebhook(messagesEnvelope({ statuses }));
    expect(events).toHaveLength(50_000);
    expect(events.every((e) => e.type === 'status')).toBe(true);

    let deep: unknown = { id: 'x' };
    for (let i = 0; i < 5000; i++) deep = { nested: deep };
    const odd = parseWebhook(
      messagesEnvelope({ statuses: [deep], messages: Array.from({ length: 10_000 }, () => deep) }),
    );
    expect(odd).toHaveLength(10_001);
    expect(odd.every((e) => e.type === 'unknown')).toBe(true);
  });
});

describe('hand-checked fast paths agree with the zod schemas', () => {
  it('a mutated status is a status event exactly when the zod schema accepts it', async () => {
    const { statusSchema } = await import('../../src/webhooks/schemas.js');
    const random = prng(99);
    for (let i = 0; i < 3000; i++) {
      const status: Record<string, unknown> = {
        id: 'wamid.x',
        status: 'failed',
        timestamp: '1750000000',
        recipient_id: '1',
        biz_opaque_callback_data: 'c',
        pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
        conversation: { id: 'c', origin: { type: 'marketing' } },
        errors: [{ code: 131026, title: 't', message: 'm', error_data: { details: 'd' }, href: '/x' }],
      };
      mutate(status, random, 1 + Math.floor(random() * 2));
      const [event] = parseWebhook(messagesEnvelope({ statuses: [status] }));
      expect(event?.type === 'status').toBe(statusSchema.safeParse(status).success);
    }
  });

  const payloads: Record<string, unknown>[] = [
    { type: 'text', text: { body: 'hi' } },
    { type: 'button', button: { text: 'Stop', payload: 'STOP' } },
    { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'a', title: 'A' } } },
    {
      type: 'interactive',
      interactive: { type: 'list_reply', list_reply: { id: 'a', title: 'A', description: 'd' } },
    },
    {
      type: 'interactive',
      interactive: { type: 'nfm_reply', nfm_reply: { response_json: '{}', name: 'flow', body: 'Sent' } },
    },
    { type: 'reaction', reaction: { message_id: 'wamid.r', emoji: 'x' } },
    { type: 'image', image: { id: 'm', mime_type: 'image/jpeg', sha256: 's', caption: 'c', url: 'u' } },
    { type: 'audio', audio: { id: 'm', mime_type: 'audio/ogg', sha256: 's', voice: true } },
    { type: 'document', document: { id: 'm', mime_type: 'application/pdf', sha256: 's', filename: 'f.pdf' } },
    { type: 'sticker', sticker: { id: 'm', mime_type: 'image/webp', sha256: 's', animated: false } },
    { type: 'video', video: { id: 'm', mime_type: 'video/mp4', sha256: 's' } },
  ];

  it('a mutated common message is a message event exactly when the zod schemas accept it', async () => {
    const { messageBaseSchema, messagePayloadSchemas } = await import('../../src/webhooks/schemas.js');
    const random = prng(1234);
    for (let i = 0; i < 6000; i++) {
      const message: Record<string, unknown> = {
        from: '1',
        from_user_id: 'US.1',
        id: 'wamid.y',
        timestamp: '1750000000',
        context: { from: '2', id: 'wamid.ctx' },
        ...structuredClone(payloads[i % payloads.length]),
      };
      mutate(message, random, 1 + Math.floor(random() * 2));
      const [event] = parseWebhook(messagesEnvelope({ messages: [message] }));
      const base = messageBaseSchema.safeParse(message);
      const payloadSchema = base.success ? messagePayloadSchemas[base.data.type] : undefined;
      const accepted =
        base.success &&
        (payloadSchema === undefined || payloadSchema.safeParse(message[base.data.type]).success);
      expect(event?.type === 'message').toBe(accepted);
    }
  });
});
