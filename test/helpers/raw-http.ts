import { connect } from 'node:net';

/** What a raw HTTP exchange produced: the response text and whether the server closed the socket. */
export interface RawExchange {
  /** Everything the server sent (status line, headers, body). */
  response: string;
  /** The status code of the first response line, or 0 when nothing came back. */
  status: number;
  /** True when the server ended the connection (false when `waitMs` ran out first). */
  closedByServer: boolean;
}

/**
 * Sends `chunks` over a raw TCP socket to 127.0.0.1:`port` (waiting `gapMs` between chunks, without
 * ending the request), then collects what the server sends until it closes the socket or `waitMs`
 * pass. For requests Node's HTTP client refuses to send: bad Host headers, odd targets, slow bodies.
 */
export function rawHttp(
  port: number,
  chunks: readonly (string | Buffer)[],
  options: { gapMs?: number; waitMs?: number } = {},
): Promise<RawExchange> {
  const { gapMs = 0, waitMs = 5_000 } = options;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let closedByServer = false;
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('data', (data) => received.push(data));
    socket.on('end', () => {
      closedByServer = true;
      socket.end();
    });
    socket.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code === 'ECONNRESET') closedByServer = true;
      else reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const response = Buffer.concat(received).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
      resolve({ response, status, closedByServer });
    });
    void (async () => {
      for (const [i, chunk] of chunks.entries()) {
        if (i > 0 && gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
        if (socket.destroyed) return;
        socket.write(chunk);
      }
    })();
  });
}
