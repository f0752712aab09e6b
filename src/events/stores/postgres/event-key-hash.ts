import { hash } from 'node:crypto';

/**
 * The idempotency key stored for `eventKey` (an `event_key` value as written to the events table), the
 * same value as `eventKeyHashSql` computes in PostgreSQL: the first 128 bits of the SHA-256 of its UTF-8
 * bytes, as 32 hex digits (PostgreSQL's uuid input accepts them without dashes). Computed in Node for
 * the COPY path, so the server hashes nothing on a large append.
 */
export function eventKeyHash(eventKey: string): string {
  return hash('sha256', eventKey, 'hex').slice(0, 32);
}
