import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { CliSandbox } from './cli-harness.js';

describe('wacloud send and Ctrl-C', () => {
  let sim: Simulator;
  const box = new CliSandbox();

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, behaviour: { messagesPerSecond: 1000, pairLimit: false } });
  });

  afterAll(async () => {
    await sim.close();
    box.cleanup();
  });

  /** `wacloud send` of the CSV `file` at `mps` against the simulator; its exit code and stdout. */
  async function send(
    file: string,
    mps: number,
    signal: AbortSignal,
  ): Promise<{ code: number; stdout: string }> {
    let stdout = '';
    const code = await runCli(['send', '--template', 'hello_world', '--to', file, '--mps', String(mps)], {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: () => true },
      env: {
        WHATSAPP_ACCESS_TOKEN: 'test-token',
        WHATSAPP_PHONE_NUMBER_ID: sim.phoneNumberId,
        WHATSAPP_BASE_URL: sim.url,
      },
      cwd: box.dir,
      signal,
    });
    return { code, stdout };
  }

  it('an interrupt that came before sending started (while the CSV was counted) still stops the run', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `+90532555${2000 + i}`);
    box.write('r.csv', `phone\n${rows.join('\n')}\n`);
    const { code, stdout } = await send('r.csv', 5, AbortSignal.abort());
    expect(code).toBe(1);
    const sent = Number(/sent (\d+),/.exec(stdout)?.[1]);
    expect(sent).toBeLessThan(rows.length);
    expect(sim.messages.length).toBe(sent);
  });

  it('an interrupt once sending is under way sends nothing beyond the requests in flight: the queued rest end skipped', async () => {
    // At 2 msg/s all 30 recipients are queued at once; finishing them after Ctrl-C would take 15 s.
    const rows = Array.from({ length: 30 }, (_, i) => `+90532556${2000 + i}`);
    box.write('r2.csv', `phone\n${rows.join('\n')}\n`);
    const before = sim.messages.length;
    const controller = new AbortController();
    const poll = setInterval(() => {
      if (sim.messages.length > before) controller.abort();
    }, 2);
    const { code, stdout } = await send('r2.csv', 2, controller.signal).finally(() => clearInterval(poll));
    expect(code).toBe(1);
    const sent = Number(/sent (\d+),/.exec(stdout)?.[1]);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(5);
    expect(sim.messages.length - before).toBe(sent);
    expect(stdout).toContain(`skipped ${rows.length - sent},`);
  });
});
