import { Prng } from './prng.js';

/** How a simulated user appears in webhooks (Meta's business-scoped user ids, 2026). */
export interface SimulatedIdentity {
  /** The business-scoped user id (`US.` + 20 digits), when users have one (`userIdOnlyRate` > 0). */
  userId?: string;
  /** Whether webhooks hide the user's phone number: `wa_id` / `from` are `""`, only the user id is given. */
  phoneHidden: boolean;
}

const DIGITS = /^\d+$/;

/**
 * The identity of the user `waId` (their phone number, or the user id a `recipient` send addressed).
 * With `userIdOnlyRate` 0, users have no user id and webhooks look as before 2026. Otherwise every user
 * gets a stable user id, and that share of them is known by it only: their messages and preference
 * changes carry an empty `wa_id`/`from`. Statuses of a send to a phone number still carry the number
 * (the business gave it) with `recipient_user_id` beside it, which is how a store learns the link.
 */
export function simulatedIdentity(seed: number, waId: string, userIdOnlyRate: number): SimulatedIdentity {
  if (!DIGITS.test(waId)) return { userId: waId, phoneHidden: true };
  if (userIdOnlyRate <= 0) return { phoneHidden: false };
  const rng = Prng.derive(seed, `user-id|${waId}`);
  let digits = '';
  for (let i = 0; i < 20; i++) digits += String(rng.int(i === 0 ? 1 : 0, 9));
  return { userId: `US.${digits}`, phoneHidden: rng.chance(userIdOnlyRate) };
}

/** The sender fields of an inbound message (`from`, `from_user_id`). */
export function senderFields(waId: string, identity: SimulatedIdentity): Record<string, string> {
  const fields: Record<string, string> = { from: identity.phoneHidden ? '' : waId };
  if (identity.userId !== undefined) fields.from_user_id = identity.userId;
  return fields;
}

/** A `contacts[]` entry (or `user_preferences[]` ids) for the user. */
export function contactIds(waId: string, identity: SimulatedIdentity): Record<string, string> {
  const fields: Record<string, string> = { wa_id: identity.phoneHidden ? '' : waId };
  if (identity.userId !== undefined) fields.user_id = identity.userId;
  return fields;
}
