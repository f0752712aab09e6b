import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { graph, QUIET, startReceiver, TOKEN } from './helpers.js';

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };

async function upload(bytes: Uint8Array, type: string) {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('file', new Blob([bytes], { type }), 'photo.jpg');
  const response = await fetch(`${sim.url}/v23.0/${sim.phoneNumberId}/media`, {
    method: 'POST',
    headers: auth,
    body: form,
  });
  // biome-ignore lint/suspicious/noExplicitAny: Meta's JSON
  return { status: response.status, json: (await response.json()) as any };
}

describe('media', () => {
  it('uploads, describes, downloads (token required) and deletes', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    const up = await upload(bytes, 'image/jpeg');
    expect(up.status).toBe(200);
    expect(up.json).toEqual({ id: expect.stringMatching(/^\d+$/) });
    const id = up.json.id as string;

    const info = await graph(sim, `${id}?phone_number_id=${sim.phoneNumberId}`);
    expect(info.json).toEqual({
      messaging_product: 'whatsapp',
      url: expect.stringContaining(`${sim.url}/media-download/${id}`),
      mime_type: 'image/jpeg',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      file_size: String(bytes.length),
      id,
    });

    const noToken = await fetch(info.json.url);
    expect(noToken.status).toBe(401);
    const download = await fetch(info.json.url, { headers: auth });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);

    expect((await graph(sim, id, { method: 'DELETE' })).json).toEqual({ success: true });
    expect((await graph(sim, id)).json.error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('refuses an upload without messaging_product or file, and a file over the size limit', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array([1])], { type: 'image/png' }), 'a.png');
    const response = await fetch(`${sim.url}/v23.0/${sim.phoneNumberId}/media`, {
      method: 'POST',
      headers: auth,
      body: form,
    });
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(100);
    const tooBig = await upload(new Uint8Array(5 * 1024 * 1024 + 1), 'image/png');
    expect(tooBig.json.error.code).toBe(131053);
  });
});

describe('message templates', () => {
  it('pages through every template with cursors and absolute next URLs', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const seen: string[] = [];
    let url: string | undefined =
      `${sim.url}/v23.0/${sim.businessAccountId}/message_templates?limit=3&fields=name,status`;
    let pages = 0;
    while (url) {
      const response = await fetch(url, { headers: auth });
      // biome-ignore lint/suspicious/noExplicitAny: Meta's JSON
      const json = (await response.json()) as any;
      expect(json.data.length).toBeLessThanOrEqual(3);
      for (const t of json.data) {
        expect(Object.keys(t).sort()).toEqual(['id', 'name', 'status']);
        seen.push(t.name);
      }
      expect(json.paging.cursors).toEqual({ before: expect.any(String), after: expect.any(String) });
      url = json.paging.next;
      if (url)
        expect(url.startsWith(`${sim.url}/v23.0/${sim.businessAccountId}/message_templates?`)).toBe(true);
      pages++;
    }
    const all = await graph(sim, `${sim.businessAccountId}/message_templates?limit=100`);
    expect(seen).toEqual(all.json.data.map((t: { name: string }) => t.name));
    expect(pages).toBe(Math.ceil(seen.length / 3));
    expect(seen).toContain('spring_sale');
  });

  it('hands out paging URLs on the host the client called', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const response = await fetch(
      `http://localhost:${sim.port}/v23.0/${sim.businessAccountId}/message_templates?limit=1`,
      {
        headers: auth,
      },
    );
    const json = (await response.json()) as { paging: { next: string } };
    expect(new URL(json.paging.next).origin).toBe(`http://localhost:${sim.port}`);
  });

  it('pages backwards with before, and filters by status', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const first = await graph(sim, `${sim.businessAccountId}/message_templates?limit=2`);
    const second = await graph(
      sim,
      `${sim.businessAccountId}/message_templates?limit=2&after=${first.json.paging.cursors.after}`,
    );
    expect(second.json.paging.previous).toBeDefined();
    const back = await graph(
      sim,
      `${sim.businessAccountId}/message_templates?limit=2&before=${second.json.paging.cursors.before}`,
    );
    expect(back.json.data).toEqual(first.json.data);
    const paused = await graph(sim, `${sim.businessAccountId}/message_templates?status=PAUSED`);
    expect(paused.json.data.map((t: { name: string }) => t.name)).toEqual(['winter_clearance']);
  });

  it('creates a template as PENDING, approves it with a status webhook, edits, gets and deletes it', async () => {
    const receiver = await startReceiver();
    try {
      sim = await startSimulator({ behaviour: QUIET, appSecret: 's', webhookUrl: receiver.url });
      const created = await graph(sim, `${sim.businessAccountId}/message_templates`, {
        body: {
          name: 'autumn_promo',
          language: 'en_US',
          category: 'MARKETING',
          components: [{ type: 'BODY', text: 'Hi {{1}}', example: { body_text: [['Ann']] } }],
        },
      });
      expect(created.json).toEqual({
        id: expect.stringMatching(/^\d+$/),
        status: 'PENDING',
        category: 'MARKETING',
      });
      const duplicate = await graph(sim, `${sim.businessAccountId}/message_templates`, {
        body: { name: 'autumn_promo', language: 'en_US', category: 'MARKETING', components: [] },
      });
      expect(duplicate.json.error).toMatchObject({ code: 100, error_subcode: 2388024 });
      await sim.flush();
      const change = receiver.received[0]?.body.entry[0].changes[0];
      expect(change.field).toBe('message_template_status_update');
      expect(change.value).toMatchObject({ event: 'APPROVED', message_template_name: 'autumn_promo' });
      const id = created.json.id as string;
      expect((await graph(sim, id)).json.status).toBe('APPROVED');
      const edit = await graph(sim, id, { body: { components: [{ type: 'BODY', text: 'Hello {{1}}!' }] } });
      expect(edit.json).toEqual({ success: true });
      expect((await graph(sim, `${id}?fields=components`)).json.components[0].text).toBe('Hello {{1}}!');
      const del = await graph(sim, `${sim.businessAccountId}/message_templates?name=autumn_promo`, {
        method: 'DELETE',
      });
      expect(del.json).toEqual({ success: true });
      expect(sim.templates.find('autumn_promo', 'en_US')).toBeUndefined();
    } finally {
      await receiver.close();
    }
  });

  it('deletes by hsm_ids all-or-nothing, and by hsm_id + name', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const welcome = sim.templates.find('welcome', 'en_US');
    const order = sim.templates.find('order_update', 'en_US');
    const spring = sim.templates.find('spring_sale', 'en_US');
    if (!welcome || !order || !spring) throw new Error('seed templates missing');
    const path = `${sim.businessAccountId}/message_templates`;
    const bad = await graph(
      sim,
      `${path}?hsm_ids=${encodeURIComponent(JSON.stringify([welcome.id, '999']))}`,
      {
        method: 'DELETE',
      },
    );
    expect(bad.json.error.code).toBe(100);
    expect(sim.templates.get(welcome.id)).toBeDefined();
    const both = await graph(
      sim,
      `${path}?hsm_ids=${encodeURIComponent(JSON.stringify([welcome.id, order.id]))}`,
      {
        method: 'DELETE',
      },
    );
    expect(both.json).toEqual({ success: true });
    expect(sim.templates.get(welcome.id)).toBeUndefined();
    expect(sim.templates.get(order.id)).toBeUndefined();
    const one = await graph(sim, `${path}?name=spring_sale&hsm_id=${spring.id}`, { method: 'DELETE' });
    expect(one.json).toEqual({ success: true });
    expect(sim.templates.find('spring_sale', 'en_US')).toBeUndefined();
  });

  it('accepts the token as an access_token query parameter, as Graph does', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const response = await fetch(
      `${sim.url}/v23.0/${sim.businessAccountId}/message_templates?access_token=test-token&limit=1`,
    );
    expect(response.status).toBe(200);
    const wrong = await fetch(
      `${sim.url}/v23.0/${sim.businessAccountId}/message_templates?access_token=nope`,
    );
    expect(wrong.status).toBe(401);
  });

  it('rejects a bad template name', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const { json } = await graph(sim, `${sim.businessAccountId}/message_templates`, {
      body: { name: 'Bad Name', language: 'en_US', category: 'UTILITY', components: [] },
    });
    expect(json.error.code).toBe(100);
  });
});

describe('phone number fields', () => {
  it('returns the default fields, or id plus the fields asked for', async () => {
    sim = await startSimulator({
      behaviour: QUIET,
      phoneNumbers: [
        { id: '555000111', throughputLevel: 'HIGH', messagingLimit: 'TIER_100K', verifiedName: 'Acme' },
      ],
    });
    const plain = await graph(sim, '555000111');
    expect(plain.json).toEqual({
      id: '555000111',
      display_phone_number: '+1 555-078-3881',
      verified_name: 'Acme',
      quality_rating: 'GREEN',
    });
    const asked = await graph(
      sim,
      '555000111?fields=quality_rating,throughput,whatsapp_business_manager_messaging_limit,display_phone_number,verified_name',
    );
    expect(asked.json).toEqual({
      id: '555000111',
      quality_rating: 'GREEN',
      throughput: { level: 'HIGH' },
      whatsapp_business_manager_messaging_limit: 'TIER_100K',
      display_phone_number: '+1 555-078-3881',
      verified_name: 'Acme',
    });
    expect((await graph(sim, '555000111?fields=nonsense')).json.error.code).toBe(100);
  });
});
