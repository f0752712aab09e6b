import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { redact } from '../../errors/redact.js';
import { GroupCommitEventStore } from '../../events/stores/group-commit-store.js';
import { createNodeWebhookHandler } from '../../webhooks/frameworks/node.js';
import { type CliIo, ExitCode, type ExitCodeValue, UsageError } from '../cli-io.js';
import { integerFlag } from '../integer-flag.js';
import { ListenStats } from '../listen-stats.js';
import { openStore, STORE_HELP } from '../open-store.js';
import { printable } from '../printable.js';

/** Help of `wacloud listen`. */
export const LISTEN_HELP = `Usage: wacloud listen --port N --store SPEC [options]

Receives Meta's webhooks: answers the GET verification challenge, checks every POST's
X-Hub-Signature-256, and writes every event to the store (opt-outs included, so the
suppression list of the next send sees them). A POST is answered 200 only once its events
are in the store; concurrent requests share one batched write. Ctrl-C or SIGTERM stops
accepting, finishes the requests in flight and exits.

  --port <n>              port to listen on (required; 0 = any free port)
  --host <addr>           address to bind (default 127.0.0.1; 0.0.0.0 to expose it)
  --path <path>           webhook path (default /webhook)
  ${STORE_HELP}
  --app-secret <s>        app secret that signs webhooks (default: $WHATSAPP_APP_SECRET)
  --verify-token <t>      verify token of the subscription (default: $WHATSAPP_VERIFY_TOKEN)
  --batch-delay-ms <n>    how long a write waits for others to join its batch (default 2)
  --max-batch <n>         most events per batched write (default 1000)
  --max-in-flight <n>     batched writes sent at once, the next gathering while one waits (default 2)
  --ack-before-store      answer 200 before storing (faster; a crash can lose answered events)
  --summary-every <s>     seconds between summary lines on stderr (default 5; 0 = off)
  -h, --help              show this help

Exit codes: 0 stopped cleanly, 1 some events could not be stored, 2 usage or configuration error.
`;

/** Requests still being answered get this long after a stop before their connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * `wacloud listen`: a webhook receiver writing to a store. Resolves when `io.signal` aborts (Ctrl-C or
 * SIGTERM) and every request accepted so far has been answered and stored.
 */
export async function runListenCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      path: { type: 'string' },
      store: { type: 'string' },
      'app-secret': { type: 'string' },
      'verify-token': { type: 'string' },
      'batch-delay-ms': { type: 'string' },
      'max-batch': { type: 'string' },
      'max-in-flight': { type: 'string' },
      'ack-before-store': { type: 'boolean' },
      'summary-every': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(LISTEN_HELP);
    return ExitCode.ok;
  }
  const port = integerFlag(values.port, 'port', 0, 65535);
  if (port === undefined) throw new UsageError('--port is required');
  const path = values.path ?? '/webhook';
  if (!path.startsWith('/')) throw new UsageError(`--path must start with "/", got "${printable(path)}"`);
  const host = values.host ?? '127.0.0.1';
  const summaryEvery = integerFlag(values['summary-every'], 'summary-every', 0, 86_400) ?? 5;
  const maxDelayMs = integerFlag(values['batch-delay-ms'], 'batch-delay-ms', 0, 60_000) ?? 2;
  const maxBatch = integerFlag(values['max-batch'], 'max-batch', 1, 100_000) ?? 1000;
  const maxInFlight = integerFlag(values['max-in-flight'], 'max-in-flight', 1, 64) ?? 2;
  const appSecret = values['app-secret'] ?? io.env.WHATSAPP_APP_SECRET;
  const verifyToken = values['verify-token'] ?? io.env.WHATSAPP_VERIFY_TOKEN;
  if (!appSecret) throw new UsageError('--app-secret (or WHATSAPP_APP_SECRET) is required');
  if (!verifyToken) throw new UsageError('--verify-token (or WHATSAPP_VERIFY_TOKEN) is required');
  if (io.signal?.aborted) return ExitCode.ok;

  const opened = await openStore(values.store, io.cwd ?? process.cwd());
  try {
    // Fail now, not on Meta's first webhook, when the database is unreachable (this also creates the tables).
    for await (const _ of opened.store.scan({ from: new Date(Date.UTC(9999, 0, 1)) })) break;
  } catch (error) {
    await opened.close().catch(() => {});
    throw new UsageError(`cannot open the store ${opened.label}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const store = new GroupCommitEventStore(opened.store, { maxDelayMs, maxBatch, maxInFlight });
  const stats = new ListenStats();
  const secrets = [appSecret, verifyToken];
  const handler = createNodeWebhookHandler({
    appSecret,
    verifyToken,
    store,
    awaitProcessing: !values['ack-before-store'],
    onError: (error) => {
      io.stderr.write(`wacloud listen: ${printable(redact(error.message, secrets))}\n`);
    },
  });
  handler.processor.on('event', (event) => stats.countEvent(event));

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const target = req.url ?? '/';
    const query = target.indexOf('?');
    if ((query === -1 ? target : target.slice(0, query)) !== path) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      if (req.method === 'POST') stats.countAnswer(404);
      return;
    }
    void handler(req, res).then(() => {
      if (req.method === 'POST') stats.countAnswer(res.statusCode);
    });
  };
  const server = createServer({ keepAlive: true }, onRequest);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await opened.close();
    throw new UsageError(`cannot listen on ${host}:${port}: ${(error as Error).message}`, { cause: error });
  }
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  io.stdout.write(
    `wacloud listen: listening on http://${shownHost}:${address.port}${path} · store ${opened.label}` +
      ` · ${values['ack-before-store'] ? 'answers before storing' : 'answers 200 once stored'}\n`,
  );

  const timer =
    summaryEvery > 0
      ? setInterval(() => {
          if (stats.changed()) io.stderr.write(`wacloud listen: ${stats.line()}\n`);
        }, summaryEvery * 1000)
      : undefined;

  await new Promise<void>((resolve) => {
    if (io.signal === undefined) return; // runs until the process is killed
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });

  clearInterval(timer);
  io.stderr.write('wacloud listen: stopping: no new connections, finishing the requests in flight...\n');
  await stopServer(server);
  await handler.drain();
  await store.flush();
  await opened.close();
  io.stdout.write(`wacloud listen: stopped · ${stats.line()}\n`);
  return stats.storeFailures > 0 ? ExitCode.partialFailure : ExitCode.ok;
}

/**
 * Stops accepting connections and resolves when every open connection has closed: idle keep-alive
 * connections are closed at once (and again as requests finish), busy ones after their answer, and
 * whatever is still open after {@link SHUTDOWN_GRACE_MS} is cut.
 */
async function stopServer(server: ReturnType<typeof createServer>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
}
