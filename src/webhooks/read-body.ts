/** Meta's documented maximum webhook payload size: 3 MB. */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Returned by {@link readBodyWithLimit} when the body is larger than allowed. */
export const BODY_TOO_LARGE = Symbol('body too large');

/**
 * Reads a request body as bytes, refusing it as soon as it exceeds `limit`: a declared
 * `Content-Length` over the limit is refused before reading, and reading stops (the stream is
 * cancelled) at the first chunk past the limit.
 */
export async function readBodyWithLimit(
  request: Request,
  limit: number,
): Promise<Uint8Array | typeof BODY_TOO_LARGE> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) return BODY_TOO_LARGE;
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return BODY_TOO_LARGE;
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, total);
}
