import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../src/client/index.js';
import { RecipientError } from '../../src/errors/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';

// The whole client against wacloud's local Cloud API simulator, over loopback HTTP.
describe('client against the simulator', () => {
  let sim: Simulator;
  let wa: WhatsAppClient;
  beforeAll(async () => {
    sim = await startSimulator({});
    wa = new WhatsAppClient({
      accessToken: 'test-token',
      phoneNumberId: sim.phoneNumberId,
      businessAccountId: sim.businessAccountId,
      baseUrl: sim.url,
      env: {},
    });
  });
  afterAll(async () => {
    await wa.close();
    await sim.close();
  });

  it('lists templates across pages and sends an approved one', async () => {
    const templates = [];
    for await (const t of wa.templates.list({ limit: 2 })) templates.push(t);
    expect(templates.length).toBeGreaterThan(2);
    const approved = templates.find((t) => t.status === 'APPROVED')!;
    const sent = await wa.messages.send({
      to: '+16505551234',
      type: 'template',
      template: { name: approved.name, language: { code: approved.language! } },
    });
    expect(sent.messageId).toMatch(/^wamid\./);
    expect(sent.input).toBe('+16505551234');
    expect(sim.messages.some((m) => JSON.stringify(m).includes(sent.messageId))).toBe(true);
  });

  it('gets a typed error for free-form text outside the 24 h window', async () => {
    await expect(wa.messages.send({ to: '+16505550000', text: { body: 'hi' } })).rejects.toSatisfy(
      (e: unknown) => e instanceof RecipientError && e.code === 131047,
    );
  });

  it('reads the phone number fields', async () => {
    await expect(wa.phoneNumbers.get()).resolves.toMatchObject({
      id: sim.phoneNumberId,
      quality_rating: expect.any(String),
      throughput: { level: expect.any(String) },
      whatsapp_business_manager_messaging_limit: expect.any(String),
    });
  });

  it('round-trips media: upload, get, download, delete', async () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const { id } = await wa.media.upload(bytes, { mimeType: 'image/jpeg', filename: 'a.jpg' });
    await expect(wa.media.get(id)).resolves.toMatchObject({ id, mime_type: 'image/jpeg' });
    const download = await wa.media.download(id);
    expect(new Uint8Array(await download.body.arrayBuffer())).toEqual(bytes);
    await expect(wa.media.delete(id)).resolves.toEqual({ success: true });
  });

  it('creates and deletes a template', async () => {
    const created = await wa.templates.create({
      name: 'client_test_tpl',
      category: 'UTILITY',
      language: 'en_US',
      components: [{ type: 'BODY', text: 'Hello' }],
    });
    expect(created.status).toBe('PENDING');
    await expect(wa.templates.delete({ name: 'client_test_tpl' })).resolves.toEqual({ success: true });
  });
});
