import { describe, expect, it } from 'vitest';
import { ValidationError, WhatsAppError } from '../../src/errors/index.js';
import { mockClient, ORIGIN, PHONE_ID, TOKEN, WABA_ID } from './helpers.js';

const LIST = `/v23.0/${WABA_ID}/message_templates`;

describe('templates.list', () => {
  it('follows paging.next across 3 pages, stripping access_token and sending the header', async () => {
    const { pool, client, agent } = mockClient();
    const seen: Array<{ path: string; auth: string }> = [];
    const page = (names: string[], next?: string) => (opts: { path: string; headers?: unknown }) => {
      seen.push({ path: opts.path, auth: (opts.headers as Record<string, string>).authorization! });
      return {
        statusCode: 200,
        data: {
          data: names.map((name, i) => ({ id: `${name}-${i}`, name, status: 'APPROVED', language: 'en_US' })),
          paging: { cursors: { before: 'B', after: 'A' }, ...(next ? { next } : {}) },
        },
      };
    };
    const first = `${LIST}?fields=name%2Cstatus&status=APPROVED&limit=2`;
    pool
      .intercept({ path: first, method: 'GET' })
      .reply(page(['a', 'b'], `${ORIGIN}${LIST}?access_token=${TOKEN}&limit=2&after=P2`));
    pool
      .intercept({ path: `${LIST}?limit=2&after=P2`, method: 'GET' })
      .reply(page(['c', 'd'], `${ORIGIN}${LIST}?limit=2&access_token=${TOKEN}&after=P3`));
    pool.intercept({ path: `${LIST}?limit=2&after=P3`, method: 'GET' }).reply(page(['e']));

    const names: string[] = [];
    for await (const template of client.templates.list({
      fields: ['name', 'status'],
      status: 'APPROVED',
      limit: 2,
    })) {
      names.push(template.name);
    }
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(seen.map((s) => s.path)).toEqual([first, `${LIST}?limit=2&after=P2`, `${LIST}?limit=2&after=P3`]);
    for (const request of seen) {
      expect(request.path).not.toContain('access_token');
      expect(request.auth).toBe(`Bearer ${TOKEN}`);
    }
    await agent.close();
  });

  it('refuses to follow paging.next to another host', async () => {
    const { pool, client, agent } = mockClient();
    pool.intercept({ path: LIST, method: 'GET' }).reply(200, {
      data: [{ id: '1', name: 'a' }],
      paging: { next: `https://evil.example${LIST}?access_token=${TOKEN}&after=X` },
    });
    const names: string[] = [];
    const error = await (async () => {
      for await (const t of client.templates.list()) names.push(t.name);
    })().catch((e: unknown) => e);
    expect(names).toEqual(['a']);
    expect(error).toBeInstanceOf(WhatsAppError);
    expect((error as Error).message).not.toContain(TOKEN);
    await agent.close();
  });

  it('stops when a page repeats its own next URL', async () => {
    const { pool, client, agent } = mockClient();
    pool
      .intercept({ path: LIST, method: 'GET' })
      .reply(200, { data: [{ id: '1', name: 'a' }], paging: { next: `${ORIGIN}${LIST}` } });
    const names: string[] = [];
    for await (const t of client.templates.list()) names.push(t.name);
    expect(names).toEqual(['a']);
    await agent.close();
  });
});

describe('templates CRUD', () => {
  it('gets a template by id with fields', async () => {
    const { pool, client, agent } = mockClient();
    pool
      .intercept({ path: '/v23.0/594425479261596?fields=name%2Cstatus', method: 'GET' })
      .reply(200, { id: '594425479261596', name: 'x', status: 'APPROVED' });
    await expect(
      client.templates.get('594425479261596', { fields: ['name', 'status'] }),
    ).resolves.toMatchObject({ status: 'APPROVED' });
    await agent.close();
  });

  it('creates a template, validating the name first', async () => {
    const { pool, client, agent } = mockClient();
    const body = {
      name: 'order_update_2',
      category: 'UTILITY',
      language: 'en_US',
      components: [{ type: 'BODY', text: 'Your order {{1}} shipped', example: { body_text: [['123']] } }],
    };
    let wire = '';
    pool.intercept({ path: LIST, method: 'POST' }).reply((opts) => {
      wire = String(opts.body);
      return { statusCode: 200, data: { id: '1', status: 'PENDING', category: 'UTILITY' } };
    });
    await expect(client.templates.create(body)).resolves.toEqual({
      id: '1',
      status: 'PENDING',
      category: 'UTILITY',
    });
    expect(wire).toBe(JSON.stringify(body));
    for (const name of ['Order', 'with-dash', '', 'a'.repeat(513)]) {
      await expect(client.templates.create({ ...body, name })).rejects.toMatchObject({ field: 'name' });
    }
    await agent.close();
  });

  it('updates with POST /{template-id}', async () => {
    const { pool, client, agent } = mockClient();
    let wire = '';
    pool.intercept({ path: '/v23.0/777', method: 'POST' }).reply((opts) => {
      wire = String(opts.body);
      return { statusCode: 200, data: { success: true } };
    });
    await expect(
      client.templates.update('777', { components: [{ type: 'BODY', text: 'New' }] }),
    ).resolves.toEqual({ success: true });
    expect(JSON.parse(wire)).toEqual({ components: [{ type: 'BODY', text: 'New' }] });
    await agent.close();
  });

  it('deletes by name, by name and id, and by ids', async () => {
    const { pool, client, agent } = mockClient();
    pool.intercept({ path: `${LIST}?name=promo`, method: 'DELETE' }).reply(200, { success: true });
    pool.intercept({ path: `${LIST}?hsm_id=42&name=promo`, method: 'DELETE' }).reply(200, { success: true });
    pool
      .intercept({ path: `${LIST}?hsm_ids=${encodeURIComponent('["1","2"]')}`, method: 'DELETE' })
      .reply(200, { success: true });
    await expect(client.templates.delete({ name: 'promo' })).resolves.toEqual({ success: true });
    await expect(client.templates.delete({ name: 'promo', id: '42' })).resolves.toEqual({ success: true });
    await expect(client.templates.delete({ ids: ['1', '2'] })).resolves.toEqual({ success: true });
    await expect(client.templates.delete({ ids: [] })).rejects.toBeInstanceOf(ValidationError);
    await expect(
      client.templates.delete({ ids: Array.from({ length: 101 }, (_, i) => String(i)) }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(client.templates.delete({} as never)).rejects.toBeInstanceOf(ValidationError);
    agent.assertNoPendingInterceptors();
    await agent.close();
  });
});

describe('phoneNumbers.get', () => {
  it('reads quality rating, throughput level and messaging limit', async () => {
    const { pool, client, agent } = mockClient();
    const info = {
      id: PHONE_ID,
      display_phone_number: '+1 555-078-3881',
      verified_name: 'Lucky Shrub',
      quality_rating: 'GREEN',
      throughput: { level: 'STANDARD' },
      whatsapp_business_manager_messaging_limit: 'TIER_2K',
    };
    let path = '';
    pool
      .intercept({ path: (p) => p.startsWith(`/v23.0/${PHONE_ID}?fields=`), method: 'GET' })
      .reply((opts) => {
        path = opts.path;
        return { statusCode: 200, data: info };
      });
    await expect(client.phoneNumbers.get()).resolves.toEqual(info);
    const fields = new URL(path, ORIGIN).searchParams.get('fields')!.split(',');
    expect(fields).toEqual(
      expect.arrayContaining(['quality_rating', 'throughput', 'whatsapp_business_manager_messaging_limit']),
    );

    pool
      .intercept({ path: `/v23.0/${PHONE_ID}?fields=quality_rating`, method: 'GET' })
      .reply(200, { id: PHONE_ID, quality_rating: 'YELLOW' });
    await expect(client.phoneNumbers.get(['quality_rating'])).resolves.toMatchObject({
      quality_rating: 'YELLOW',
    });
    await agent.close();
  });
});
