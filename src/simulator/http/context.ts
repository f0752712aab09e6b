import type { IncomingHttpHeaders } from 'node:http';

/** A parsed request, as route handlers see it. */
export interface RequestContext {
  method: string;
  /** Path segments after the optional version, e.g. `['106540352242922', 'messages']`. */
  segments: string[];
  /** The version prefix as given (`v23.0`), or undefined. */
  version: string | undefined;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** `http://127.0.0.1:PORT`. */
  baseUrl: string;
  /** The access token the request authenticated with. */
  token: string;
}

/** What a handler answers. */
export type RouteResult =
  | { status: number; json: unknown }
  | { status: number; bytes: Buffer; contentType: string };

/** A 200 JSON answer. */
export function ok(json: unknown): RouteResult {
  return { status: 200, json };
}

/** Parses a JSON request body; form-encoded bodies (Graph accepts them too) become an object of strings. */
export function parseBody(ctx: RequestContext): unknown {
  const text = ctx.body.toString('utf8');
  if (text.trim() === '') return {};
  const type = String(ctx.headers['content-type'] ?? '');
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
