import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { runSimulateCommand } from '../../src/simulator/cli.js';
import { send, startReceiver } from './helpers.js';

function capture() {
  let text = '';
  return { stdout: { write: (chunk: string) => (text += chunk) }, text: () => text };
}

describe('runSimulateCommand', () => {
  it('starts a simulator from flags and the environment, printing how to connect but never the secret', async () => {
    const receiver = await startReceiver();
    const out = capture();
    const sim = await runSimulateCommand(
      ['--port', '0', '--webhook', receiver.url, '--mps', '5', '--seed', '3'],
      {
        stdout: out.stdout,
        env: { WHATSAPP_APP_SECRET: 'very-secret-value' },
        handleSignals: false,
      },
    );
    try {
      expect(sim).toBeDefined();
      if (!sim) return;
      expect(out.text()).toContain(`listening on ${sim.url}`);
      expect(out.text()).toContain('accessToken:       test-token');
      expect(out.text()).toContain(sim.phoneNumberId);
      expect(out.text()).not.toContain('very-secret-value');
      sim.inbound('16505551234', 'hi');
      expect((await send(sim, { to: '16505551234', text: { body: 'hello' } })).status).toBe(200);
      await sim.flush();
      expect(receiver.received.length).toBeGreaterThan(0);
    } finally {
      await sim?.close();
      await receiver.close();
    }
  });

  it('does not echo a token taken from the environment', async () => {
    const out = capture();
    const sim = await runSimulateCommand(['--port', '0'], {
      stdout: out.stdout,
      env: { WHATSAPP_ACCESS_TOKEN: 'EAAG-real-looking-token' },
      handleSignals: false,
    });
    await sim?.close();
    expect(out.text()).not.toContain('EAAG-real-looking-token');
    expect(out.text()).toContain('(the token you passed)');
  });

  it('prints usage for --help and rejects bad arguments with ConfigError', async () => {
    const out = capture();
    expect(await runSimulateCommand(['--help'], { stdout: out.stdout, env: {} })).toBeUndefined();
    expect(out.text()).toContain('Usage: wacloud simulate');
    await expect(runSimulateCommand(['--nope'], { env: {}, handleSignals: false })).rejects.toBeInstanceOf(
      ConfigError,
    );
    await expect(
      runSimulateCommand(['--mps', 'fast'], { env: {}, handleSignals: false }),
    ).rejects.toBeInstanceOf(ConfigError);
    await expect(
      runSimulateCommand(['--port', '0', '--webhook', 'http://127.0.0.1:1/x'], {
        env: {},
        handleSignals: false,
      }),
    ).rejects.toThrow(/--app-secret/);
  });
});
