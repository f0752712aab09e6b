import { InvalidResponseError } from '../errors/index.js';
import type { CallOptions, Transport } from './transport.js';

/** One page of a Graph edge: `{ data, paging: { cursors, next, previous } }`. */
export interface GraphPage<T> {
  /** The items of this page. */
  data: T[];
  /** Cursors and the URL of the next page (absent on the last page). */
  paging?: {
    cursors?: { before?: string; after?: string };
    next?: string;
    previous?: string;
  };
}

/**
 * Iterates every item of a paged Graph edge, following `paging.next` until the last page.
 * The `access_token` query parameter Graph puts in `paging.next` is stripped (the Bearer header is
 * sent instead), and a next URL on another host than the configured Graph origin is refused with an
 * `InvalidResponseError`, so the token never leaves for a host the user did not configure.
 */
export async function* paginate<T>(
  transport: Transport,
  firstPath: string,
  call: CallOptions = {},
): AsyncGenerator<T, void, undefined> {
  let path: string | undefined = firstPath;
  const seen = new Set<string>();
  while (path !== undefined) {
    seen.add(path);
    const page: GraphPage<T> = await transport.json<GraphPage<T>>({
      ...call,
      method: 'GET',
      path,
      idempotent: true,
    });
    for (const item of page.data ?? []) yield item;
    const next = page.paging?.next;
    path = next ? nextPagePath(next, transport.origin) : undefined;
    // A server that hands back a page already read would loop forever.
    if (path !== undefined && seen.has(path)) path = undefined;
  }
}

/**
 * The request path (with query) of a Graph `paging.next` URL, minus `access_token`.
 * Throws when the URL is not on `origin`.
 */
export function nextPagePath(next: string, origin: string): string {
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    // No cause on purpose: the URL parser's error carries the input, and paging.next carries the token.
    throw new InvalidResponseError('Graph returned a paging.next that is not a URL.', { status: 200 });
  }
  if (url.origin !== origin) {
    throw new InvalidResponseError(
      `Refusing to follow paging.next to ${url.origin}: not the configured Graph origin.`,
      { status: 200 },
    );
  }
  url.searchParams.delete('access_token');
  return `${url.pathname}${url.search}`;
}
