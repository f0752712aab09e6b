import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SimulatorEngine } from '../engine.js';
import { invalidTokenError, SimulatedGraphError } from '../graph-error.js';
import { fbtraceId } from '../ids.js';
import type { RequestContext, RouteResult } from './context.js';
import { downloadMedia } from './media-routes.js';
import { applyFault, route } from './router.js';

const MAX_BODY_BYTES = 110 * 1024 * 1024;
const VERSION = /^v\d+\.\d+$/;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new SimulatedGraphError(100, { details: 'Request body too large.' }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function tokenOf(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return query.get('access_token') ?? undefined;
}

function send(res: ServerResponse, result: RouteResult, traceId: string): void {
  res.setHeader('x-fb-trace-id', traceId);
  if ('bytes' in result) {
    res.writeHead(result.status, {
      'content-type': result.contentType,
      'content-length': result.bytes.length,
    });
    res.end(result.bytes);
    return;
  }
  const body = JSON.stringify(result.json);
  res.writeHead(result.status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** The `node:http` server in front of the engine: auth, versioned paths, faults, Graph error rendering. */
export function createSimulatorServer(engine: SimulatorEngine): Server {
  const server = createServer((req, res) => {
    // Tracked so that flush() also waits for requests still being answered (e.g. delayed by a fault).
    engine.work.track(handle(engine, server, req, res));
  });
  return server;
}

async function handle(engine: SimulatorEngine, server: Server, req: IncomingMessage, res: ServerResponse) {
  engine.stats.requests++;
  const traceId = fbtraceId(engine.idSource);
  try {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    // URLs we hand out (paging.next, media) use the host the client called, so they stay same-origin.
    const baseUrl = `http://${req.headers.host ?? `127.0.0.1:${port}`}`;
    const url = new URL(req.url ?? '/', baseUrl);
    const body = await readBody(req);
    const token = tokenOf(req, url.searchParams);
    if (!token || !engine.options.accessTokens.has(token)) throw invalidTokenError();
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments[0] === 'media-download' && segments.length === 2 && req.method === 'GET') {
      send(res, downloadMedia(engine, segments[1] as string), traceId);
      return;
    }
    const version = segments[0] && VERSION.test(segments[0]) ? segments.shift() : undefined;
    const ctx: RequestContext = {
      method: req.method ?? 'GET',
      segments,
      version,
      query: url.searchParams,
      headers: req.headers,
      body,
      baseUrl,
      token,
    };
    if ((await applyFault(engine, ctx)) === 'disconnect') {
      engine.recordRejection(0);
      req.socket.destroy();
      return;
    }
    send(res, await route(engine, ctx), traceId);
  } catch (error) {
    const graphError =
      error instanceof SimulatedGraphError
        ? error
        : new SimulatedGraphError(1, {
            status: 500,
            message: 'An unknown error occurred',
            extra: { is_transient: true },
            noErrorData: true,
          });
    engine.recordRejection(graphError.code);
    if (!res.headersSent && !res.destroyed) {
      send(res, { status: graphError.status, json: graphError.toBody(traceId) }, traceId);
    }
  }
}
