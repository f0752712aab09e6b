import { describe, expect, it } from 'vitest';
import { retryDelayMs, shouldRetry } from '../../src/client/retry.js';
import { parseRetryAfter } from '../../src/client/retry-after.js';
import { createGraphApiError } from '../../src/errors/graph-api-error.js';
import { AbortError, GraphApiError, NetworkError, TimeoutError } from '../../src/errors/index.js';
import { graphError, MESSAGES_PATH, mockClient, PHONE_ID } from './helpers.js';

const TEXT = { to: '+16505551234', text: { body: 'hi' } };
const PHONE_PATH = `/v23.0/${PHONE_ID}?fields=id`;
const OK_SEND = { messages: [{ id: 'wamid.OK' }] };

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
}

describe('shouldRetry', () => {
  const graph = (status: number, code?: number) =>
    createGraphApiError({ status, body: code === undefined ? {} : graphError(code) });
  const network = (reached: boolean) => new NetworkError('x', { requestMayHaveReachedServer: reached });

  it('retries connection failures before sending for every method', () => {
    expect(shouldRetry(network(false), false)).toBe(true);
    expect(shouldRetry(network(false), true)).toBe(true);
  });

  it('retries failures after sending only for idempotent calls', () => {
    expect(shouldRetry(network(true), false)).toBe(false);
    expect(shouldRetry(network(true), true)).toBe(true);
    expect(shouldRetry(new TimeoutError('t', { requestMayHaveReachedServer: true }), false)).toBe(false);
    expect(shouldRetry(graph(500), false)).toBe(false);
    expect(shouldRetry(graph(500), true)).toBe(true);
    for (const code of [1, 2, 131000, 131016]) {
      expect(shouldRetry(graph(400, code), true)).toBe(true);
      expect(shouldRetry(graph(400, code), false)).toBe(false);
    }
  });

  it('never retries 130429 or permanent errors', () => {
    expect(shouldRetry(graph(400, 130429), true)).toBe(false);
    expect(shouldRetry(graph(429, 130429), true)).toBe(false);
    expect(shouldRetry(graph(400, 100), true)).toBe(false);
    expect(shouldRetry(graph(401, 190), true)).toBe(false);
    expect(shouldRetry(new Error('bug'), true)).toBe(false);
  });
});

describe('retryDelayMs', () => {
  const options = (random: number) => ({ baseDelayMs: 100, maxDelayMs: 1000, random: () => random });

  it('uses capped exponential backoff with full jitter', () => {
    expect(retryDelayMs(new Error(), 0, options(0))).toBe(0);
    expect(retryDelayMs(new Error(), 0, options(0.5))).toBe(50);
    expect(retryDelayMs(new Error(), 3, options(0.5))).toBe(400);
    expect(retryDelayMs(new Error(), 10, options(0.999))).toBe(999);
  });

  it('honours Retry-After within the cap and gives up beyond it', () => {
    const soon = createGraphApiError({ status: 503, body: {}, retryAfterMs: 700 });
    const late = createGraphApiError({ status: 503, body: {}, retryAfterMs: 5000 });
    expect(retryDelayMs(soon, 0, options(0.1))).toBe(700);
    expect(retryDelayMs(late, 0, options(0.1))).toBeUndefined();
  });

  it('parses Retry-After seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.5')).toBeUndefined(); // not delta-seconds (RFC 9110)
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('client retry policy', () => {
  it('retries a GET on 5xx with backoff from the injected sleep and random', async () => {
    const { pool, client, agent, sleeps } = mockClient();
    pool.intercept({ path: PHONE_PATH, method: 'GET' }).reply(503, graphError(2)).times(2);
    pool.intercept({ path: PHONE_PATH, method: 'GET' }).reply(200, { id: PHONE_ID });
    await expect(client.phoneNumbers.get(['id'])).resolves.toEqual({ id: PHONE_ID });
    expect(sleeps).toEqual([250, 500]);
    await agent.close();
  });

  it('ignores a Retry-After that is not delta-seconds or IMF-fixdate and backs off instead', async () => {
    const { pool, client, agent, sleeps } = mockClient();
    pool
      .intercept({ path: PHONE_PATH, method: 'GET' })
      .reply(503, graphError(2), { headers: { 'retry-after': '-5' } });
    pool.intercept({ path: PHONE_PATH, method: 'GET' }).reply(200, { id: PHONE_ID });
    await expect(client.phoneNumbers.get(['id'])).resolves.toEqual({ id: PHONE_ID });
    // The computed backoff (random 0.5 × 500 ms), not 0 from reading "-5" as a date.
    expect(sleeps).toEqual([250]);
    await agent.close();
  });

  it('gives up after maxRetries and throws the last error', async () => {
    const { pool, client, agent, sleeps } = mockClient();
    pool.intercept({ path: PHONE_PATH, method: 'GET' }).reply(500, graphError(131000)).times(3);
    const error = await client.phoneNumbers.get(['id']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect((error as GraphApiError).code).toBe(131000);
    expect(sleeps).toHaveLength(2);
    await agent.close();
  });

  it('never re-sends POST /messages after a 5xx', async () => {
    const { pool, client, agent, sleeps } = mockClient({ maxRetries: 5 });
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(500, graphError(131000));
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(200, OK_SEND);
    await expect(client.messages.send(TEXT)).rejects.toMatchObject({ status: 500, code: 131000 });
    expect(sleeps).toEqual([]);
    expect(agent.pendingInterceptors()).toHaveLength(1);
    await agent.close();
  });

  it('never retries 130429 itself (the queue does)', async () => {
    const { pool, client, agent, sleeps } = mockClient();
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(400, graphError(130429), {
      headers: { 'retry-after': '1' },
    });
    await expect(client.messages.markRead('wamid.X')).rejects.toMatchObject({
      code: 130429,
      retryAfterMs: 1000,
    });
    expect(sleeps).toEqual([]);
    await agent.close();
  });

  it('re-sends POST /messages when the connection failed before the request was written', async () => {
    const { pool, client, agent, sleeps } = mockClient();
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).replyWithError(refused());
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(200, OK_SEND);
    await expect(client.messages.send(TEXT)).resolves.toMatchObject({ messageId: 'wamid.OK' });
    expect(sleeps).toEqual([250]);
    await agent.close();
  });

  it('reports a refused connection as NetworkError that did not reach the server', async () => {
    const { pool, client, agent } = mockClient({ maxRetries: 0 });
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).replyWithError(refused());
    const error = await client.messages.send(TEXT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect((error as NetworkError).requestMayHaveReachedServer).toBe(false);
    await agent.close();
  });

  it('retries markRead (idempotent) on 5xx', async () => {
    const { pool, client, agent, sleeps } = mockClient();
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(502, 'bad gateway');
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(200, { success: true });
    await expect(client.messages.markRead('wamid.X')).resolves.toEqual({ success: true });
    expect(sleeps).toHaveLength(1);
    await agent.close();
  });

  it('waits the Retry-After the server asked for', async () => {
    const { pool, client, agent, sleeps } = mockClient();
    pool
      .intercept({ path: PHONE_PATH, method: 'GET' })
      .reply(503, graphError(2), { headers: { 'retry-after': '3' } });
    pool.intercept({ path: PHONE_PATH, method: 'GET' }).reply(200, { id: PHONE_ID });
    await client.phoneNumbers.get(['id']);
    expect(sleeps).toEqual([3000]);
    await agent.close();
  });

  it('does not wait for a Retry-After beyond retryMaxDelayMs', async () => {
    const { pool, client, agent, sleeps } = mockClient({ retryMaxDelayMs: 10_000 });
    pool
      .intercept({ path: PHONE_PATH, method: 'GET' })
      .reply(503, graphError(2), { headers: { 'retry-after': '60' } });
    await expect(client.phoneNumbers.get(['id'])).rejects.toMatchObject({
      status: 503,
      retryAfterMs: 60_000,
    });
    expect(sleeps).toEqual([]);
    await agent.close();
  });

  it('takes maxRetries per client and per call', async () => {
    const noRetries = mockClient({ maxRetries: 0 });
    noRetries.pool.intercept({ path: PHONE_PATH, method: 'GET' }).reply(503, graphError(2));
    await expect(noRetries.client.phoneNumbers.get(['id'])).rejects.toBeInstanceOf(GraphApiError);
    expect(noRetries.sleeps).toEqual([]);
    await noRetries.agent.close();

    const { pool, client, agent, sleeps } = mockClient({ maxRetries: 0 });
    pool.intercept({ path: PHONE_PATH, method: 'GET' }).reply(503, graphError(2)).times(3);
    pool.intercept({ path: PHONE_PATH, method: 'GET' }).reply(200, { id: PHONE_ID });
    await expect(client.phoneNumbers.get(['id'], { maxRetries: 3 })).resolves.toEqual({ id: PHONE_ID });
    expect(sleeps).toHaveLength(3);

    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).replyWithError(refused());
    await expect(client.messages.send(TEXT, { maxRetries: 0 })).rejects.toBeInstanceOf(NetworkError);
    expect(sleeps).toHaveLength(3);
    await agent.close();
  });
});

describe('timeouts and aborts', () => {
  it('turns a deadline into TimeoutError that may have reached the server, and does not re-send', async () => {
    const { pool, client, agent, sleeps } = mockClient();
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(200, OK_SEND).delay(5_000);
    const error = await client.messages.send(TEXT, { timeoutMs: 20 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).requestMayHaveReachedServer).toBe(true);
    expect((error as TimeoutError).message).toMatch(/timed out after 20 ms/);
    expect(sleeps).toEqual([]);
    await agent.close();
  });

  it('retries a GET that timed out', async () => {
    const { pool, client, agent, sleeps } = mockClient({ timeoutMs: 20 });
    pool.intercept({ path: PHONE_PATH, method: 'GET' }).reply(200, { id: 'late' }).delay(5_000);
    pool.intercept({ path: PHONE_PATH, method: 'GET' }).reply(200, { id: PHONE_ID });
    await expect(client.phoneNumbers.get(['id'])).resolves.toEqual({ id: PHONE_ID });
    expect(sleeps).toHaveLength(1);
    await agent.close();
  });

  it('rejects with AbortError (not TimeoutError) when the caller aborts, without retrying', async () => {
    const { pool, client, agent, sleeps } = mockClient();
    pool.intercept({ path: PHONE_PATH, method: 'GET' }).reply(200, { id: PHONE_ID }).delay(5_000);
    const controller = new AbortController();
    const pending = client.phoneNumbers.get(['id'], { signal: controller.signal });
    const reason = new Error('user cancelled');
    controller.abort(reason);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect((error as AbortError).message).toMatch(/aborted by the caller/);
    expect((error as AbortError).cause).toBe(reason);
    expect(sleeps).toEqual([]);

    const already = AbortSignal.abort();
    await expect(client.phoneNumbers.get(['id'], { signal: already })).rejects.toMatchObject({
      name: 'AbortError',
      requestMayHaveReachedServer: false,
    });
    await agent.close();
  });
});
