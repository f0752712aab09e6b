/** Meta's documented maximum webhook payload size: 3 MB. */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

/**
 * How long reading a webhook body may take, in milliseconds (10 s). Meta sends a few kB at once; a
 * client still trickling bytes after this long is stalled or a slow-loris attack, and gets 408.
 */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/** Returned by {@link readBodyWithLimit} when the body is larger than allowed. */
export const BODY_TOO_LARGE = Symbol('body too large');

/** Returned by {@link readBodyWithLimit} when the body was not read in time. */
export const BODY_TIMED_OUT = Symbol('body timed out');

/**
 * Reads a request body as bytes, refusing it as soon as it exceeds `limit`: a declared
 * `Content-Length` over the limit is refused before reading, and reading stops (the stream is
 * cancelled) at the first chunk past the limit, or when `timeoutMs` have passed.
 */
export async function readBodyWithLimit(
  request: Request,
  limit: number,
  timeoutMs: number = DEFAULT_BODY_TIMEOUT_MS,
): Promise<Uint8Array | typeof BODY_TOO_LARGE | typeof BODY_TIMED_OUT> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) return BODY_TOO_LARGE;
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<typeof BODY_TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(BODY_TIMED_OUT), timeoutMs);
  });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), timedOut]);
      if (next === BODY_TIMED_OUT) {
        await reader.cancel().catch(() => undefined);
        return BODY_TIMED_OUT;
      }
      const { done, value } = next;
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
        return BODY_TOO_LARGE;
      }
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, total);
}
