import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { validateOutgoingMessage } from '../../src/messages/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { graph, QUIET, send } from './helpers.js';

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

const orderUpdate = (to: string, params = ['A-1']) => ({
  to,
  type: 'template',
  template: {
    name: 'order_update',
    language: { code: 'en_US' },
    components: [{ type: 'body', parameters: params.map((text) => ({ type: 'text', text })) }],
  },
});

describe('POST /{phone-number-id}/messages', () => {
  it('accepts a template send with Meta’s response shape', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const { status, json } = await send(sim, orderUpdate('+1 (650) 555-1234'));
    expect(status).toBe(200);
    expect(json).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: '+1 (650) 555-1234', wa_id: '16505551234' }],
      messages: [{ id: expect.stringMatching(/^wamid\./), message_status: 'accepted' }],
    });
    expect(sim.messages).toHaveLength(1);
    expect(sim.messages[0]).toMatchObject({
      waId: '16505551234',
      templateName: 'order_update',
      category: 'utility',
    });
    expect(sim.stats().accepted).toBe(1);
  });

  it('omits message_status for a free-form send and accepts any vNN.N prefix', async () => {
    sim = await startSimulator({ behaviour: { ...QUIET, enforceServiceWindow: false } });
    const { status, json } = await graph(sim, `${sim.phoneNumberId}/messages`, {
      version: 'v19.0',
      body: { messaging_product: 'whatsapp', to: '16505551234', text: { body: 'hi' } },
    });
    expect(status).toBe(200);
    expect(json.messages[0]).toEqual({ id: expect.stringMatching(/^wamid\./) });
  });

  it('answers a bad token with 190 and HTTP 401, and a missing one too', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const bad = await graph(sim, `${sim.phoneNumberId}/messages`, {
      body: orderUpdate('16505550100'),
      token: 'nope',
    });
    expect(bad.status).toBe(401);
    expect(bad.json.error).toMatchObject({
      code: 190,
      type: 'OAuthException',
      fbtrace_id: expect.any(String),
    });
    const missing = await graph(sim, `${sim.phoneNumberId}/messages`, {
      body: orderUpdate('16505550100'),
      token: null,
    });
    expect(missing.json.error.code).toBe(190);
    expect(sim.stats().rejected['190']).toBe(2);
  });

  it('rejects an unknown phone number id with 100 / subcode 33', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const { status, json } = await send(sim, orderUpdate('16505551234'), '999');
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
  });

  it('validates the envelope and the type body like Meta', async () => {
    sim = await startSimulator({ behaviour: { ...QUIET, enforceServiceWindow: false } });
    const noProduct = await graph(sim, `${sim.phoneNumberId}/messages`, {
      body: { to: '16505550100', text: { body: 'x' } },
    });
    expect(noProduct.json.error).toMatchObject({
      code: 100,
      message: '(#100) The parameter messaging_product is required.',
    });
    expect((await send(sim, { type: 'text', text: { body: 'x' } })).json.error.message).toContain(
      'parameter to',
    );
    expect((await send(sim, { to: '16505550100', type: 'bogus', bogus: {} })).json.error.code).toBe(100);
    expect((await send(sim, { to: '16505550100', type: 'image', image: {} })).json.error.code).toBe(131008);
    const long = await send(sim, { to: '16505550100', type: 'text', text: { body: 'x'.repeat(4097) } });
    expect(long.json.error.code).toBe(100);
  });

  it('answers a BSUID send (recipient, no to) without wa_id', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const { status, json } = await send(sim, {
      recipient: 'US.13491208655302741918',
      type: 'template',
      template: { name: 'welcome', language: { code: 'en_US' } },
    });
    expect(status).toBe(200);
    expect(json.contacts).toEqual([{ input: 'US.13491208655302741918' }]);
  });

  it('marks a message as read', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const { json } = await send(sim, {
      status: 'read',
      message_id: 'wamid.abc',
      typing_indicator: { type: 'text' },
    });
    expect(json).toEqual({ success: true });
  });
});

describe('template checks', () => {
  it('unknown name or language → 132001', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const unknown = await send(sim, {
      to: '16505550100',
      type: 'template',
      template: { name: 'nope', language: { code: 'en_US' } },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({
      code: 132001,
      message: '(#132001) Template name does not exist in the translation',
      error_data: { messaging_product: 'whatsapp', details: expect.stringContaining('nope') },
    });
    const wrongLanguage = await send(sim, {
      to: '16505550100',
      type: 'template',
      template: { name: 'welcome', language: { code: 'tr' } },
    });
    expect(wrongLanguage.json.error.code).toBe(132001);
  });

  it('parameter count mismatch per component → 132000', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const { json } = await send(sim, orderUpdate('16505550100', ['a', 'b']));
    expect(json.error.code).toBe(132000);
    expect(json.error.error_data.details).toContain('body');
    const missingHeader = await send(sim, {
      to: '16505550100',
      type: 'template',
      template: {
        name: 'spring_sale',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Mark' },
              { type: 'text', text: 'X' },
            ],
          },
        ],
      },
    });
    expect(missingHeader.json.error.code).toBe(132000);
    expect(missingHeader.json.error.error_data.details).toContain('header');
  });

  it('a dynamic URL button without its parameter → 131008; with it → accepted', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const components = [
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.jpg' } }] },
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Mark' },
          { type: 'text', text: 'SPRING25' },
        ],
      },
    ];
    const template = { name: 'spring_sale', language: { code: 'en_US' } };
    const missing = await send(sim, {
      to: '16505550100',
      type: 'template',
      template: { ...template, components },
    });
    expect(missing.json.error.code).toBe(131008);
    const ok = await send(sim, {
      to: '16505550100',
      type: 'template',
      template: {
        ...template,
        components: [
          ...components,
          { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'x' }] },
        ],
      },
    });
    expect(ok.status).toBe(200);
  });

  it('named parameters count too, and a paused template → 132015', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const named = await send(sim, {
      to: '16505550100',
      type: 'template',
      template: {
        name: 'order_confirmation',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', parameter_name: 'first_name', text: 'Jo' },
              { type: 'text', parameter_name: 'order_number', text: '42' },
            ],
          },
        ],
      },
    });
    expect(named.status).toBe(200);
    const paused = await send(sim, {
      to: '16505550100',
      type: 'template',
      template: { name: 'winter_clearance', language: { code: 'en_US' }, components: [] },
    });
    expect(paused.json.error.code).toBe(132015);
  });

  it('templates added at run time can be sent', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    sim.templates.add({
      name: 'custom_promo',
      language: 'es',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: 'Hola {{1}}' }],
    });
    const { status } = await send(sim, {
      to: '16505550100',
      type: 'template',
      template: {
        name: 'custom_promo',
        language: { code: 'es' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }],
      },
    });
    expect(status).toBe(200);
  });
});

describe('24-hour customer service window', () => {
  it('rejects free-form outside the window with 131047 and accepts it after the user writes', async () => {
    sim = await startSimulator({ behaviour: QUIET });
    const text = { to: '+16505550001', type: 'text', text: { body: 'hello' } };
    const before = await send(sim, text);
    expect(before.status).toBe(400);
    expect(before.json.error).toMatchObject({ code: 131047, error_data: { messaging_product: 'whatsapp' } });
    sim.inbound('+16505550001', 'hi there');
    const after = await send(sim, text);
    expect(after.status).toBe(200);
  });

  it('closes the window 24 h after the last inbound message (injected clock)', async () => {
    let now = Date.UTC(2026, 0, 1);
    sim = await startSimulator({ behaviour: QUIET, now: () => now });
    sim.inbound('16505550002', 'hi');
    now += 24 * 60 * 60 * 1000 - 1;
    expect((await send(sim, { to: '16505550002', text: { body: 'still open' } })).status).toBe(200);
    now += 1;
    expect((await send(sim, { to: '16505550002', text: { body: 'closed' } })).json.error.code).toBe(131047);
  });

  it('can report 131047 as a failed status webhook instead', async () => {
    sim = await startSimulator({ behaviour: { ...QUIET, serviceWindowErrors: 'webhook' } });
    const { status } = await send(sim, { to: '16505550003', text: { body: 'x' } });
    expect(status).toBe(200);
    expect(sim.messages[0]?.events).toEqual([
      expect.objectContaining({ status: 'failed', errorCode: 131047 }),
    ]);
  });
});

describe('Meta’s own request examples', () => {
  const examples = JSON.parse(
    readFileSync(new URL('../fixtures/messages/spec-examples.json', import.meta.url), 'utf8'),
  ) as { name: string; endpoint: string; kind: string; body: Record<string, unknown> }[];
  const seededTemplates = new Set(['hello_world', 'sample_issue_resolution', 'intro_catalog_offer']);
  const replayable = examples.filter((e) => {
    if (e.endpoint !== 'messages') return false;
    const template = e.body.template as { name?: string } | undefined;
    return !template || seededTemplates.has(template.name ?? '');
  });

  it('accepts every send example whose template exists (structure only, no message validator)', async () => {
    sim = await startSimulator({
      behaviour: { ...QUIET, enforceServiceWindow: false, validateMessages: false, pairLimit: false },
    });
    expect(replayable.length).toBeGreaterThan(30);
    const refused: string[] = [];
    for (const example of replayable) {
      const { status, json } = await graph(sim, `${sim.phoneNumberId}/messages`, { body: example.body });
      if (status !== 200) refused.push(`${example.name}: ${JSON.stringify(json)}`);
    }
    expect(refused).toEqual([]);
  });

  it('with validation on, accepts every example wacloud’s validateOutgoingMessage accepts', async () => {
    sim = await startSimulator({ behaviour: { ...QUIET, enforceServiceWindow: false, pairLimit: false } });
    const valid = replayable.filter((example) => {
      if (example.kind === 'mark_read') return true;
      const { messaging_product: _omit, ...message } = example.body;
      try {
        validateOutgoingMessage(message);
        return true;
      } catch {
        return false;
      }
    });
    const refused: string[] = [];
    for (const example of valid) {
      const { status, json } = await graph(sim, `${sim.phoneNumberId}/messages`, { body: example.body });
      if (status !== 200) refused.push(`${example.name}: ${JSON.stringify(json)}`);
    }
    expect(refused).toEqual([]);
  });
});
