import { describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../src/client/index.js';
import { ConfigError } from '../../src/errors/index.js';
import { TOKEN } from './helpers.js';

const ENV = {
  WHATSAPP_ACCESS_TOKEN: 'env-token-value',
  WHATSAPP_PHONE_NUMBER_ID: '111',
  WHATSAPP_BUSINESS_ACCOUNT_ID: '222',
  WHATSAPP_API_VERSION: 'v21.0',
  WHATSAPP_BASE_URL: 'http://127.0.0.1:4010/',
};

function configError(make: () => unknown): ConfigError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('WhatsAppClient options', () => {
  it('falls back to the WHATSAPP_* environment', () => {
    const wa = new WhatsAppClient({ env: ENV });
    expect(wa.phoneNumberId).toBe('111');
    expect(wa.businessAccountId).toBe('222');
    expect(wa.apiVersion).toBe('v21.0');
    expect(wa.baseUrl).toBe('http://127.0.0.1:4010');
  });

  it('lets explicit options win over the environment', () => {
    const wa = new WhatsAppClient({
      env: ENV,
      phoneNumberId: '999',
      businessAccountId: '888',
      apiVersion: 'v23.0',
      baseUrl: 'https://graph.example.test',
    });
    expect(wa.toJSON()).toEqual({
      phoneNumberId: '999',
      businessAccountId: '888',
      apiVersion: 'v23.0',
      baseUrl: 'https://graph.example.test',
    });
  });

  it('defaults to graph.facebook.com and v23.0', () => {
    const wa = new WhatsAppClient({ accessToken: TOKEN, phoneNumberId: '1', env: {} });
    expect(wa.baseUrl).toBe('https://graph.facebook.com');
    expect(wa.apiVersion).toBe('v23.0');
    expect(wa.businessAccountId).toBeUndefined();
  });

  it('rejects unknown keys, naming the key', () => {
    const error = configError(
      () => new WhatsAppClient({ accessToken: TOKEN, phoneNumberId: '1', env: {}, timeout: 5 } as never),
    );
    expect(error.message).toContain('"timeout"');
  });

  it('requires an access token', () => {
    const error = configError(() => new WhatsAppClient({ phoneNumberId: '1', env: {} }));
    expect(error.message).toMatch(/accessToken.*WHATSAPP_ACCESS_TOKEN/);
  });

  it('requires a phone number id unless the client is for templates only', async () => {
    expect(configError(() => new WhatsAppClient({ accessToken: TOKEN, env: {} })).message).toMatch(
      /phoneNumberId/,
    );
    const templatesOnly = new WhatsAppClient({ accessToken: TOKEN, businessAccountId: '5', env: {} });
    expect(() => templatesOnly.phoneNumberId).toThrow(ConfigError);
    await expect(templatesOnly.messages.send({ to: '+1', text: { body: 'x' } })).rejects.toThrow(ConfigError);
  });

  it('says templates need businessAccountId when it is missing', () => {
    const wa = new WhatsAppClient({ accessToken: TOKEN, phoneNumberId: '1', env: {} });
    expect(() => wa.templates.list()).toThrow(/businessAccountId/);
  });

  it('validates values without echoing them', () => {
    for (const bad of [
      { timeoutMs: -1 },
      { maxRetries: 1.5 },
      { apiVersion: '23' },
      { baseUrl: 'ftp://x' },
      { baseUrl: 'https://graph.facebook.com/v23.0' },
      { phoneNumberId: 'a/b' },
      { logger: { debug() {} } },
      { dispatcher: {} },
    ]) {
      const error = configError(
        () => new WhatsAppClient({ accessToken: TOKEN, phoneNumberId: '1', env: {}, ...bad } as never),
      );
      expect(error.message).toContain(`"${Object.keys(bad)[0]}"`);
      expect(error.message).not.toContain(TOKEN);
    }
    expect(
      configError(() => new WhatsAppClient({ env: { ...ENV, WHATSAPP_API_VERSION: '23.0' } })).message,
    ).toContain('apiVersion');
  });

  it('keeps the token out of toJSON and util.inspect', async () => {
    const { inspect } = await import('node:util');
    const wa = new WhatsAppClient({ accessToken: TOKEN, phoneNumberId: '1', env: {} });
    expect(JSON.stringify(wa)).not.toContain(TOKEN);
    expect(inspect(wa, { depth: 10, showHidden: true })).not.toContain(TOKEN);
    expect(inspect(wa.messages, { depth: 10, showHidden: true })).not.toContain(TOKEN);
    await wa.close();
  });

  it('gives two clients their own dispatcher: closing one leaves the other working', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => res.end('{"id":"2"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const options = { accessToken: TOKEN, env: {}, baseUrl: `http://127.0.0.1:${port}` };
    const a = new WhatsAppClient({ ...options, phoneNumberId: '1' });
    const b = new WhatsAppClient({ ...options, phoneNumberId: '2' });
    await expect(a.phoneNumbers.get()).resolves.toEqual({ id: '2' });
    await a.close();
    await expect(a.phoneNumbers.get()).rejects.toThrow(/closed/);
    await expect(b.phoneNumbers.get()).resolves.toEqual({ id: '2' });
    await b.close();
    server.close();
  });
});

describe('baseUrl with a path prefix', () => {
  it('puts the prefix before the version on every request', async () => {
    const { MockAgent } = await import('undici');
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('http://127.0.0.1:4010')
      .intercept({ path: '/graph/v22.0/111/messages', method: 'POST' })
      .reply(200, { messages: [{ id: 'wamid.P' }] });
    const wa = new WhatsAppClient({
      env: { ...ENV, WHATSAPP_BASE_URL: 'http://127.0.0.1:4010/graph/', WHATSAPP_API_VERSION: 'v22.0' },
      dispatcher: agent,
    });
    expect(wa.baseUrl).toBe('http://127.0.0.1:4010/graph');
    await expect(wa.messages.send({ to: '+1555', text: { body: 'x' } })).resolves.toMatchObject({
      messageId: 'wamid.P',
    });
    await wa.close();
    // An injected dispatcher belongs to the caller: close() leaves it usable.
    agent
      .get('http://127.0.0.1:4010')
      .intercept({ path: '/graph/v22.0/111/messages', method: 'POST' })
      .reply(200, { messages: [{ id: 'wamid.Q' }] });
    const again = new WhatsAppClient({
      env: { ...ENV, WHATSAPP_BASE_URL: 'http://127.0.0.1:4010/graph/', WHATSAPP_API_VERSION: 'v22.0' },
      dispatcher: agent,
    });
    await expect(again.messages.send({ to: '+1555', text: { body: 'x' } })).resolves.toMatchObject({
      messageId: 'wamid.Q',
    });
    await agent.close();
  });
});
