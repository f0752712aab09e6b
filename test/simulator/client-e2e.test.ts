import { afterEach, describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../src/client/index.js';
import { RateLimitError, RecipientError, TemplateError } from '../../src/errors/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { APP_SECRET, QUIET, startReceiver, statusesOf } from './helpers.js';

let sim: Simulator | undefined;
let wa: WhatsAppClient | undefined;
afterEach(async () => {
  await wa?.close();
  await sim?.close();
  wa = undefined;
  sim = undefined;
});

function client(s: Simulator): WhatsAppClient {
  wa = new WhatsAppClient({
    accessToken: 'test-token',
    phoneNumberId: s.phoneNumberId,
    businessAccountId: s.businessAccountId,
    baseUrl: s.url,
    maxRetries: 0,
    env: {},
  });
  return wa;
}

describe('WhatsAppClient against the simulator', () => {
  it('sends, and the status webhooks name the returned message id', async () => {
    const receiver = await startReceiver();
    try {
      sim = await startSimulator({ appSecret: APP_SECRET, webhookUrl: receiver.url, behaviour: QUIET });
      const result = await client(sim).messages.send({
        to: '+16505551234',
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'en_US' },
          components: [{ type: 'body', parameters: [{ type: 'text', text: '#1234' }] }],
        },
      });
      expect(result).toMatchObject({ input: '+16505551234', waId: '16505551234', messageStatus: 'accepted' });
      await sim.flush();
      const statuses = statusesOf(receiver.received).filter((s) => s.id === result.messageId);
      expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    } finally {
      await receiver.close();
    }
  });

  it('surfaces the simulator’s errors as typed errors', async () => {
    const now = Date.UTC(2026, 0, 1);
    sim = await startSimulator({ behaviour: { ...QUIET, messagesPerSecond: 1 }, now: () => now });
    const wa = client(sim);
    await expect(
      wa.messages.send({
        to: '+16505551234',
        type: 'template',
        template: { name: 'nope', language: { code: 'en_US' } },
      }),
    ).rejects.toMatchObject({ constructor: TemplateError, code: 132001 });
    await expect(
      wa.messages.send({ to: '+16505551234', type: 'text', text: { body: 'hi' } }),
    ).rejects.toBeInstanceOf(RateLimitError);
    sim = await restart(sim, { behaviour: QUIET });
    await expect(
      client(sim).messages.send({ to: '+16505551234', type: 'text', text: { body: 'hi' } }),
    ).rejects.toBeInstanceOf(RecipientError);
  });

  it('media, templates (all pages) and phone number fields round-trip', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const wa = client(sim);
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9, 8, 7]);
    const { id } = await wa.media.upload(bytes, { mimeType: 'image/jpeg', filename: 'a.jpg' });
    const info = await wa.media.get(id, { checkPhoneNumber: true });
    expect(Number(info.file_size)).toBe(bytes.length);
    const download = await wa.media.download(id);
    expect(
      new Uint8Array(await new Response(download.body as unknown as ReadableStream).arrayBuffer()),
    ).toEqual(bytes);
    expect(await wa.media.delete(id)).toEqual({ success: true });

    const names: string[] = [];
    for await (const template of wa.templates.list({ limit: 2 })) names.push(template.name);
    expect(names).toEqual(sim.templates.list().map((t) => t.name));

    const phone = await wa.phoneNumbers.get();
    expect(phone).toMatchObject({
      id: sim.phoneNumberId,
      quality_rating: 'GREEN',
      throughput: { level: 'STANDARD' },
      whatsapp_business_manager_messaging_limit: 'TIER_10K',
    });
  });
});

async function restart(old: Simulator, options: Parameters<typeof startSimulator>[0]): Promise<Simulator> {
  await wa?.close();
  wa = undefined;
  await old.close();
  return startSimulator(options);
}
