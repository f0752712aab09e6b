/**
 * The floor `wacloud listen` is compared with in bench/webhook-listen.bench.ts: the same pipeline
 * written by hand with nothing but node:http + HMAC-SHA256 + JSON.parse + the store's batched append
 * (no zod validation, no dedupe window, no typed events). Statuses are mapped to stored events
 * directly; a POST is answered 200 once its events are in the store, concurrent POSTs share one append
 * every 2 ms. Usage (spawned by the bench): `tsx bench/listen-floor-server.ts <store-spec> <secret>`;
 * prints `listening on <port>` and stops on SIGTERM.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openStore } from '../src/cli/open-store.js';
import type { StoredEvent } from '../src/events/stored-event.js';

const [spec, secret] = process.argv.slice(2) as [string, string];
const opened = await openStore(spec, process.cwd());
const store = opened.store;

let queue: Array<{ events: StoredEvent[]; done: (ok: boolean) => void }> = [];
let timer: NodeJS.Timeout | undefined;
let writing = false;

async function flush(): Promise<void> {
  timer = undefined;
  if (writing || queue.length === 0) return;
  writing = true;
  const batch = queue;
  queue = [];
  try {
    await store.append(batch.flatMap((w) => w.events));
    for (const w of batch) w.done(true);
  } catch {
    for (const w of batch) w.done(false);
  }
  writing = false;
  if (queue.length > 0) void flush();
}

interface Envelope {
  entry: Array<{ changes: Array<{ value: { statuses?: Array<Record<string, string>> } }> }>;
}

const server = createServer({ keepAlive: true }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
    const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(401).end();
      return;
    }
    const payload = JSON.parse(body.toString('utf8')) as Envelope;
    const events: StoredEvent[] = [];
    for (const entry of payload.entry) {
      for (const change of entry.changes) {
        for (const s of change.value.statuses ?? []) {
          events.push({
            kind: 'status',
            messageId: s.id as string,
            status: s.status as 'delivered',
            at: new Date(Number(s.timestamp) * 1000),
            recipientId: s.recipient_id as string,
          });
        }
      }
    }
    queue.push({ events, done: (ok) => res.writeHead(ok ? 200 : 500).end() });
    if (!writing && timer === undefined) timer = setTimeout(() => void flush(), 2);
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on ${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => {
  server.close(async () => {
    while (writing || queue.length > 0) await new Promise((r) => setTimeout(r, 5));
    await opened.close();
    process.exit(0);
  });
  server.closeIdleConnections();
  setInterval(() => server.closeIdleConnections(), 50).unref();
});
