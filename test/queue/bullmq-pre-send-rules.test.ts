import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { BullMQAdapter } from '../../src/queue/adapters/bullmq/index.js';
import { SendQueue } from '../../src/queue/index.js';
import { TEST_REDIS } from '../helpers/test-services.js';
import { type FakeCloudApi, startFakeCloudApi } from './helpers/fake-cloud-api.js';
import { httpQueueClient } from './helpers/http-client.js';
import { deleteKeys, redisAvailable } from './helpers/redis-available.js';

const available = await redisAvailable();
const run = randomUUID().slice(0, 8);
let server: FakeCloudApi | undefined;
let queue: SendQueue | undefined;

afterAll(async () => {
  await queue?.close();
  await server?.close();
  if (available) {
    await deleteKeys(`bull:wr-${run}*`);
    await deleteKeys(`wr-${run}*`);
  }
});

describe.skipIf(!available)('pre-send rules with BullMQAdapter (real Redis)', () => {
  it('a rule skips the send in the enqueuing process: no job, no request', async () => {
    server = await startFakeCloudApi();
    queue = new SendQueue({
      client: httpQueueClient(server.url, `PN-${run}`),
      perRecipientIntervalMs: 0,
      adapter: new BullMQAdapter({
        connection: TEST_REDIS,
        queueName: `wr-${run}`,
        keyPrefix: `wr-${run}-k`,
      }),
      rules: [async ({ recipientId }) => (recipientId.endsWith('2') ? 'do_not_contact' : undefined)],
    });
    const outcomes = await Promise.all(
      ['+905321110001', '+905321110002', '+905321110003'].map((to) =>
        queue!.enqueue({ to, type: 'template', template: { name: 'promo', language: { code: 'en' } } }),
      ),
    );
    expect(outcomes.map((o) => [o.status, o.reason, o.detail])).toEqual([
      ['sent', undefined, undefined],
      ['skipped', 'rule', 'do_not_contact'],
      ['sent', undefined, undefined],
    ]);
    expect(server.arrivals.map((a) => a.to).sort()).toEqual(['+905321110001', '+905321110003']);
  });
});
