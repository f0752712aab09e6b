/** Meta's portfolio messaging-limit tiers (`whatsapp_business_manager_messaging_limit`). */
export type MessagingLimitTier =
  | 'TIER_50'
  | 'TIER_250'
  | 'TIER_2K'
  | 'TIER_10K'
  | 'TIER_100K'
  | 'TIER_UNLIMITED';

/** Unique users per rolling 24 h of each tier, as Meta documents them: one table for the queue and the simulator. */
export const MESSAGING_LIMIT_TIER_USERS: Readonly<Record<MessagingLimitTier, number>> = {
  TIER_50: 50,
  TIER_250: 250,
  TIER_2K: 2000,
  TIER_10K: 10_000,
  TIER_100K: 100_000,
  TIER_UNLIMITED: Number.POSITIVE_INFINITY,
};
