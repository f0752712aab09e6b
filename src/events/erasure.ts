import { createHmac, randomBytes } from 'node:crypto';
import { invalidOption } from '../schemas/validate-options.js';
import { eventKey } from './event-key.js';
import { normalizeRecipientId } from './recipient-id.js';
import type { StoredEvent } from './stored-event.js';

/** What {@link EventStore.eraseRecipient} changed. */
export interface ErasureSummary {
  /** The ids erased: every id the store linked to the person (normalized phone numbers and user ids). */
  ids: number;
  /** Events rewritten to the anonymous id (their counts stay in past campaigns' metrics). */
  eventsRewritten: number;
  /** Events removed because, once anonymous, they repeated another of the person's events. */
  eventsDeleted: number;
  /** Tombstones written (one per id; an id erased before is not counted again). */
  tombstones: number;
}

/** What {@link EventStore.purge} takes. */
export interface PurgeOptions {
  /** Remove the events that happened strictly before this instant (`at < before`). */
  before: Date;
}

/** What {@link EventStore.purge} removed. */
export interface PurgeSummary {
  /** Events removed, all kinds together. */
  deleted: number;
  /** Events removed by kind (kinds with none are absent). */
  byKind: Partial<Record<StoredEvent['kind'], number>>;
}

/**
 * The kinds {@link EventStore.purge} keeps whatever their age: the consent record (`opt_in`, `opt_out`,
 * `block`) is the proof of consent and what the suppression list reads, so it outlives the retention period.
 */
export const RETAINED_KINDS: readonly StoredEvent['kind'][] = ['opt_in', 'opt_out', 'block'];

/** The environment variable stores read the erasure key from when no `erasureKey` option is given. */
export const ERASURE_KEY_ENV = 'WACLOUD_ERASURE_KEY';

const MIN_KEY_BYTES = 16;
const TOMBSTONE_PREFIX = 't.';
const ANONYMOUS_PREFIX = 'erased.';

/**
 * The store's erasure key: the `erasureKey` option, else the `WACLOUD_ERASURE_KEY` environment variable,
 * else `undefined` (a store then cannot erase). Throws `ConfigError` (option `erasureKey`) when the key
 * is shorter than 16 bytes.
 */
export function resolveErasureKey(owner: string, option: unknown): string | Uint8Array | undefined {
  const key = option ?? process.env[ERASURE_KEY_ENV] ?? undefined;
  if (key === undefined || key === '') return undefined;
  const length =
    typeof key === 'string' ? Buffer.byteLength(key) : key instanceof Uint8Array ? key.byteLength : -1;
  if (length < MIN_KEY_BYTES) {
    throw invalidOption(
      owner,
      'erasureKey',
      `must be a string or bytes of at least ${MIN_KEY_BYTES} bytes (or set ${ERASURE_KEY_ENV})`,
    );
  }
  return key as string | Uint8Array;
}

/** A fresh random key, for a store whose data (and tombstones) die with the process. */
export function randomErasureKey(): Uint8Array {
  return randomBytes(32);
}

/** The throw of a store asked to erase without a key. */
export function missingErasureKey(owner: string): Error {
  return invalidOption(
    owner,
    'erasureKey',
    `is needed to erase: give \`erasureKey\` (at least ${MIN_KEY_BYTES} bytes, kept apart from the database) or set ${ERASURE_KEY_ENV}`,
  );
}

/**
 * The tombstone of an erased id: `t.` + base64url HMAC-SHA256 of the normalized id under the erasure
 * key. Without the key it cannot be turned back into the number, even by trying every phone number.
 */
export function tombstoneOf(recipientId: string, key: string | Uint8Array): string {
  return (
    TOMBSTONE_PREFIX +
    createHmac('sha256', key)
      .update(`wacloud-erased:${normalizeRecipientId(recipientId)}`)
      .digest('base64url')
  );
}

/** A short fingerprint of the key, stored with each tombstone so a changed key is noticed. */
export function erasureKeyId(key: string | Uint8Array): string {
  return createHmac('sha256', key).update('wacloud-erasure-key-id').digest('base64url').slice(0, 12);
}

/** A fresh anonymous id (`erased.` + 128 random bits): it says nothing about who it replaced. */
function anonymousId(): string {
  return ANONYMOUS_PREFIX + randomBytes(16).toString('base64url');
}

/** One event's fate in an erasure: rewritten (`after`) or removed (`after` undefined). */
export interface ErasureChange<E = StoredEvent> {
  before: E;
  after: StoredEvent | undefined;
}

/** What {@link planErasure} decides. */
export interface ErasurePlan<E> {
  /** Every candidate event's new form (or removal). */
  changes: Array<ErasureChange<E>>;
  /** Old message id → anonymous message id (the status rollup is keyed by message id). */
  messageIds: Map<string, string>;
}

/** Fields that can identify the person or hold their free text: dropped from every erased event. */
const IDENTIFYING_FIELDS = [
  'userId',
  'parentUserId',
  'username',
  'previousUserId',
  'previousParentUserId',
  'text',
  'buttonPayload',
  'url',
  'trackingToken',
] as const;

/**
 * Decides how an erasure rewrites the events that concern a person (`events`: every event naming one
 * of `ids`, and every event about their messages). Each event keeps its kind, time, campaign, variant,
 * segment, statuses, pricing, error codes and values, so past campaigns' metrics keep their counts; and
 * loses what could identify the person:
 * - `recipientId` (phone number or user id) becomes one anonymous id, the same for all their events,
 *   so attribution between their messages, replies and conversions is unchanged;
 * - message ids (Meta's `wamid` encodes the phone number) become anonymous ids, consistently;
 * - user ids, username, reply text and button payloads, consent wording, link URLs and tracking tokens
 *   are dropped; `idempotencyKey` (which holds the number) is replaced; outbound `metadata` keeps only
 *   a `timeZone` (local-time metrics read it).
 * An event whose rewritten key repeats one already kept is removed.
 */
export function planErasure<E>(
  candidates: readonly E[],
  eventOf: (candidate: E) => StoredEvent,
  ids: ReadonlySet<string>,
): ErasurePlan<E> {
  const person = anonymousId();
  const messageIds = new Map<string, string>();
  const mapMessage = (id: string): string => {
    let mapped = messageIds.get(id);
    if (mapped === undefined) {
      mapped = anonymousId();
      messageIds.set(id, mapped);
    }
    return mapped;
  };
  const keys = new Set<string>();
  let keyCount = 0;
  const changes: Array<ErasureChange<E>> = [];
  for (const candidate of candidates) {
    const event = eventOf(candidate);
    const source = event as unknown as Record<string, unknown>;
    const copy: Record<string, unknown> = { ...source };
    for (const field of IDENTIFYING_FIELDS) delete copy[field];
    if (typeof source.recipientId === 'string' && ids.has(normalizeRecipientId(source.recipientId)))
      copy.recipientId = person;
    if (typeof source.messageId === 'string') copy.messageId = mapMessage(source.messageId);
    if (typeof source.contextMessageId === 'string')
      copy.contextMessageId = mapMessage(source.contextMessageId);
    if (typeof source.idempotencyKey === 'string') copy.idempotencyKey = `${person}.k${keyCount++}`;
    if (event.kind === 'outbound' && event.metadata !== undefined) {
      const zone = event.metadata.timeZone;
      if (typeof zone === 'string') copy.metadata = { timeZone: zone };
      else delete copy.metadata;
    }
    const after = copy as unknown as StoredEvent;
    const key = eventKey(after);
    if (keys.has(key)) changes.push({ before: candidate, after: undefined });
    else {
      keys.add(key);
      changes.push({ before: candidate, after });
    }
  }
  return { changes, messageIds };
}

/** The message ids an erasure must follow from a person's own events (their messages and replies). */
export function messageIdsOf(events: Iterable<StoredEvent>): Set<string> {
  const out = new Set<string>();
  for (const event of events) {
    const source = event as unknown as Record<string, unknown>;
    if (typeof source.messageId === 'string') out.add(source.messageId);
    if (typeof source.contextMessageId === 'string') out.add(source.contextMessageId);
  }
  return out;
}

/** Checks `purge`'s options (throws `ConfigError`, option `before`); returns `before` in epoch ms. */
export function checkPurgeOptions(owner: string, options: PurgeOptions): number {
  const before = (options as { before?: unknown } | undefined)?.before;
  if (!(before instanceof Date) || Number.isNaN(before.getTime()))
    throw invalidOption(`${owner}.purge`, 'before', 'must be a valid Date');
  return before.getTime();
}
