import type { Prng } from './prng.js';

function wamid(waId: string, marker: number, rng: Prng, hexLength: number): string {
  const inner = Buffer.concat([
    Buffer.from([0x1c, 0x18, waId.length & 0xff]),
    Buffer.from(waId),
    Buffer.from([0x15, 0x02, 0x00, marker, 0x18, hexLength]),
    Buffer.from(rng.hex(hexLength).toUpperCase()),
    Buffer.from([0x00]),
  ]);
  return `wamid.${inner.toString('base64')}`;
}

/** An outbound message id shaped like Meta's (`wamid.HBgL…`), drawn from `rng`. */
export function outboundMessageId(waId: string, rng: Prng): string {
  return wamid(waId, 0x11, rng, 18);
}

/** An inbound message id shaped like Meta's, drawn from `rng`. */
export function inboundMessageId(waId: string, rng: Prng): string {
  return wamid(waId, 0x12, rng, 20);
}

const TRACE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** An `fbtrace_id` (23 url-safe characters, starting with `A`). */
export function fbtraceId(rng: Prng): string {
  let out = 'A';
  while (out.length < 23) out += rng.pick([...TRACE_CHARS]);
  return out;
}
