import { afterEach, describe, expect, it } from 'vitest';
import { graphErrorFromResponse } from '../../src/client/graph-error-response.js';
import { nextPagePath } from '../../src/client/pagination.js';
import { sleep } from '../../src/client/retry.js';
import { WhatsAppClient } from '../../src/client/whatsapp-client.js';
import {
  AbortError,
  ConfigError,
  GraphApiError,
  InvalidResponseError,
  NetworkError,
  RateLimitError,
  TimeoutError,
} from '../../src/errors/index.js';
import { REDACTED } from '../../src/errors/redact.js';
import { decodeOutcome, encodeOutcome } from '../../src/queue/adapters/bullmq/outcome-codec.js';
import { SendQueue } from '../../src/queue/send-queue.js';
import { MESSAGES_PATH, mockClient, ORIGIN, PHONE_ID, TOKEN } from '../client/helpers.js';
import { scriptedClient } from '../queue/helpers/scripted-client.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const PHONE_PATH = `/v23.0/${PHONE_ID}?fields=id`;
const TEXT = { to: '+16505551234', type: 'text' as const, text: { body: 'hi' } };

describe('AbortError: the caller aborted, distinct from our TimeoutError', () => {
  it('is a NetworkError but never a TimeoutError, and keeps toJSON redacted', () => {
    const error = new AbortError(`aborted ?access_token=${TOKEN}`, {
      cause: new Error('why'),
      requestMayHaveReachedServer: false,
    });
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect(error.name).toBe('AbortError');
    expect(JSON.stringify(error.toJSON())).not.toContain(TOKEN);
    expect(error.toJSON()).toEqual({
      name: 'AbortError',
      message: `aborted ?access_token=${REDACTED}`,
      requestMayHaveReachedServer: false,
    });
  });

  it('an abort during a retry wait rejects with AbortError whose cause is the signal reason', async () => {
    const { pool, client, agent } = mockClient({ sleep, retryBaseDelayMs: 60_000, retryMaxDelayMs: 60_000 });
    cleanup = () => agent.close();
    pool.intercept({ path: PHONE_PATH, method: 'GET' }).reply(503, { error: { code: 2, message: 'down' } });
    const controller = new AbortController();
    const pending = client.phoneNumbers.get(['id'], { signal: controller.signal }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const reason = new Error('user cancelled');
    controller.abort(reason);
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ cause: reason, requestMayHaveReachedServer: true });
    expect((error as AbortError).message).toMatch(/while waiting to retry \(GET \/v23\.0\//);
  });

  it('our own deadline is still a TimeoutError, not an AbortError', async () => {
    const { pool, client, agent } = mockClient({ timeoutMs: 20, maxRetries: 0 });
    cleanup = () => agent.close();
    pool.intercept({ path: PHONE_PATH, method: 'GET' }).reply(200, {}).delay(2_000);
    const error = await client.phoneNumbers.get(['id']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).not.toBeInstanceOf(AbortError);
  });

  it('the queue reports a client-side abort as AbortError with outcome unknown (it may have been sent)', async () => {
    const { client } = scriptedClient(() => new DOMException('The operation was aborted.', 'AbortError'));
    const queue = new SendQueue({ client, storeFlushMs: 0 });
    const outcome = await queue.enqueue({ to: '+15550001', type: 'text', text: { body: 'hi' } });
    await queue.close();
    expect(outcome.status).toBe('unknown');
    expect(outcome.error).toBeInstanceOf(AbortError);
    expect(outcome.error?.cause).toBeInstanceOf(DOMException);
  });

  it('crosses the BullMQ outcome codec as an AbortError', () => {
    const error = new AbortError('aborted', { requestMayHaveReachedServer: true });
    const decoded = decodeOutcome(
      JSON.parse(
        JSON.stringify(encodeOutcome({ status: 'unknown', attempts: 1, recipientId: '15550001', error })),
      ),
    );
    expect(decoded.error).toBeInstanceOf(AbortError);
    expect(decoded.error).toMatchObject({ requestMayHaveReachedServer: true });
  });
});

describe('no code-less base errors for distinct failures', () => {
  it('a 2xx that is not JSON: InvalidResponseError, accepted, with the parse error as a scrubbed cause', async () => {
    const { pool, client, agent } = mockClient();
    cleanup = () => agent.close();
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(200, `<html>${TOKEN}</html>`);
    const error = await client.messages.send(TEXT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).accepted).toBe(true);
    expect((error as InvalidResponseError).cause).toBeInstanceOf(SyntaxError);
    expect(String(((error as InvalidResponseError).cause as Error).message)).not.toContain(TOKEN);
  });

  it('a 200 send answer without a message id: InvalidResponseError, accepted', async () => {
    const { pool, client, agent } = mockClient();
    cleanup = () => agent.close();
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(200, { messages: [] });
    const error = await client.messages.send(TEXT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({
      accepted: true,
      request: { method: 'POST', path: MESSAGES_PATH },
    });
  });

  it('a paging.next that is not a URL or is on another host: InvalidResponseError', () => {
    expect(() => nextPagePath('http://[bad', ORIGIN)).toThrow(InvalidResponseError);
    expect(() => nextPagePath('https://evil.example/v23.0/x', ORIGIN)).toThrow(InvalidResponseError);
  });

  it('a request on a closed client: ConfigError (a usage mistake), with the undici error as cause', async () => {
    const client = new WhatsAppClient({
      accessToken: TOKEN,
      phoneNumberId: PHONE_ID,
      baseUrl: 'http://127.0.0.1:9',
      env: {},
      maxRetries: 0,
    });
    await client.close();
    const error = await client.phoneNumbers.get(['id']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).cause).toBeInstanceOf(Error);
  });
});

describe('graphErrorFromResponse: one mapping for both transport paths', () => {
  const request = { method: 'GET', path: '/v23.0/x' };
  const scrub = (text: string) => text.split(TOKEN).join(REDACTED);

  it('scrubs the token, parses a Graph error and reads the first Retry-After', () => {
    const error = graphErrorFromResponse({
      status: 400,
      text: JSON.stringify({ error: { code: 130429, message: `slow down ${TOKEN}` } }),
      retryAfter: ['7', '9'],
      request,
      scrub,
    });
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: 130429, retryAfterMs: 7000, request });
    expect(JSON.stringify(error.raw)).not.toContain(TOKEN);
  });

  it('keeps a body that is not JSON (or empty) as a code-less GraphApiError with the HTTP status', () => {
    for (const text of ['<html>bad gateway</html>', '']) {
      const error = graphErrorFromResponse({ status: 502, text, retryAfter: 'soon', request, scrub });
      expect(error).toBeInstanceOf(GraphApiError);
      expect(error).toMatchObject({ status: 502, code: 0, retryable: true, retryAfterMs: undefined });
    }
  });

  it('the JSON path and the media-download path give the same error for the same answer', async () => {
    const { agent, client } = mockClient({ maxRetries: 0 });
    cleanup = () => agent.close();
    const body = { error: { code: 131056, message: `pair ${TOKEN}`, fbtrace_id: 'T' } };
    const headers = { 'retry-after': '3', 'content-type': 'application/json' };
    agent.get(ORIGIN).intercept({ path: PHONE_PATH, method: 'GET' }).reply(400, body, { headers });
    agent
      .get('https://lookaside.fbsbx.com')
      .intercept({ path: '/m', method: 'GET' })
      .reply(400, body, { headers });
    const viaJson = (await client.phoneNumbers.get(['id']).catch((e: unknown) => e)) as GraphApiError;
    const viaStream = (await client.media
      .download('https://lookaside.fbsbx.com/m')
      .catch((e: unknown) => e)) as GraphApiError;
    const { request: _a, ...json } = viaJson.toJSON();
    const { request: _b, ...stream } = viaStream.toJSON();
    expect(viaStream).toBeInstanceOf(RateLimitError);
    expect(stream).toEqual(json);
    expect(JSON.stringify([viaJson.raw, viaStream.raw])).not.toContain(TOKEN);
  });
});
