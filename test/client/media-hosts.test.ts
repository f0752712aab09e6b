import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../src/errors/index.js';
import { mockClient, TOKEN } from './helpers.js';

/** A MockAgent host that records the Authorization header it receives. */
function recordingHost(agent: ReturnType<typeof mockClient>['agent'], origin: string, path = '/file') {
  const seen: string[] = [];
  agent
    .get(origin)
    .intercept({ path, method: 'GET' })
    .reply((opts) => {
      seen.push(String((opts.headers as Record<string, string>).authorization));
      return { statusCode: 200, data: 'DATA' };
    });
  return seen;
}

describe('media.download sends the token only to trusted hosts', () => {
  it('refuses an https URL on a foreign host without making a request', async () => {
    const { agent, client } = mockClient();
    const seen = recordingHost(agent, 'https://evil.example');
    const error = await client.media.download('https://evil.example/file').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'url', issues: [{ code: 'untrusted_host' }] });
    expect(String((error as Error).message)).not.toContain(TOKEN);
    expect(seen).toEqual([]);
    expect(agent.pendingInterceptors()).toHaveLength(1);
    await agent.close();
  });

  it('refuses look-alike hosts (suffix without a dot, credentials in the URL)', async () => {
    const { agent, client } = mockClient();
    for (const url of [
      'https://evilfbsbx.com/file',
      'https://fbsbx.com.evil.example/file',
      'https://user:pw@lookaside.fbsbx.com/file',
      'http://lookaside.fbsbx.com/file',
    ]) {
      await expect(client.media.download(url), url).rejects.toBeInstanceOf(ValidationError);
    }
    await agent.close();
  });

  it("sends the Bearer header to Meta's media hosts (*.fbsbx.com, *.whatsapp.net)", async () => {
    const { agent, client } = mockClient();
    const lookaside = recordingHost(agent, 'https://lookaside.fbsbx.com');
    const cdn = recordingHost(agent, 'https://mmg.whatsapp.net');
    expect(await (await client.media.download('https://lookaside.fbsbx.com/file')).body.text()).toBe('DATA');
    expect(await (await client.media.download('https://mmg.whatsapp.net/file')).body.text()).toBe('DATA');
    expect(lookaside).toEqual([`Bearer ${TOKEN}`]);
    expect(cdn).toEqual([`Bearer ${TOKEN}`]);
    await agent.close();
  });

  it('trusts more hosts only when allowedMediaHosts names them', async () => {
    const { agent, client } = mockClient({ allowedMediaHosts: ['files.example.com', '*.cdn.example.org'] });
    const exact = recordingHost(agent, 'https://files.example.com');
    const wildcard = recordingHost(agent, 'https://eu.cdn.example.org');
    await (await client.media.download('https://files.example.com/file')).body.text();
    await (await client.media.download('https://eu.cdn.example.org/file')).body.text();
    expect(exact).toEqual([`Bearer ${TOKEN}`]);
    expect(wildcard).toEqual([`Bearer ${TOKEN}`]);
    await expect(client.media.download('https://other.example.com/file')).rejects.toBeInstanceOf(
      ValidationError,
    );
    await agent.close();

    const any = mockClient({ allowedMediaHosts: ['*'] });
    const seen = recordingHost(any.agent, 'https://anywhere.example');
    await (await any.client.media.download('https://anywhere.example/file')).body.text();
    expect(seen).toEqual([`Bearer ${TOKEN}`]);
    await any.agent.close();
  });

  it('validates allowedMediaHosts', () => {
    expect(() => mockClient({ allowedMediaHosts: ['https://x.example/'] })).toThrow(ConfigError);
  });
});
