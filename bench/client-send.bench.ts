/**
 * `messages.send` against a local keep-alive HTTP server (in its own child process, so its CPU is
 * not counted here) versus a raw `undici.request` loop sending the same bytes, at the same
 * concurrency, in rotated rounds (raw, sdk, raw, sdk, ...). Prints messages/s and this process's
 * CPU time per send for both, with the SDK/raw ratios.
 * Usage: `npx tsx bench/client-send.bench.ts` (about 15 s).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'undici';
import { WhatsAppClient } from '../src/client/index.js';

const CONCURRENCY = 32;
const ROUNDS = 3;
const ROUND_MS = 2_000;
const WARMUP_MS = 500;
const TOKEN = 'EAAG-bench-token-not-a-secret';
const PHONE_ID = '106540352242922';
const MESSAGE = { to: '+16505551234', type: 'text', text: { body: 'Hello from the wacloud bench' } };

const SERVER = `
const http = require('node:http');
const body = JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: '+16505551234', wa_id: '16505551234' }],
  messages: [{ id: 'wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA' }] });
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

type Sender = () => Promise<unknown>;

async function startServer(): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, origin: `http://127.0.0.1:${chunk.toString().trim()}` };
}

async function run(send: Sender, ms: number): Promise<{ count: number; cpuUs: number; elapsedMs: number }> {
  const deadline = performance.now() + ms;
  let count = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      await send();
      count++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { count, cpuUs: cpu.user + cpu.system, elapsedMs };
}

async function main(): Promise<void> {
  const { child, origin } = await startServer();
  try {
    const rawAgent = new Agent({ keepAliveTimeout: 30_000 });
    const url = `${origin}/v23.0/${PHONE_ID}/messages`;
    const headers = {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      'user-agent': 'raw/1',
      accept: 'application/json',
    };
    const raw: Sender = async () => {
      const res = await request(url, {
        method: 'POST',
        dispatcher: rawAgent,
        headers,
        body: JSON.stringify({ messaging_product: 'whatsapp', ...MESSAGE }),
      });
      const body = (await res.body.json()) as { messages: Array<{ id: string }> };
      if (res.statusCode !== 200 || !body.messages[0]?.id) throw new Error('bad response');
    };
    const client = new WhatsAppClient({
      accessToken: TOKEN,
      phoneNumberId: PHONE_ID,
      baseUrl: origin,
      env: {},
    });
    const sdk: Sender = () => client.messages.send(MESSAGE);

    await run(raw, WARMUP_MS);
    await run(sdk, WARMUP_MS);
    const totals = { raw: { count: 0, cpuUs: 0, elapsedMs: 0 }, sdk: { count: 0, cpuUs: 0, elapsedMs: 0 } };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, send] of [
        ['raw', raw],
        ['sdk', sdk],
      ] as const) {
        const r = await run(send, ROUND_MS);
        totals[name].count += r.count;
        totals[name].cpuUs += r.cpuUs;
        totals[name].elapsedMs += r.elapsedMs;
      }
    }
    await client.close();
    await rawAgent.close();

    const rate = (t: typeof totals.raw) => t.count / (t.elapsedMs / 1000);
    const cpuPerSend = (t: typeof totals.raw) => t.cpuUs / t.count;
    const extra = { concurrency: CONCURRENCY, rounds: ROUNDS, roundMs: ROUND_MS };
    const line = (figure: string, value: number, unit: string, more: Record<string, unknown> = {}) =>
      console.log(
        JSON.stringify({
          bench: 'client-send',
          figure,
          value: Math.round(value * 100) / 100,
          unit,
          ...extra,
          ...more,
        }),
      );
    const rawRate = rate(totals.raw);
    const sdkRate = rate(totals.sdk);
    const rawCpu = cpuPerSend(totals.raw);
    const sdkCpu = cpuPerSend(totals.sdk);
    line('raw undici.request throughput', rawRate, 'messages/s', { sends: totals.raw.count });
    line('messages.send throughput', sdkRate, 'messages/s', {
      sends: totals.sdk.count,
      ratioToRaw: Math.round((sdkRate / rawRate) * 1000) / 1000,
    });
    line('raw undici.request CPU per send', rawCpu, 'µs');
    line('messages.send CPU per send', sdkCpu, 'µs', {
      ratioToRaw: Math.round((sdkCpu / rawCpu) * 1000) / 1000,
    });
  } finally {
    child.kill();
  }
}

await main();
