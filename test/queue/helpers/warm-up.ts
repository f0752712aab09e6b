import { WhatsAppClient } from '../../../src/client/index.js';
import { msg } from '../../../src/messages/index.js';
import { MemoryPortfolioBudget } from '../../../src/queue/governance/portfolio-budget.js';
import { SendQueue } from '../../../src/queue/index.js';
import { startSimulator } from '../../../src/simulator/index.js';

/**
 * Sends `messages` templates through a throwaway simulator and queue on the real clock, so a measured
 * run that follows starts with compiled code (benchmarks leave the JIT's warm-up out): the first
 * requests of a cold process take a hundred milliseconds and more, which the throughput limiter
 * rightly holds against the next second.
 */
export async function warmUp(messages: number): Promise<void> {
  const simulator = await startSimulator({
    phoneNumbers: [{ id: '100000000000001', messagesPerSecond: 1000 }],
    behaviour: {
      enforceMessagingLimit: false,
      marketingLimitRate: 0,
      pairLimit: false,
      failedRate: 0,
      deliveredRate: 0,
      duplicateRate: 0,
      outOfOrderRate: 0,
      userPreferencesStopRate: 0,
    },
  });
  const client = new WhatsAppClient({
    accessToken: 'test-token',
    phoneNumberId: simulator.phoneNumberId,
    businessAccountId: simulator.businessAccountId,
    baseUrl: simulator.url,
  });
  const queue = new SendQueue({
    client,
    messagesPerSecond: 1000,
    concurrency: 64,
    perRecipientIntervalMs: 0,
    portfolioBudget: new MemoryPortfolioBudget({ limit: 1_000_000 }),
  });
  try {
    await queue.sendCampaign({
      campaignId: 'warm-up',
      recipients: Array.from({ length: messages }, (_, i) => `+90533${String(1_000_000 + i)}`),
      build: (to) => msg.template(to, 'welcome', 'en_US'),
    }).done;
  } finally {
    await queue.close();
    await simulator.close();
  }
}
