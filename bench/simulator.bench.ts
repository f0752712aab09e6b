/**
 * The local Cloud API simulator under load, over loopback:
 * - accepted sends per second with 32 keep-alive connections (limits and webhooks off);
 * - the throughput limit under a 2.5 s flood: the most sends admitted in any sliding second at 80 mps
 *   (server-side admission times);
 * - signed status webhooks delivered per second to a local receiver that verifies each signature.
 * Prints one JSON line per figure. Usage: `npx tsx bench/simulator.bench.ts [sends]`.
 */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { startSimulator } from '../src/simulator/index.js';

const SENDS = Number(process.argv[2] ?? 10_000);
const CONNECTIONS = 32;
const SECRET = 'bench-secret';

function line(figure: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ bench: 'simulator', figure, value, unit, ...extra }));
}

const template = (i: number) =>
  JSON.stringify({
    messaging_product: 'whatsapp',
    to: `1650${String(i).padStart(7, '0')}`,
    type: 'template',
    template: {
      name: 'order_update',
      language: { code: 'en_US' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: `#${i}` }] }],
    },
  });

async function blast(pool: Pool, path: string, count: number): Promise<{ ok: number; statuses: number[] }> {
  let next = 0;
  let ok = 0;
  const statuses: number[] = [];
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const response = await pool.request({
        method: 'POST',
        path,
        headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
        body: template(i),
      });
      await response.body.dump();
      statuses.push(response.statusCode);
      if (response.statusCode === 200) ok++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  return { ok, statuses };
}

async function sendThroughput(): Promise<void> {
  const sim = await startSimulator({ behaviour: { messagesPerSecond: 1e9, pairLimit: false } });
  const pool = new Pool(sim.url, { connections: CONNECTIONS });
  const path = `/v23.0/${sim.phoneNumberId}/messages`;
  await blast(pool, path, 500); // warm-up
  const started = performance.now();
  const { ok } = await blast(pool, path, SENDS);
  const seconds = (performance.now() - started) / 1000;
  line('accepted sends', Math.round(ok / seconds), 'req/s', { sends: SENDS, connections: CONNECTIONS });
  await pool.close();
  await sim.close();
}

async function throughputLimit(): Promise<void> {
  const sim = await startSimulator({
    behaviour: { messagesPerSecond: 80, pairLimit: false },
    now: () => performance.timeOrigin + performance.now(),
  });
  const pool = new Pool(sim.url, { connections: CONNECTIONS });
  const path = `/v23.0/${sim.phoneNumberId}/messages`;
  const until = performance.now() + 2500;
  let i = 0;
  let refused = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const response = await pool.request({
        method: 'POST',
        path,
        headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
        body: template(i++),
      });
      await response.body.dump();
      if (response.statusCode !== 200) refused++;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  // Admission times as the simulator recorded them (server side, sub-millisecond clock).
  const arrivals = sim.messages.map((m) => m.acceptedAt.getTime());
  let maxInSecond = 0;
  for (let a = 0, b = 0; b < arrivals.length; b++) {
    while ((arrivals[b] as number) - (arrivals[a] as number) >= 1000) a++;
    maxInSecond = Math.max(maxInSecond, b - a + 1);
  }
  line('admitted in busiest second at 80 mps', maxInSecond, 'requests', {
    accepted: arrivals.length,
    refused130429: refused,
    seconds: 2.5,
  });
  await pool.close();
  await sim.close();
}

async function webhookDelivery(): Promise<void> {
  let received = 0;
  let badSignatures = 0;
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
      if (req.headers['x-hub-signature-256'] !== expected) badSignatures++;
      received++;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  const { port } = receiver.address() as AddressInfo;
  const sim = await startSimulator({
    appSecret: SECRET,
    webhookUrl: `http://127.0.0.1:${port}/webhook`,
    behaviour: {
      messagesPerSecond: 1e9,
      pairLimit: false,
      batchWindowMs: 0,
      deliveredRate: 1,
      readRate: 1,
      readWithoutDeliveredRate: 0,
      outOfOrderRate: 0,
      failedRate: 0,
      replyRate: 0,
      stopReplyRate: 0,
      quickReplyRate: 0,
      duplicateRate: 0,
      userPreferencesStopRate: 0,
      latencyMs: { sent: [0, 0], delivered: [0, 0], read: [0, 0] },
    },
  });
  const pool = new Pool(sim.url, { connections: CONNECTIONS });
  const messages = Math.max(1000, Math.floor(SENDS / 5));
  const started = performance.now();
  await blast(pool, `/v23.0/${sim.phoneNumberId}/messages`, messages);
  await sim.flush();
  const seconds = (performance.now() - started) / 1000;
  line('signed webhooks delivered', Math.round(sim.stats().webhooksPosted / seconds), 'webhooks/s', {
    messages,
    webhooks: sim.stats().webhooksPosted,
    received,
    badSignatures,
    concurrency: 16,
  });
  await pool.close();
  await sim.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
}

await sendThroughput();
await throughputLimit();
await webhookDelivery();
