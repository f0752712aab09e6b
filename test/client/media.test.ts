import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { mediaLimitFor } from '../../src/client/resources/media-limits.js';
import { AbortError, GraphApiError, TimeoutError, ValidationError } from '../../src/errors/index.js';
import { mockClient, ORIGIN, PHONE_ID, TOKEN } from './helpers.js';

const MEDIA_ID = '2621233374848975';
const INFO = {
  messaging_product: 'whatsapp',
  url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2',
  mime_type: 'image/jpeg',
  sha256: 'abc',
  file_size: '4',
  id: MEDIA_ID,
};

describe('media.upload', () => {
  it('posts multipart with messaging_product, file and type', async () => {
    const { pool, client, agent } = mockClient();
    let body = '';
    let contentType = '';
    pool.intercept({ path: `/v23.0/${PHONE_ID}/media`, method: 'POST' }).reply((opts) => {
      body = Buffer.from(opts.body as Uint8Array).toString('latin1');
      contentType = (opts.headers as Record<string, string>)['content-type']!;
      return { statusCode: 200, data: { id: MEDIA_ID } };
    });
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
    await expect(
      client.media.upload(bytes, { mimeType: 'image/jpeg', filename: 'photo.jpg' }),
    ).resolves.toEqual({
      id: MEDIA_ID,
    });
    const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(boundary).toBeDefined();
    expect(body).toMatch(/name="messaging_product"\r\n\r\nwhatsapp\r\n/);
    expect(body).toMatch(
      /name="file"; filename="photo.jpg"\r\nContent-Type: image\/jpeg\r\n\r\n\xff\xd8\xff\xe0\r\n/,
    );
    expect(body).toMatch(/name="type"\r\n\r\nimage\/jpeg\r\n/);
    await agent.close();
  });

  it('accepts Blob, ArrayBuffer and streams', async () => {
    const { pool, client, agent } = mockClient();
    const sizes: number[] = [];
    pool
      .intercept({ path: `/v23.0/${PHONE_ID}/media`, method: 'POST' })
      .reply((opts) => {
        const text = Buffer.from(opts.body as Uint8Array).toString('latin1');
        sizes.push(/\r\n\r\n(OggS[^\r]*)\r\n/.exec(text)?.[1]?.length ?? -1);
        return { statusCode: 200, data: { id: '1' } };
      })
      .times(3);
    await client.media.upload(new Blob(['OggS1']), { mimeType: 'audio/ogg; codecs=opus' });
    await client.media.upload(new TextEncoder().encode('OggS12').buffer, { mimeType: 'audio/ogg' });
    await client.media.upload(Readable.from([Buffer.from('OggS'), Buffer.from('123')]), {
      mimeType: 'audio/ogg',
    });
    expect(sizes).toEqual([5, 6, 7]);
    await agent.close();
  });

  it('checks MIME type and size before any request', async () => {
    const { client, agent } = mockClient();
    await expect(client.media.upload(new Uint8Array(4), { mimeType: 'image/gif' })).rejects.toMatchObject({
      field: 'mimeType',
    });
    const big = new Uint8Array(5 * 1024 * 1024 + 1);
    await expect(client.media.upload(big, { mimeType: 'image/png' })).rejects.toMatchObject({
      field: 'file',
    });
    await expect(client.media.upload(new Uint8Array(0), { mimeType: 'image/png' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    // A stream is cut off as soon as it passes the limit.
    let pulled = 0;
    const endless = (async function* () {
      for (;;) {
        pulled++;
        yield new Uint8Array(64 * 1024);
      }
    })();
    await expect(client.media.upload(endless, { mimeType: 'image/webp' })).rejects.toMatchObject({
      field: 'file',
    });
    expect(pulled).toBe(8); // 8 × 64 KB passes the 500 KB sticker limit
    await agent.close();
  });

  it('knows the documented limits', () => {
    expect(mediaLimitFor('image/jpeg')).toEqual({ kind: 'image', maxBytes: 5 * 1024 * 1024 });
    expect(mediaLimitFor('VIDEO/MP4')).toEqual({ kind: 'video', maxBytes: 16 * 1024 * 1024 });
    expect(mediaLimitFor('application/pdf')?.maxBytes).toBe(100 * 1024 * 1024);
    expect(mediaLimitFor('image/webp')).toEqual({ kind: 'sticker', maxBytes: 500 * 1024 });
    expect(mediaLimitFor('image/gif')).toBeUndefined();
  });
});

describe('media.get / delete', () => {
  it('gets the URL and metadata, optionally checking the phone number', async () => {
    const { pool, client, agent } = mockClient();
    pool.intercept({ path: `/v23.0/${MEDIA_ID}`, method: 'GET' }).reply(200, INFO);
    pool
      .intercept({ path: `/v23.0/${MEDIA_ID}?phone_number_id=${PHONE_ID}`, method: 'GET' })
      .reply(200, INFO);
    await expect(client.media.get(MEDIA_ID)).resolves.toEqual(INFO);
    await expect(client.media.get(MEDIA_ID, { checkPhoneNumber: true })).resolves.toEqual(INFO);
    await agent.close();
  });

  it('deletes', async () => {
    const { pool, client, agent } = mockClient();
    pool.intercept({ path: `/v23.0/${MEDIA_ID}`, method: 'DELETE' }).reply(200, { success: true });
    await expect(client.media.delete(MEDIA_ID)).resolves.toEqual({ success: true });
    await expect(client.media.delete('')).rejects.toBeInstanceOf(ValidationError);
    await agent.close();
  });
});

describe('media.download', () => {
  it('looks up the URL and streams it with the Bearer header', async () => {
    const { agent, pool, client } = mockClient();
    pool.intercept({ path: `/v23.0/${MEDIA_ID}`, method: 'GET' }).reply(200, INFO);
    let auth = '';
    agent
      .get('https://lookaside.fbsbx.com')
      .intercept({ path: '/whatsapp_business/attachments/?mid=1&ext=2', method: 'GET' })
      .reply((opts) => {
        auth = (opts.headers as Record<string, string>).authorization!;
        return {
          statusCode: 200,
          data: Buffer.from([1, 2, 3, 4]),
          responseOptions: { headers: { 'content-type': 'image/jpeg', 'content-length': '4' } },
        };
      });
    const download = await client.media.download(MEDIA_ID);
    expect(auth).toBe(`Bearer ${TOKEN}`);
    expect(download.mimeType).toBe('image/jpeg');
    expect(download.contentLength).toBe(4);
    expect(download.info?.sha256).toBe('abc');
    expect(new Uint8Array(await download.body.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4]));
    await agent.close();
  });

  it('refetches the URL once when it went stale (404)', async () => {
    const { agent, pool, client } = mockClient();
    const fresh = { ...INFO, url: 'https://lookaside.fbsbx.com/fresh' };
    pool.intercept({ path: `/v23.0/${MEDIA_ID}`, method: 'GET' }).reply(200, INFO);
    pool.intercept({ path: `/v23.0/${MEDIA_ID}`, method: 'GET' }).reply(200, fresh);
    const cdn = agent.get('https://lookaside.fbsbx.com');
    cdn.intercept({ path: '/whatsapp_business/attachments/?mid=1&ext=2', method: 'GET' }).reply(404, 'gone');
    cdn.intercept({ path: '/fresh', method: 'GET' }).reply(200, 'DATA');
    const download = await client.media.download(MEDIA_ID);
    expect(await download.body.text()).toBe('DATA');
    expect(download.info?.url).toBe(fresh.url);
    await agent.close();
  });

  it('downloads a URL directly, stripping access_token, and reports a stale URL as GraphApiError', async () => {
    const { agent, client } = mockClient();
    const cdn = agent.get('https://lookaside.fbsbx.com');
    cdn.intercept({ path: '/m?x=1', method: 'GET' }).reply(200, 'OK');
    cdn.intercept({ path: '/old', method: 'GET' }).reply(404, { error: { message: 'not found', code: 100 } });
    const ok = await client.media.download(`https://lookaside.fbsbx.com/m?x=1&access_token=${TOKEN}`);
    expect(await ok.body.text()).toBe('OK');
    const error = await client.media.download('https://lookaside.fbsbx.com/old').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect((error as GraphApiError).status).toBe(404);
    await agent.close();
  });

  it('refuses to send the token over plain http to another host', async () => {
    const { agent, client } = mockClient();
    await expect(client.media.download('http://evil.example/file')).rejects.toBeInstanceOf(ValidationError);
    expect(ORIGIN).toMatch(/^https:/);
    await agent.close();
  });
});

describe('media.download cancellation', () => {
  it('rejects with AbortError (not TimeoutError) when the caller aborts', async () => {
    const { agent, client, sleeps } = mockClient();
    agent
      .get('https://lookaside.fbsbx.com')
      .intercept({ path: '/slow', method: 'GET' })
      .reply(200, 'late')
      .delay(5_000);
    const controller = new AbortController();
    const pending = client.media.download('https://lookaside.fbsbx.com/slow', { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect(sleeps).toEqual([]);
    await agent.close();
  });
});
