/**
 * Frequency cap under two racing workers (issue 12): two BullMQ worker processes and two campaigns
 * (two producer queues in this process) racing for the same recipients with `frequencyCap:
 * { max: 1, perMs: day }`, against a loopback fake Cloud API. Counts the recipients Meta would have
 * seen twice (violations: must be 0). Needs Redis (WACLOUD_TEST_REDIS_URL, default 127.0.0.1:6379).
 * `node --import tsx bench/frequency-cap-race.bench.ts [recipients]` (default 10,000).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BullMQAdapter } from '../src/queue/adapters/bullmq/index.js';
import { SendQueue } from '../src/queue/index.js';
import { TEST_REDIS } from '../test/helpers/test-services.js';
import { startFakeCloudApi } from '../test/queue/helpers/fake-cloud-api.js';
import { httpQueueClient } from '../test/queue/helpers/http-client.js';
import { deleteKeys } from '../test/queue/helpers/redis-available.js';

const DAY = 24 * 3600_000;
const count = Number(process.argv[2] ?? 10_000);
const run = randomUUID().slice(0, 8);
const queueName = `bench-fcap-${run}`;
const keyPrefix = `bench-fcap-${run}-k`;
const phone = `PN-bench-fcap-${run}`;
const workerScript = fileURLToPath(new URL('../test/queue/helpers/bullmq-worker.ts', import.meta.url));

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

const server = await startFakeCloudApi();
const workers = await Promise.all(
  [1, 2].map(() =>
    startWorker({
      FAKE_URL: server.url,
      QUEUE: queueName,
      KEY_PREFIX: keyPrefix,
      PHONE: phone,
      MPS: '1000',
      CONCURRENCY: '50',
      FCAP_MS: String(DAY),
    }),
  ),
);
const recipients = Array.from({ length: count }, (_, i) => `+9053${String(i).padStart(8, '0')}`);
const started = performance.now();
const queues: SendQueue[] = [];
const campaign = (label: string) => {
  const queue = new SendQueue({
    client: httpQueueClient(server.url, phone),
    messagesPerSecond: 1000,
    perRecipientIntervalMs: 0,
    frequencyCap: { max: 1, perMs: DAY },
    adapter: new BullMQAdapter({ connection: TEST_REDIS, queueName, keyPrefix, worker: false }),
  });
  queues.push(queue);
  return queue.sendCampaign({
    campaignId: `${label}-${run}`,
    recipients,
    build: (to) => ({ to, type: 'template', template: { name: label, language: { code: 'en' } } }),
  }).done;
};
const results = await Promise.all([campaign('spring'), campaign('summer')]);
const seconds = (performance.now() - started) / 1000;

const perRecipient = new Map<string, number>();
for (const a of server.arrivals) perRecipient.set(a.to, (perRecipient.get(a.to) ?? 0) + 1);
const violations = [...perRecipient.values()].filter((n) => n > 1).length;
console.log(
  JSON.stringify({
    bench: 'frequency-cap-race',
    figure: 'frequency-cap-race',
    violations,
    recipients: count,
    reached: perRecipient.size,
    sent: results.reduce((sum, p) => sum + p.sent, 0),
    skipped: results.reduce((sum, p) => sum + p.skipped, 0),
    failed: results.reduce((sum, p) => sum + p.failed + p.unknown, 0),
    seconds: Math.round(seconds * 10) / 10,
    sendsPerSecond: Math.round((2 * count) / seconds),
    load: loadavg()[0],
  }),
);

for (const queue of queues) await queue.close();
for (const worker of workers) worker.kill('SIGTERM');
await server.close();
await deleteKeys(`bull:${queueName}*`);
await deleteKeys(`${keyPrefix}*`);
process.exit(violations === 0 ? 0 : 1);
