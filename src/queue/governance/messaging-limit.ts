import { ConfigError } from '../../errors/index.js';
import { MESSAGING_LIMIT_TIER_USERS, type MessagingLimitTier } from '../../schemas/messaging-limit-tiers.js';

export type { MessagingLimitTier };

/**
 * A portfolio messaging limit: a tier as Meta names it, or the number of unique users per rolling
 * 24 h (`Number.POSITIVE_INFINITY` or -1 for unlimited, as the `business_capability_update` webhook says).
 */
export type MessagingLimit = MessagingLimitTier | number;

const TIER_USERS = MESSAGING_LIMIT_TIER_USERS;

/**
 * Unique users per rolling 24 h allowed by `limit` (`Infinity` when unlimited); `undefined` for a value
 * that names no limit (`TIER_NOT_SET`, an unknown tier, a negative number other than -1, not a number).
 */
export function parseMessagingLimit(limit: unknown): number | undefined {
  if (typeof limit === 'number') {
    if (limit === -1 || limit === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
    return Number.isInteger(limit) && limit >= 0 ? limit : undefined;
  }
  if (typeof limit === 'string') {
    if (Object.hasOwn(TIER_USERS, limit)) return TIER_USERS[limit as MessagingLimitTier];
    return /^-?\d+$/.test(limit) ? parseMessagingLimit(Number(limit)) : undefined;
  }
  return undefined;
}

/** {@link parseMessagingLimit} for an option: throws `ConfigError` naming `option` when it names no limit. */
export function checkMessagingLimit(limit: unknown, option: string): number {
  const users = parseMessagingLimit(limit);
  if (users === undefined)
    throw new ConfigError(
      `${option} must be TIER_50, TIER_250, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED or a non-negative integer`,
      { option },
    );
  return users;
}

/**
 * The portfolio messaging limit a parsed webhook event announces, or `undefined` when it announces
 * none: a `business_capability_update` change (`max_daily_conversations_per_business`, else the older
 * `max_daily_conversation_per_phone`; -1 is unlimited) or a `phone_number_quality` event carrying
 * `max_daily_conversations_per_business`. Feed it to `PortfolioBudget.setLimit()`:
 *
 * ```ts
 * processor.on('event', (event) => {
 *   const limit = messagingLimitOf(event);
 *   if (limit !== undefined) void budget.setLimit(limit);
 * });
 * ```
 */
export function messagingLimitOf(event: unknown): number | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const { type, field, value, details } = event as Record<string, unknown>;
  const fields =
    field === 'business_capability_update'
      ? value
      : type === 'phone_number_quality' || field === 'phone_number_quality_update'
        ? (details ?? value)
        : undefined;
  if (typeof fields !== 'object' || fields === null) return undefined;
  const record = fields as Record<string, unknown>;
  return (
    parseMessagingLimit(record.max_daily_conversations_per_business) ??
    (field === 'business_capability_update'
      ? parseMessagingLimit(record.max_daily_conversation_per_phone)
      : undefined)
  );
}
