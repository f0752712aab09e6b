import { normalizeRecipientId } from './recipient-id.js';
import type { InboundEvent, PreferenceEvent, StatusEvent, StoredEvent } from './stored-event.js';

const DIGITS = /^\d+$/;

/** Which of two ids names a person's group: a phone number beats a user id, then the smaller string. */
function better(a: string, b: string): string {
  const aPhone = DIGITS.test(a);
  if (aPhone !== DIGITS.test(b)) return aPhone ? a : b;
  return a <= b ? a : b;
}

/**
 * Whether the event carries a user id at all (most do not: the hot path of every append), so that
 * {@link identityPairs} may find a pair in it. Cheaper than asking `identityPairs`, which allocates.
 *
 * @internal
 */
export function mayLinkIdentities(event: StoredEvent): event is StatusEvent | InboundEvent | PreferenceEvent {
  switch (event.kind) {
    case 'inbound':
      return (
        event.userId !== undefined ||
        event.parentUserId !== undefined ||
        event.previousUserId !== undefined ||
        event.previousParentUserId !== undefined
      );
    case 'status':
    case 'opt_out':
    case 'opt_in':
      return event.userId !== undefined || event.parentUserId !== undefined;
    default:
      return false;
  }
}

/**
 * The pairs of ids an event says belong to one person (ids normalised as {@link normalizeRecipientId}):
 * its `recipientId` with its `userId` and `parentUserId`, and on a `user_changed_user_id` message the
 * previous user id (and parent) with the new one.
 */
export function identityPairs(event: StoredEvent): Array<[string, string]> {
  if (!mayLinkIdentities(event)) return [];
  const pairs: Array<[string, string]> = [];
  const add = (a: string | undefined, b: string | undefined) => {
    if (a === undefined || b === undefined || a === '' || b === '') return;
    const x = normalizeRecipientId(a);
    const y = normalizeRecipientId(b);
    if (x !== y) pairs.push([x, y]);
  };
  const recipientId = event.recipientId;
  add(recipientId, event.userId);
  add(recipientId, event.parentUserId);
  if (event.kind === 'inbound') {
    add(event.previousUserId, event.userId ?? recipientId);
    add(event.previousParentUserId, event.parentUserId);
  }
  return pairs;
}

/**
 * Which recipient ids are one person: a phone number and the business-scoped user ids Meta reported
 * with it (and every id a `user_changed_user_id` replaced). Each group has one canonical id — its phone
 * number when one is known, else its smallest user id — so the result does not depend on the order the
 * links were learned in. Metrics count a person under their canonical id, and the suppression list
 * reads the signals of every id of the group.
 */
export class IdentityLinks {
  readonly #parent = new Map<string, string>();
  readonly #members = new Map<string, string[]>();

  /** Learns every pair of ids the events tie together (see {@link identityPairs}). */
  static fromEvents(events: Iterable<StoredEvent>): IdentityLinks {
    const links = new IdentityLinks();
    for (const event of events) links.learn(event);
    return links;
  }

  /** Learns the pairs of ids one event ties together. */
  learn(event: StoredEvent): void {
    if (!mayLinkIdentities(event)) return;
    for (const [a, b] of identityPairs(event)) this.link(a, b);
  }

  /** Records that two ids are the same person. */
  link(a: string, b: string): void {
    const rootA = this.#root(normalizeRecipientId(a));
    const rootB = this.#root(normalizeRecipientId(b));
    if (rootA === rootB) return;
    const root = better(rootA, rootB);
    const child = root === rootA ? rootB : rootA;
    this.#parent.set(child, root);
    const members = [...(this.#members.get(root) ?? [root]), ...(this.#members.get(child) ?? [child])];
    this.#members.set(root, members);
    this.#members.delete(child);
  }

  /** The canonical id of the person `recipientId` names (itself, normalised, when no link is known). */
  canonical(recipientId: string): string {
    return this.#root(normalizeRecipientId(recipientId));
  }

  /** Every id of the person `recipientId` names, the canonical one first. */
  aliases(recipientId: string): string[] {
    const root = this.canonical(recipientId);
    const members = this.#members.get(root);
    return members === undefined ? [root] : [root, ...members.filter((id) => id !== root)];
  }

  /** Every id of the people these ids name, each once. */
  expand(recipientIds: Iterable<string>): string[] {
    const out = new Set<string>();
    for (const id of recipientIds) for (const alias of this.aliases(id)) out.add(alias);
    return [...out];
  }

  /** How many ids belong to a group of two or more. */
  get size(): number {
    let count = 0;
    for (const members of this.#members.values()) count += members.length;
    return count;
  }

  /** `recipientId` as a fold counts it: the canonical id of its person, or itself when it is that id. */
  canonicalRecipientId(recipientId: string): string {
    if (this.#members.size === 0) return recipientId;
    const canonical = this.canonical(recipientId);
    return canonical === normalizeRecipientId(recipientId) ? recipientId : canonical;
  }

  /** The event with its `recipientId` replaced by the canonical id (the same object when unchanged). */
  canonicalEvent<E extends StoredEvent>(event: E): E {
    const recipientId = event.recipientId;
    if (recipientId === undefined) return event;
    const canonical = this.canonicalRecipientId(recipientId);
    return canonical === recipientId ? event : { ...event, recipientId: canonical };
  }

  #root(id: string): string {
    let root = id;
    for (let next = this.#parent.get(root); next !== undefined; next = this.#parent.get(root)) root = next;
    // Path compression keeps later look-ups flat.
    for (let node = id; node !== root; ) {
      const next = this.#parent.get(node) as string;
      this.#parent.set(node, root);
      node = next;
    }
    return root;
  }
}

/** The part of a facts builder that {@link resolveIdentities} wraps. */
interface RecipientFold<S, E> {
  addSend(event: S): void;
  addSendRow?(
    messageId: string,
    recipientId: string,
    sentAtMs: number,
    variant: string | undefined,
    segment: string | undefined,
    templateName?: string,
    recipientTimeZone?: string,
  ): void;
  addEvent(event: E): void;
  addPriorDelivery?(recipientId: string, at: Date): void;
}

/**
 * Makes a metrics fold count each person once: every send and event it is given is re-keyed to the
 * canonical id of its recipient before attribution, so a reply that carries only a user id is
 * attributed to the message sent to that user's phone number, whatever order the events and the links
 * arrived in. Returns the same builder.
 */
export function resolveIdentities<
  S extends StoredEvent,
  E extends StoredEvent,
  B extends RecipientFold<S, E>,
>(builder: B, links: IdentityLinks | undefined): B {
  if (links === undefined || links.size === 0) return builder;
  const addSend = builder.addSend.bind(builder);
  const addEvent = builder.addEvent.bind(builder);
  builder.addSend = (event: S) => addSend(links.canonicalEvent(event));
  builder.addEvent = (event: E) => addEvent(links.canonicalEvent(event));
  const addSendRow = builder.addSendRow?.bind(builder);
  if (addSendRow !== undefined) {
    builder.addSendRow = (
      messageId,
      recipientId,
      sentAtMs,
      variant,
      segment,
      templateName,
      recipientTimeZone,
    ) =>
      addSendRow(
        messageId,
        links.canonicalRecipientId(recipientId),
        sentAtMs,
        variant,
        segment,
        templateName,
        recipientTimeZone,
      );
  }
  const addPriorDelivery = builder.addPriorDelivery?.bind(builder);
  if (addPriorDelivery !== undefined) {
    builder.addPriorDelivery = (recipientId: string, at: Date) =>
      addPriorDelivery(links.canonical(recipientId), at);
  }
  return builder;
}
