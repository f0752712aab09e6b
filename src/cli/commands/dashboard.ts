import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createDashboardHandler } from '../../dashboard/dashboard-handler.js';
import { nodeDashboardListener } from '../../dashboard/node-listener.js';
import { type CliIo, ExitCode, type ExitCodeValue, UsageError } from '../cli-io.js';
import { integerFlag } from '../integer-flag.js';
import { openStore, STORE_HELP } from '../open-store.js';
import { printable } from '../printable.js';

/** Help of `wacloud dashboard`. */
export const DASHBOARD_HELP = `Usage: wacloud dashboard --store SPEC [options]

Serves a live web page of the store's campaigns: for each, the report's KPI cards, funnel,
variants, failures and cost, updating while webhooks arrive (run "wacloud listen" on the same
store). Read-only. Ctrl-C or SIGTERM stops it.

  ${STORE_HELP}
  --port <n>          port (default 3001; 0 = any free port)
  --host <addr>       address to bind (default 127.0.0.1); any other needs --auth-token
  --auth-token <t>    required on every request: open the printed URL once (it sets a cookie),
                      or send "Authorization: Bearer <t>" (default: $WACLOUD_DASHBOARD_TOKEN)
  --interval-ms <n>   how often the numbers look for new events (default 1000)
  -h, --help          show this help
`;

const COOKIE = 'wacloud_dashboard';
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function sameSecret(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/**
 * Checks the token (bearer header, cookie, or `?token=` which sets the cookie and redirects without it);
 * answers and returns false when the request may not go on.
 */
function authorize(req: IncomingMessage, res: ServerResponse, token: string): boolean {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (sameSecret(bearer, token) || sameSecret(cookieValue(req), token)) return true;
  const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
  if (sameSecret(url.searchParams.get('token') ?? undefined, token)) {
    url.searchParams.delete('token');
    res
      .writeHead(303, {
        location: `${url.pathname}${url.search}`,
        'set-cookie': `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        'cache-control': 'no-store',
      })
      .end();
    return false;
  }
  res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' }).end('Unauthorized');
  return false;
}

/** `wacloud dashboard`: serves the live dashboard until `io.signal` aborts. */
export async function runDashboardCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      store: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'auth-token': { type: 'string' },
      'interval-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(DASHBOARD_HELP);
    return ExitCode.ok;
  }
  if (values.store === undefined)
    throw new UsageError('--store is required (the store "wacloud listen" writes to)');
  const port = integerFlag(values.port, 'port', 0, 65535) ?? 3001;
  const host = values.host ?? '127.0.0.1';
  const intervalMs = integerFlag(values['interval-ms'], 'interval-ms', 50, 3_600_000) ?? 1000;
  const token = values['auth-token'] ?? io.env.WACLOUD_DASHBOARD_TOKEN;
  if (!LOOPBACK.has(host) && !token) {
    throw new UsageError(
      `--host ${printable(host)} exposes the dashboard beyond this machine: add --auth-token`,
    );
  }
  if (io.signal?.aborted) return ExitCode.ok;

  const opened = await openStore(values.store, io.cwd ?? process.cwd());
  try {
    for await (const _ of opened.store.scan({ from: new Date(Date.UTC(9999, 0, 1)) })) break;
  } catch (error) {
    await opened.close().catch(() => {});
    throw new UsageError(`cannot open the store ${opened.label}: ${(error as Error).message}`);
  }
  const listener = nodeDashboardListener(createDashboardHandler({ store: opened.store, intervalMs }));
  const server = createServer((req, res) => {
    if (token !== undefined && !authorize(req, res, token)) return;
    listener(req, res).catch((error: unknown) => {
      io.stderr.write(`wacloud dashboard: ${printable((error as Error).message)}\n`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end();
    });
  });
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
    throw new UsageError(`cannot listen on ${host}:${port}: ${(error as Error).message}`);
  }
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}/`;
  io.stdout.write(
    `wacloud dashboard: ${url}${token ? '?token=…' : ''} · store ${opened.label} · Ctrl-C to stop\n`,
  );

  await new Promise<void>((resolve) => {
    if (io.signal === undefined) return;
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  // Live event streams never end on their own: cut every connection, then release the store.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
  await opened.close();
  io.stdout.write('wacloud dashboard: stopped\n');
  return ExitCode.ok;
}
