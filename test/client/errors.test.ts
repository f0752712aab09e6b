import { describe, expect, it } from 'vitest';
import {
  AuthError,
  GraphApiError,
  RateLimitError,
  RecipientError,
  TemplateError,
  WhatsAppError,
} from '../../src/errors/index.js';
import { graphError, MESSAGES_PATH, mockClient, PHONE_ID, recordingLogger, TOKEN } from './helpers.js';

const TEXT = { to: '+16505551234', type: 'text', text: { body: 'hi' } };

async function sendFailure(status: number, body: unknown, headers: Record<string, string> = {}) {
  const { pool, client, agent } = mockClient();
  pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(status, body as object, { headers });
  const error = await client.messages.send(TEXT).catch((e: unknown) => e);
  await agent.close();
  return error;
}

describe('Graph error mapping', () => {
  it('maps 130429 to RateLimitError with code, trace id, retry advice and Retry-After', async () => {
    const error = await sendFailure(
      400,
      graphError(130429, '(#130429) Rate limit hit', {
        error_data: {
          messaging_product: 'whatsapp',
          details: 'Cloud API message throughput has been reached.',
        },
        error_subcode: 2494055,
      }),
      { 'retry-after': '2' },
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      status: 400,
      code: 130429,
      subcode: 2494055,
      fbtraceId: 'AbCdEfTrace',
      retryable: true,
      category: 'rate_limit',
      retryAfterMs: 2000,
      details: 'Cloud API message throughput has been reached.',
      request: { method: 'POST', path: MESSAGES_PATH },
    });
  });

  it('maps 131047 to RecipientError, 132001 to TemplateError, 190 to AuthError', async () => {
    expect(await sendFailure(400, graphError(131047))).toBeInstanceOf(RecipientError);
    expect(await sendFailure(404, graphError(132001))).toBeInstanceOf(TemplateError);
    const auth = await sendFailure(401, graphError(190, 'Error validating access token'));
    expect(auth).toBeInstanceOf(AuthError);
    expect((auth as AuthError).retryable).toBe(false);
  });

  it('accepts error_data as a plain string', async () => {
    const error = (await sendFailure(
      400,
      graphError(100, 'Invalid parameter', { error_data: 'bad "to"' }),
    )) as GraphApiError;
    expect(error.details).toBe('bad "to"');
    expect(error.code).toBe(100);
  });

  it('keeps the HTTP status when the body is not a Graph error', async () => {
    const { pool, client, agent } = mockClient({ maxRetries: 0 });
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(502, '<html>Bad gateway</html>');
    const error = (await client.messages.send(TEXT).catch((e: unknown) => e)) as GraphApiError;
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error.status).toBe(502);
    await agent.close();
  });

  it('throws a WhatsAppError for a 200 that is not JSON', async () => {
    const { pool, client, agent } = mockClient();
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(200, 'not json');
    await expect(client.messages.send(TEXT)).rejects.toBeInstanceOf(WhatsAppError);
    await agent.close();
  });
});

describe('redaction', () => {
  it('never puts the token in error messages, toJSON or logger output', async () => {
    const logger = recordingLogger();
    const { pool, client, agent } = mockClient({ logger, maxRetries: 1 });
    // Meta echoing the token back (as some proxies and Graph debug messages do).
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(
      500,
      graphError(131000, `Something went wrong for access_token=${TOKEN} Bearer ${TOKEN}`, {
        error_data: { details: `url https://graph.facebook.com/x?access_token=${TOKEN}` },
      }),
    );
    const error = (await client.messages.send(TEXT).catch((e: unknown) => e)) as GraphApiError;
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error.message).not.toContain(TOKEN);
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    expect(String(error.stack)).not.toContain(TOKEN);
    expect(error.message).toContain('access_token=[REDACTED]');

    pool
      .intercept({ path: `/v23.0/${PHONE_ID}?fields=id`, method: 'GET' })
      .reply(503, 'down')
      .times(2);
    await client.phoneNumbers.get(['id']).catch(() => undefined);
    expect(logger.lines.some((line) => line.startsWith('debug wacloud request'))).toBe(true);
    expect(logger.lines.some((line) => line.startsWith('warn wacloud retry'))).toBe(true);
    expect(logger.lines.some((line) => line.includes('"status":503') || line.includes('503'))).toBe(true);
    for (const line of logger.lines) {
      expect(line).not.toContain(TOKEN);
      expect(line.toLowerCase()).not.toContain('authorization');
    }
    await agent.close();
  });

  it('logs nothing without a logger and records method, path and status with one', async () => {
    const logger = recordingLogger();
    const { pool, client, agent } = mockClient({ logger });
    pool.intercept({ path: MESSAGES_PATH, method: 'POST' }).reply(200, { messages: [{ id: 'wamid.1' }] });
    await client.messages.send(TEXT);
    expect(logger.lines).toHaveLength(2);
    expect(logger.lines[1]).toContain(`"method":"POST","path":"${MESSAGES_PATH}","status":200`);
    await agent.close();
  });
});
