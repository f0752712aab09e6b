import { afterEach, describe, expect, it } from 'vitest';
import { WhatsAppClient } from '../../src/client/index.js';
import { template } from '../../src/messages/builders/template-builders.js';
import type { RetryInfo } from '../../src/queue/adapter.js';
import { SendQueue } from '../../src/queue/index.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';

let simulator: Simulator | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

function clientFor(sim: Simulator): WhatsAppClient {
  return new WhatsAppClient({
    accessToken: 'test-token',
    phoneNumberId: sim.phoneNumberId,
    businessAccountId: sim.businessAccountId,
    baseUrl: sim.url,
  });
}

describe('SendQueue with the real client against the simulator', () => {
  it('stays under the simulated throughput limit: no 130429 at the configured rate', async () => {
    simulator = await startSimulator({ seed: 3, behaviour: { messagesPerSecond: 100, pairLimit: false } });
    const queue = new SendQueue({
      client: clientFor(simulator),
      messagesPerSecond: 100,
      perRecipientIntervalMs: 0,
    });
    const retries: RetryInfo[] = [];
    queue.on('retry', (r) => retries.push(r));
    const result = await queue.sendCampaign({
      campaignId: 'sim',
      recipients: Array.from({ length: 250 }, (_, i) => `+90532555${String(1000 + i)}`),
      build: (to) => template(to, 'hello_world', 'en_US'),
      preflight: true,
    }).done;
    await queue.close();
    expect(result).toMatchObject({ sent: 250, failed: 0, unknown: 0 });
    expect(retries).toEqual([]);
  });

  it('recovers from the simulated pair limit (131056) by backing off that recipient only', async () => {
    simulator = await startSimulator({
      seed: 4,
      behaviour: { messagesPerSecond: 1000, pairLimit: { intervalMs: 150, burst: 1 } },
    });
    const queue = new SendQueue({
      client: clientFor(simulator),
      messagesPerSecond: 200,
      perRecipientIntervalMs: 0, // deliberately below the simulator's pair limit
      retry: { pairBackoffUnitMs: 100 },
    });
    const retries: RetryInfo[] = [];
    queue.on('retry', (r) => retries.push(r));
    const outcomes = await Promise.all([
      ...[1, 2].map(() => queue.enqueue(template('+905325550001', 'hello_world', 'en_US'))),
      queue.enqueue(template('+905325550002', 'hello_world', 'en_US')),
    ]);
    await queue.close();
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent', 'sent']);
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries.every((r) => r.scope === 'recipient' && r.job.recipientId === '905325550001')).toBe(true);
    expect(retries[0]?.error).toMatchObject({ code: 131056 });
  });
});
