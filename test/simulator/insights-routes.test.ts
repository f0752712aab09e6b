import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { parseFieldExpansions } from '../../src/simulator/insights/field-expansion.js';
import { graph, QUIET, send } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('simulator analytics routes refuse what Meta refuses', () => {
  it('template_analytics: more than 10 ids, another granularity, a bad range or product → 100', async () => {
    sim = await startSimulator({ insights: { enabled: true } });
    const base = `${sim.businessAccountId}/template_analytics?start=2026-11-01&end=2026-11-02&granularity=DAILY`;
    const ids = (n: number) => `[${Array.from({ length: n }, (_, i) => 100 + i).join(',')}]`;
    expect((await graph(sim, `${base}&template_ids=${ids(10)}`)).status).toBe(200);
    for (const path of [
      `${base}&template_ids=${ids(11)}`,
      `${base}&template_ids=not-json`,
      `${sim.businessAccountId}/template_analytics?start=2026-11-02&end=2026-11-01&granularity=DAILY&template_ids=[1]`,
      `${sim.businessAccountId}/template_analytics?start=2026-11-01&end=2026-11-02&granularity=MONTHLY&template_ids=[1]`,
      `${base}&template_ids=[1]&product_type=SMS`,
    ]) {
      const { status, json } = await graph(sim, path);
      expect(status, path).toBe(400);
      expect(json.error.code, path).toBe(100);
    }
  });

  it('is_enabled_for_insights can only be set to true, and then stays true', async () => {
    sim = await startSimulator();
    const waba = sim.businessAccountId;
    expect((await graph(sim, `${waba}?is_enabled_for_insights=false`, { method: 'POST' })).status).toBe(400);
    expect((await graph(sim, `${waba}?fields=is_enabled_for_insights`)).json).toEqual({
      is_enabled_for_insights: false,
      id: waba,
    });
    expect((await graph(sim, `${waba}?is_enabled_for_insights=true`, { method: 'POST' })).json).toEqual({
      success: true,
    });
    expect((await graph(sim, `${waba}?fields=is_enabled_for_insights,name`)).json).toEqual({
      is_enabled_for_insights: true,
      name: 'Wacloud Simulator',
      id: waba,
    });
    const unknown = await graph(sim, `${waba}?fields=secret_field`);
    expect(unknown.json.error.code).toBe(100);
    const malformed = await graph(sim, `${waba}?fields=${encodeURIComponent('analytics.start(1.end(2)')}`);
    expect(malformed.json.error.code).toBe(100);
  });

  it('message_history returns id and message_id by default, events when asked', async () => {
    sim = await startSimulator({ behaviour: { ...QUIET, speed: 1000 } });
    const sent = await send(sim, {
      to: '+16505551234',
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: '#1' }] }],
      },
    });
    await sim.flush();
    const wamid = sent.json.messages[0].id;
    const plain = await graph(sim, `${sim.phoneNumberId}/message_history`);
    expect(Object.keys(plain.json.data[0]).sort()).toEqual(['id', 'message_id']);
    const withEvents = await graph(
      sim,
      `${sim.phoneNumberId}/message_history?message_id=${encodeURIComponent(wamid)}&fields=id,message_id,events{delivery_status,timestamp}`,
    );
    expect(withEvents.json.data[0].message_id).toBe(wamid);
    expect(
      withEvents.json.data[0].events.data.map((e: { delivery_status: string }) => e.delivery_status),
    ).toEqual(['SENT', 'DELIVERED', 'READ']);
    expect((await graph(sim, `${sim.phoneNumberId}/message_history?limit=101`)).status).toBe(400);
  });
});

describe('parseFieldExpansions', () => {
  it('splits on top-level commas and parses call arguments', () => {
    const fields = parseFieldExpansions(
      'id,pricing_analytics.start(1).end(2026-12-01).dimensions(["COUNTRY","TIER"]),events{a,b}',
    );
    expect(fields?.map((f) => f.name)).toEqual(['id', 'pricing_analytics', 'events']);
    expect(Object.fromEntries(fields?.[1]?.args ?? [])).toEqual({
      start: '1',
      end: '2026-12-01',
      dimensions: ['COUNTRY', 'TIER'],
    });
    for (const bad of ['a(', 'a)', 'x.start(1', 'x.dims([1,)', 'x y']) {
      expect(parseFieldExpansions(bad), bad).toBeUndefined();
    }
  });
});
